"""The events service's collections get the indexes its mongoengine documents declare, under their old names."""
import pytest

from services.events.adapters.documents import ensure_indexes

pytestmark = pytest.mark.integration


def test_the_declared_indexes_exist(db):
    ensure_indexes(db)  # create_app only logs a failure (the app starts, /readyz tells): fail loudly here
    names = {name: set(db[name].index_information()) for name in
             ("meetings", "member_organisations", "member_people", "member_seats")}
    assert {"by_start", "by_body", "by_host", "by_kind", "by_registered_person",
            "by_registration"} <= names["meetings"]
    assert {"by_body", "by_person"} <= names["member_seats"]
    assert "by_organisation" in names["member_people"]
    assert db.meetings.index_information()["by_start"]["key"] == [("starts_at", 1), ("_id", 1)]
