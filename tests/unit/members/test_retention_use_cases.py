"""The members' retention policy against in-memory repositories: who is due, the run, its log, its lease."""
from datetime import date, timedelta

import pytest

from services.members.domain.retention import FORMER_CONTACTS, WITHDRAWN_CONSENTS
from services.members.service_layer import people, retention, seats
from services.members.service_layer.commands import AssignSeat, EndSeat
from shared.clock import utc_now
from shared.contracts import members as contract
from shared.errors import Conflict
from shared.retention.runner import RunRetention

from .fakes import ADMIN, fake_uow, run
from .test_people_use_cases import organisation, person

NOW = utc_now()


def backdate(uow, person_id, months, **fields):
    """As if the person was registered and last changed `months` months ago."""
    then = NOW - timedelta(days=31 * months)
    uow.people.docs[person_id].update({"created_at": then, "updated_at": then, **fields})


def people_of_every_kind(uow):
    """One person per case; returns their ids by what is expected of them."""
    org = organisation(uow)
    ids = {}
    for name, months, extra in [
        ("old_no_consent", 25, {}),
        ("recent_no_consent", 23, {}),
        ("old_with_consent", 40, {"consents": [{"purpose": "newsletter", "granted_at": NOW - timedelta(days=1300)}]}),
        ("withdrew_long_ago", 30, {"consents": [{"purpose": "newsletter", "granted_at": NOW - timedelta(days=1000),
                                                 "withdrawn_at": NOW - timedelta(days=220)}]}),
        ("withdrew_recently", 30, {"consents": [{"purpose": "newsletter", "granted_at": NOW - timedelta(days=1000),
                                                 "withdrawn_at": NOW - timedelta(days=60)}]}),
        ("old_seated", 40, {}),
        ("old_seat_ended_recently", 40, {}),
    ]:
        found = person(uow, org, email=f"{name}@kesan.tr", full_name=name.replace("_", " "))
        backdate(uow, found["_id"], months, **extra)
        ids[name] = found["_id"]
    for name in ("old_seated", "old_seat_ended_recently"):
        run(uow, seats.assign_seat, AssignSeat("board", ids[name], "member", date(2023, 1, 1)))
    [ended] = [s for s in uow.seats.docs.values() if s["person_id"] == ids["old_seat_ended_recently"]]
    run(uow, seats.end_seat, EndSeat("board", ended["_id"]))
    return ids


def due(uow, category):
    [found] = [c for c in retention.categories() if c.name == category]
    from shared.retention.policy import months_before
    return set(found.due(uow, months_before(NOW, found.months)))


def test_due_selection_per_category():
    uow = fake_uow()
    ids = people_of_every_kind(uow)
    assert due(uow, FORMER_CONTACTS) == {ids["old_no_consent"]}
    assert due(uow, WITHDRAWN_CONSENTS) == {ids["withdrew_long_ago"]}


def test_the_policy_names_each_category_its_period_and_basis(monkeypatch):
    monkeypatch.setenv("TVP_RETENTION_WITHDRAWN_CONSENTS_MONTHS", "3")
    policy = {c.name: c.describe() for c in retention.categories()}
    assert set(policy) == {FORMER_CONTACTS, WITHDRAWN_CONSENTS}
    assert policy[FORMER_CONTACTS]["period_months"] == 24 and policy[WITHDRAWN_CONSENTS]["period_months"] == 3
    assert all("KVKK Art. 5" in c["basis"] and "Art. 7" in c["basis"] for c in policy.values())


def test_a_dry_run_counts_and_changes_nothing():
    uow = fake_uow()
    people_of_every_kind(uow)
    before, events = repr(uow.people.docs), len(uow.events)
    result, _ = run(uow, retention.run_retention, RunRetention(dry_run=True))
    assert {c["category"]: c["count"] for c in result["categories"]} == {FORMER_CONTACTS: 1, WITHDRAWN_CONSENTS: 1}
    assert repr(uow.people.docs) == before and len(uow.events) == events
    assert uow.retention.last_run() is None  # a dry run is not the scheduled run
    assert [e["dry_run"] for e in uow.retention.entries] == [True, True]


