from datetime import datetime, timedelta, timezone

import pytest

from services.members.domain.person import apply_changes, check_consents, check_organisation_accepts_people, email_key
from shared.errors import Conflict, Unprocessable

NOW = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)


def test_consents_one_per_purpose():
    check_consents([{"purpose": "newsletter"}, {"purpose": "photos"}], NOW)
    with pytest.raises(Unprocessable) as raised:
        check_consents([{"purpose": "newsletter"}, {"purpose": "Newsletter "}], NOW)
    assert raised.value.errors == {"consents": {"1": ["purpose 'Newsletter ' appears twice"]}}


@pytest.mark.parametrize("consent", [
    {"purpose": "x", "granted_at": NOW + timedelta(days=1)},
    {"purpose": "x", "granted_at": NOW - timedelta(days=1), "withdrawn_at": NOW + timedelta(days=1)},
    {"purpose": "x", "granted_at": NOW - timedelta(days=1), "withdrawn_at": NOW - timedelta(days=2)},
])
def test_impossible_consent_times(consent):
    with pytest.raises(Unprocessable):
        check_consents([consent], NOW)


def test_email_key_ignores_case():
    assert email_key("o", " Ali@Example.COM ") == email_key("o", "ali@example.com") != email_key("p", "ali@example.com")


def test_withdrawn_organisations_take_no_people():
    check_organisation_accepts_people("suspended")
    with pytest.raises(Conflict):
        check_organisation_accepts_people("withdrawn")


def test_person_changes():
    current = {"full_name": "Ali", "email": "a@x.org", "title": "Dr", "status": "active"}
    assert apply_changes(current, {"title": None, "full_name": "Ali"}) == ({}, ["title"], ["title"])
    with pytest.raises(Unprocessable):
        apply_changes(current, {"email": None})
    with pytest.raises(Conflict):
        apply_changes({**current, "status": "erased"}, {"title": "x"})
