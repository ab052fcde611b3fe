"""If-Match and ETag, the one implementation all three services use."""
import pytest
from flask import Flask

from shared.concurrency import etag, parse_if_match
from shared.errors import PreconditionFailed
from shared.web.http import precondition, with_etag


@pytest.mark.parametrize("header, version, matches", [
    ('"3"', 3, True), ("3", 3, True), ('W/"3"', 3, True), ('"2", "3"', 3, True), ("*", 9, True),
    ('"2"', 3, False), ("garbage", 3, False), ('"-1"', 3, False), ('"99999999999999999999"', 3, False),
])
def test_if_match(header, version, matches):
    precondition = parse_if_match(header)
    if matches:
        precondition.check(version)
    else:
        with pytest.raises(PreconditionFailed):
            precondition.check(version)


def test_no_if_match_means_no_precondition():
    assert parse_if_match(None) is None and parse_if_match("  ") is None
    assert etag(4) == '"4"'


def test_the_request_header_is_read_and_the_etag_answered():
    app = Flask(__name__)
    with app.test_request_context(headers={"If-Match": 'W/"5", "6"'}):
        precondition().check(6)
        with pytest.raises(PreconditionFailed):
            precondition().check(7)
    with app.test_request_context():
        assert precondition() is None
    assert with_etag({"version": 3}) == ({"version": 3}, {"ETag": '"3"'})
    assert with_etag({"version": 1}, 201) == ({"version": 1}, 201, {"ETag": '"1"'})
