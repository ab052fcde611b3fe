"""The events' retention policy against in-memory repositories: outside participants' contact data."""
from services.events.service_layer import meetings, retention
from services.events.service_layer.commands import Register
from shared.retention.runner import RunRetention

from .fakes import ADMIN, CAUSE, chamber_admin, later
from .test_meeting_use_cases import membership, scheduled, workshop

PARTICIPANT = {"full_name": "Can Demir", "gender": "male", "email": "can@ergene.tr",
               "organisation_name": "Ergene Kimya",
               "organisation_kind": "company", "size_class": "small", "province": "Tekirdağ"}


def meeting_with_registrations(uow, days_ago: int) -> dict:
    meeting = scheduled(uow, workshop(starts=later(days=-days_ago)))
    meetings.register(uow, Register(meeting["_id"], person_id="p1"), chamber_admin(), CAUSE)
    meetings.register(uow, Register(meeting["_id"], participant=PARTICIPANT), ADMIN, CAUSE)
    return uow.meetings.docs[meeting["_id"]]


def participant_of(uow, meeting_id):
    [found] = [r for r in uow.meetings.docs[meeting_id]["registrations"] if r["registrant"] == "participant"]
    return found


def test_participants_of_meetings_over_a_year_ago_lose_name_and_email_and_keep_what_is_counted():
    uow = membership()
    old, recent = meeting_with_registrations(uow, 400), meeting_with_registrations(uow, 200)
    before = {k: v for k, v in participant_of(uow, old["_id"]).items() if k != "participant"}
    versions = (old["version"], recent["version"])
    dry = retention.run_retention(uow, RunRetention(dry_run=True), ADMIN, CAUSE)
    assert [(c["category"], c["count"]) for c in dry["categories"]] == [("participant_contacts", 1)]
    assert participant_of(uow, old["_id"])["participant"]["email"] == "can@ergene.tr"

    uow.events.clear()
    done = retention.run_retention(uow, RunRetention(dry_run=False), ADMIN, CAUSE)
    assert done["categories"][0]["count"] == 1 and uow.events == []
    forgotten = participant_of(uow, old["_id"])
    assert (forgotten["participant"]["full_name"], forgotten["participant"]["email"]) == (None, None)
    assert forgotten["participant"]["organisation_name"] == "Ergene Kimya"  # an organisation, not a person
    assert {k: v for k, v in forgotten.items() if k != "participant"} == before
    assert participant_of(uow, recent["_id"])["participant"]["email"] == "can@ergene.tr"
    assert (uow.meetings.docs[old["_id"]]["version"], uow.meetings.docs[recent["_id"]]["version"]) == versions

    again = retention.run_retention(uow, RunRetention(dry_run=False), ADMIN, CAUSE)
    assert again["categories"][0]["count"] == 0
    assert [e["count"] for e in uow.retention.entries] == [1, 1, 0]
    assert "can@ergene.tr" not in repr(uow.retention.entries) and "Can Demir" not in repr(uow.retention.entries)


def test_the_period_is_configurable(monkeypatch):
    uow = membership()
    meeting_with_registrations(uow, 100)  # ended between 3 and 4 months ago
    monkeypatch.setenv("TVP_RETENTION_PARTICIPANT_CONTACTS_MONTHS", "3")
    assert retention.run_retention(uow, RunRetention(dry_run=True), ADMIN, CAUSE)["categories"][0]["count"] == 1
    monkeypatch.setenv("TVP_RETENTION_PARTICIPANT_CONTACTS_MONTHS", "4")
    assert retention.run_retention(uow, RunRetention(dry_run=True), ADMIN, CAUSE)["categories"][0]["count"] == 0