def test_a_run_erases_exactly_the_due_people_through_the_erasure_and_logs_counts_only():
    uow = fake_uow()
    ids = people_of_every_kind(uow)
    result, events = run(uow, retention.run_retention, RunRetention(dry_run=False))
    erased = {e.data["id"] for e in events if e.type == contract.PERSON_ERASED}
    assert erased == {ids["old_no_consent"], ids["withdrew_long_ago"]}
    for person_id in erased:
        stored = uow.people.docs[person_id]
        assert stored["status"] == "erased" and "email" not in stored and "full_name" not in stored
    kept = set(ids.values()) - erased
    assert all(uow.people.docs[i]["status"] == "active" and uow.people.docs[i]["email"] for i in kept)
    assert {c["category"]: c["count"] for c in result["categories"]} == {FORMER_CONTACTS: 1, WITHDRAWN_CONSENTS: 1}
    entries = uow.retention.entries
    assert {(e["category"], e["count"], e["dry_run"]) for e in entries} == {(FORMER_CONTACTS, 1, False),
                                                                           (WITHDRAWN_CONSENTS, 1, False)}
    assert all(e["actor"] == {"sub": ADMIN.subject, "role": "platform_admin", "org": None} for e in entries)
    logged = repr(entries)
    assert not any(i in logged for i in ids.values()) and "@kesan.tr" not in logged and "old no consent" not in logged
    assert uow.retention.last_run() is not None


def test_a_second_run_anonymises_nothing():
    uow = fake_uow()
    people_of_every_kind(uow)
    run(uow, retention.run_retention, RunRetention(dry_run=False))
    result, events = run(uow, retention.run_retention, RunRetention(dry_run=False))
    assert [c["count"] for c in result["categories"]] == [0, 0] and events == []


def test_a_run_while_another_holds_the_lease_is_refused_and_the_lease_is_released_after_a_failure():
    uow = fake_uow()
    people_of_every_kind(uow)
    now = utc_now()  # not the module's NOW: the suite may run this test long after importing it
    uow.retention.acquire("someone-else", now, now + timedelta(minutes=15))
    with pytest.raises(Conflict):
        run(uow, retention.run_retention, RunRetention(dry_run=False))
    uow.retention.release("someone-else")

    def failing(uow_, cutoff):
        raise RuntimeError("database away")

    broken = retention.retention_use_case(lambda: [
        retention.categories()[0].__class__(**{**retention.categories()[0].__dict__, "due": failing})])
    with pytest.raises(RuntimeError):
        run(uow, broken, RunRetention(dry_run=False))
    assert "lease" not in uow.retention.docs
    result, _ = run(uow, retention.run_retention, RunRetention(dry_run=False))
    assert result["categories"][0]["count"] == 1


def test_an_expired_lease_does_not_block_a_run():
    uow = fake_uow()
    uow.retention.acquire("killed-run", NOW - timedelta(hours=1), NOW - timedelta(minutes=45))
    result, _ = run(uow, retention.run_retention, RunRetention(dry_run=True))
    assert result["dry_run"] is True


def test_the_scheduled_run_runs_only_when_the_interval_has_passed(monkeypatch):
    monkeypatch.setenv("TVP_RETENTION_INTERVAL_DAYS", "30")
    uow = fake_uow()
    ids = people_of_every_kind(uow)
    uow.retention.mark_run(NOW - timedelta(days=10))
    skipped, events = run(uow, retention.run_retention, RunRetention(dry_run=False, scheduled=True))
    assert skipped is None and events == [] and uow.people.docs[ids["old_no_consent"]]["status"] == "active"
    uow.retention.mark_run(NOW - timedelta(days=31))
    done, events = run(uow, retention.run_retention, RunRetention(dry_run=False, scheduled=True))
    assert done is not None and len([e for e in events if e.type == contract.PERSON_ERASED]) == 2
    assert uow.retention.last_run() >= NOW


def test_a_person_erased_meanwhile_is_not_counted():
    uow = fake_uow()
    ids = people_of_every_kind(uow)
    run(uow, people.erase_person, people.ErasePerson(ids["old_no_consent"]))
    assert retention.anonymise_person(uow, ids["old_no_consent"], ADMIN, None) is False
