import pytest

from shared.auth import InvalidToken, TokenIssuer, TokenVerifier, ensure_dev_keys
from shared.web.errors import _flatten


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("k")
    assert ensure_dev_keys(path / "priv.pem", path / "pub.pem") is True
    assert ensure_dev_keys(path / "priv.pem", path / "pub.pem") is False  # never overwrites
    return (path / "priv.pem").read_bytes(), (path / "pub.pem").read_bytes()


def test_tokens_round_trip_with_role_and_organisation(keys):
    private, public = keys
    token = TokenIssuer(private).issue("chamber_admin", organisation_id="org-1", subject="ayse")
    principal = TokenVerifier(public).verify(token)
    assert (principal.subject, principal.role, principal.organisation_id) == ("ayse", "chamber_admin", "org-1")
    assert not principal.is_admin


def test_bad_tokens_are_refused(keys, tmp_path):
    private, public = keys
    with pytest.raises(InvalidToken):
        TokenVerifier(public).verify("not.a.token")
    with pytest.raises(InvalidToken):
        TokenVerifier(public).verify(TokenIssuer(private).issue("auditor", ttl_s=-10))
    ensure_dev_keys(tmp_path / "other.pem", tmp_path / "other-pub.pem")
    foreign = TokenIssuer((tmp_path / "other.pem").read_bytes()).issue("platform_admin")
    with pytest.raises(InvalidToken):
        TokenVerifier(public).verify(foreign)
    with pytest.raises(InvalidToken):
        TokenVerifier(public, issuer="someone-else").verify(TokenIssuer(private).issue("auditor"))


def test_issuer_refuses_unknown_roles_and_chamber_admins_without_organisation(keys):
    with pytest.raises(ValueError):
        TokenIssuer(keys[0]).issue("king")
    with pytest.raises(ValueError):
        TokenIssuer(keys[0]).issue("chamber_admin")


def test_validation_errors_are_flattened_to_fields():
    assert _flatten({"json": {"name": ["Missing"]}, "query": {"page": ["Too big"]}}) == {
        "name": ["Missing"], "page": ["Too big"]}
    assert _flatten(["whole body wrong"]) == {"_schema": ["whole body wrong"]}
