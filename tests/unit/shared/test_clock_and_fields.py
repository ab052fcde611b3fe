"""The platform's one rule for time, and the marshmallow fields every API uses."""
from datetime import datetime, timedelta, timezone

import pytest
from marshmallow import Schema, ValidationError

from shared.clock import local_iso, parse_moment, to_millis, utc_now
from shared.ids import new_id
from shared.web.fields import Moment, ProvinceField, Text, Timestamp

ISTANBUL = timezone(timedelta(hours=3))


def test_now_is_utc_to_the_millisecond_as_bson_keeps_it():
    now = utc_now()
    assert now.utcoffset() == timedelta(0) and now.microsecond % 1000 == 0
    assert to_millis(datetime(2026, 5, 14, 7, 0, 0, 123456, tzinfo=timezone.utc)).microsecond == 123000


@pytest.mark.parametrize("text, utc", [
    ("2026-05-14T10:00:00+03:00", datetime(2026, 5, 14, 7, tzinfo=timezone.utc)),
    ("2026-05-14T07:00:00Z", datetime(2026, 5, 14, 7, tzinfo=timezone.utc)),
    ("2026-05-14T10:00:00", datetime(2026, 5, 14, 7, tzinfo=timezone.utc)),   # no offset: Istanbul time
    ("2026-01-14T10:00", datetime(2026, 1, 14, 7, tzinfo=timezone.utc)),      # +03:00 all year since 2016
])
def test_input_is_read_with_its_offset_or_as_istanbul_time(text, utc):
    parsed = parse_moment(text)
    assert parsed == utc and parsed.utcoffset() == timedelta(0)


def test_unparseable_input_is_a_value_error():
    with pytest.raises(ValueError):
        parse_moment("tomorrow")


def test_output_is_istanbul_time_with_its_offset():
    assert local_iso(datetime(2026, 5, 14, 7, tzinfo=timezone.utc)) == "2026-05-14T10:00:00+03:00"
    assert local_iso(datetime(2026, 5, 14, 7, 0, 0, 250000, tzinfo=timezone.utc)) == "2026-05-14T10:00:00.250+03:00"
    assert local_iso(datetime(2026, 5, 14, 7)) == "2026-05-14T10:00:00+03:00"   # naive from a driver: UTC
    assert local_iso("2026-05-14T07:00:00+00:00") == "2026-05-14T10:00:00+03:00"  # stored as text before
    assert local_iso(None) is None
    # Istanbul's local mean time (+01:55:52) is no RFC 3339 offset: such old moments are written in UTC.
    assert local_iso(datetime(1529, 10, 1, 16, 55, tzinfo=timezone.utc)) == "1529-10-01T16:55:00+00:00"


class _Sample(Schema):
    name = Text()
    province = ProvinceField()
    at = Moment(earliest=datetime(2000, 1, 1, tzinfo=timezone.utc), latest=datetime(2100, 1, 1, tzinfo=timezone.utc))
    stored = Timestamp()


def test_text_is_trimmed_and_refuses_control_characters():
    assert _Sample().load({"name": "  Lüleburgaz TSO "}) == {"name": "Lüleburgaz TSO"}
    with pytest.raises(ValidationError) as raised:
        _Sample().load({"name": "bell\u0007"})
    assert "name" in raised.value.messages


def test_province_loads_as_its_official_spelling():
    assert _Sample().load({"province": " kirklareli"}) == {"province": "Kırklareli"}
    with pytest.raises(ValidationError):
        _Sample().load({"province": "Atlantis"})


def test_moment_loads_utc_to_the_millisecond_and_is_bounded():
    loaded = _Sample().load({"at": "2026-05-14T10:00:00.123456"})["at"]
    assert loaded == datetime(2026, 5, 14, 7, 0, 0, 123000, tzinfo=timezone.utc)
    with pytest.raises(ValidationError):
        _Sample().load({"at": "2199-05-14T10:00:00+03:00"})


def test_timestamps_dump_in_istanbul_time():
    shown = _Sample().dump({"stored": datetime(2026, 5, 14, 21, 30, tzinfo=timezone.utc),
                            "at": datetime(2026, 5, 14, 7, tzinfo=timezone.utc)})
    assert shown == {"stored": "2026-05-15T00:30:00+03:00", "at": "2026-05-14T10:00:00+03:00"}


def test_ids_are_opaque_distinct_hex_strings():
    ids = {new_id() for _ in range(100)}
    assert len(ids) == 100 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
