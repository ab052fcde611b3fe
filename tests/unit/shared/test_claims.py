"""Strict claims (issue 16, item 1): a signed token is accepted only with a known role, a string subject and,
for a chamber admin, a string organisation id; anything else is InvalidToken (401 at the door)."""
import pytest

from shared.auth import InvalidToken, Principal, TokenIssuer, TokenVerifier, ensure_dev_keys, principal_of
from tests.support.forged import FORGED_CLAIMS, forged_token

ORG = "0f" * 16


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("k")
    ensure_dev_keys(path / "priv.pem", path / "pub.pem")
    return (path / "priv.pem").read_bytes(), (path / "pub.pem").read_bytes()


@pytest.mark.parametrize("claims", [
    {"sub": "a", "role": "platform_admin"},
    {"sub": "c", "role": "chamber_admin", "org": ORG},
    {"sub": "c", "role": "chamber_admin", "org": "demo-chamber_1"},
    {"sub": "o", "role": "programme_officer"},
    {"sub": "u", "role": "auditor"},
])
def test_well_formed_claims_make_a_principal(claims):
    principal = principal_of(claims)
    assert principal == Principal(claims["sub"], claims["role"], claims.get("org"))


@pytest.mark.parametrize("claims", [
    {"role": "chamber_admin"},
    {"role": "chamber_admin", "org": ""},
    {"role": "chamber_admin", "org": None},
    {"role": "chamber_admin", "org": {"$ne": None}},
    {"role": "chamber_admin", "org": ["x"]},
    {"role": "chamber_admin", "org": 12},
    {"role": "chamber_admin", "org": True},
    {"role": "chamber_admin", "org": "a b"},
    {"role": "chamber_admin", "org": "x" * 65},
    {"role": "chamber_admin", "org": "$where"},
    {"role": "chamber_admin", "org": "org\n"},
    {"role": "king"},
    {},
    {"role": None},
    {"role": ["platform_admin"]},
    {"role": {"$in": ["platform_admin"]}},
    {"role": "platform_admin "},
    {"role": "PLATFORM_ADMIN"},
    {"role": "auditor", "org": ORG},
    {"role": "platform_admin", "org": ""},
    {"role": "platform_admin", "sub": ""},
    {"role": "platform_admin", "sub": "  "},
    {"role": "platform_admin", "sub": {"id": 1}},
    {"role": "platform_admin", "sub": "s" * 256},
])
def test_malformed_claims_are_refused(claims):
    with pytest.raises(InvalidToken):
        principal_of({"sub": "x", **claims})


@pytest.mark.parametrize("name", sorted(set(FORGED_CLAIMS) - {"chamber admin of an unknown organisation"}))
def test_signed_tokens_with_forged_claims_do_not_verify(keys, name):
    private, public = keys
    with pytest.raises(InvalidToken):
        TokenVerifier(public).verify(forged_token(private, FORGED_CLAIMS[name]))


def test_the_issuer_refuses_an_organisation_on_a_role_without_one(keys):
    with pytest.raises(ValueError, match="chamber_admin only"):
        TokenIssuer(keys[0]).issue("auditor", organisation_id=ORG)


class _Organisations:
    def __init__(self, ids):
        self.ids, self.asked = set(ids), []

    def find_one(self, query, projection):
        self.asked.append(query)
        return {"_id": query["_id"]} if query["_id"] in self.ids else None


def test_known_organisations_remember_a_yes_and_ask_again_after_a_no():
    from shared.web.security import KnownOrganisations

    organisations = _Organisations({"org-1"})
    known = KnownOrganisations(db=None, collection=lambda db: organisations)
    assert "org-1" in known and "org-1" in known
    assert "org-2" not in known
    organisations.ids.add("org-2")  # registered (or projected) meanwhile
    assert "org-2" in known
    assert organisations.asked == [{"_id": "org-1"}, {"_id": "org-2"}, {"_id": "org-2"}]
