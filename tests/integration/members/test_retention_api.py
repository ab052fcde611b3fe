"""The members' retention policy through the HTTP API on the embedded database: policy, runs, log, lease."""
from datetime import datetime, timedelta, timezone

import pytest

pytestmark = pytest.mark.integration

RETENTION = "/api/v1/retention"
WITHDRAWN = [{"purpose": "newsletter", "granted_at": "2026-01-05T10:00:00+03:00",
              "withdrawn_at": "2026-02-05T10:00:00+03:00"}]
CURRENT = [{"purpose": "newsletter", "granted_at": "2026-01-05T10:00:00+03:00"}]


@pytest.fixture
def everyone_due_at_once(monkeypatch):
    """Periods of 0 months: anyone without a reason to be kept is due now (the defaults are 24 and 6)."""
    monkeypatch.setenv("TVP_RETENTION_FORMER_CONTACTS_MONTHS", "0")
    monkeypatch.setenv("TVP_RETENTION_WITHDRAWN_CONSENTS_MONTHS", "0")


def people_of_every_kind(api) -> dict:
    org = api.organisation(status="active")
    ids = {"plain": api.person(org["id"], full_name="Deniz Ak")["id"],
           "plain_too": api.person(org["id"], full_name="Ece Bal")["id"],
           "withdrawn": api.person(org["id"], consents=WITHDRAWN)["id"],
           "consenting": api.person(org["id"], consents=CURRENT)["id"],
           "seated": api.person(org["id"])["id"]}
    assert api.seat(ids["seated"]).status_code == 201
    return ids


def counts(body) -> dict:
    return {c["category"]: c["count"] for c in body["categories"]}


def test_the_policy_names_categories_periods_and_bases_for_every_role(api):
    chamber = api.organisation()["id"]  # a chamber admin's token must name an organisation the service knows
    for role in ("platform_admin", "chamber_admin", "programme_officer", "auditor"):
        response = api.get(f"{RETENTION}/policy", role=role, org=chamber if role == "chamber_admin" else None)
        assert response.status_code == 200, response.json
    policy = response.json
    assert policy["service"] == "members" and 1 <= policy["interval_days"] <= 183
    by_name = {c["category"]: c for c in policy["categories"]}
    assert set(by_name) == {"former_contacts", "withdrawn_consents"}
    assert (by_name["former_contacts"]["period_months"], by_name["withdrawn_consents"]["period_months"]) == (24, 6)
    assert all("KVKK" in c["basis"] and c["configured_by"].startswith("TVP_RETENTION_") for c in by_name.values())
    assert api.get(f"{RETENTION}/policy", role=None).status_code == 401


def test_who_may_run_and_read_the_log(api):
    chamber = api.organisation()["id"]
    for role in ("chamber_admin", "programme_officer", "auditor"):
        org = chamber if role == "chamber_admin" else None
        assert api.post(f"{RETENTION}/run", {"dry_run": True}, role=role, org=org).status_code == 403
    assert api.get(f"{RETENTION}/log", role="programme_officer").status_code == 403
    assert api.get(f"{RETENTION}/log", role="chamber_admin", org=chamber).status_code == 403
    assert api.get(f"{RETENTION}/log", role="auditor").status_code == 200
    assert api.post(f"{RETENTION}/run", {"dry_run": "perhaps"}).status_code == 422


def test_a_dry_run_counts_and_changes_nothing(api, everyone_due_at_once):
    ids = people_of_every_kind(api)
    before = {i: api.get(f"/api/v1/people/{i}").json for i in ids.values()}
    response = api.post(f"{RETENTION}/run", {"dry_run": True})
    assert response.status_code == 200, response.json
    assert response.json["dry_run"] is True
    assert counts(response.json) == {"former_contacts": 2, "withdrawn_consents": 1}
    assert {i: api.get(f"/api/v1/people/{i}").json for i in ids.values()} == before
    assert all(api.types("people", i) == ["registered"] for i in ids.values())


def test_a_run_erases_exactly_the_due_people_through_person_erased_and_logs_counts_only(api, everyone_due_at_once):
    ids = people_of_every_kind(api)
    response = api.post(f"{RETENTION}/run", {"dry_run": False}, headers={"X-Correlation-Id": "retention-1"})
    assert response.status_code == 200, response.json
    assert counts(response.json) == {"former_contacts": 2, "withdrawn_consents": 1}
    for name in ("plain", "plain_too", "withdrawn"):
        assert api.get(f"/api/v1/people/{ids[name]}").status_code == 404
        assert api.types("people", ids[name]) == ["registered", "erased"]
        [_, erased] = api.events("people", ids[name])
        assert erased["correlationid"] == "retention-1"
        stored = api.db.people.find_one({"_id": ids[name]})
        assert stored["status"] == "erased" and "email" not in stored and "full_name" not in stored
    for name in ("consenting", "seated"):
        assert api.get(f"/api/v1/people/{ids[name]}").status_code == 200
        assert api.types("people", ids[name]) == ["registered"]

    log = api.get(f"{RETENTION}/log", role="auditor")
    assert log.status_code == 200 and log.json["total"] == 2
    entries = log.json["items"]
    assert {(e["category"], e["count"], e["dry_run"]) for e in entries} == {
        ("former_contacts", 2, False), ("withdrawn_consents", 1, False)}
    assert all(e["actor"]["role"] == "platform_admin" and e["basis"] and e["at"] for e in entries)
    text = log.get_data(as_text=True)
    assert not any(i in text for i in ids.values()) and "@example.com" not in text and "Deniz" not in text

    again = api.post(f"{RETENTION}/run", {"dry_run": False})
    assert counts(again.json) == {"former_contacts": 0, "withdrawn_consents": 0}
    newest = api.get(f"{RETENTION}/log?page_size=2", role="auditor").json
    assert newest["total"] == 4 and [e["count"] for e in newest["items"]] == [0, 0]


def test_the_defaults_keep_recent_people(api):
    people_of_every_kind(api)
    response = api.post(f"{RETENTION}/run", {"dry_run": False})
    assert counts(response.json) == {"former_contacts": 0, "withdrawn_consents": 0}


def test_a_run_while_another_holds_the_lease_is_409_and_an_expired_lease_is_taken_over(api):
    later = datetime.now(timezone.utc) + timedelta(minutes=10)
    api.db.retention_state.insert_one({"_id": "lease", "holder": "another-run", "until": later})
    response = api.post(f"{RETENTION}/run", {"dry_run": True})
    assert response.status_code == 409 and "already running" in response.json["message"]
    api.db.retention_state.update_one({"_id": "lease"}, {"$set": {"until": datetime.now(timezone.utc)
                                                                  - timedelta(seconds=1)}})
    assert api.post(f"{RETENTION}/run", {"dry_run": True}).status_code == 200
    assert api.post(f"{RETENTION}/run", {"dry_run": True}).status_code == 200  # released after each run


def test_only_real_runs_move_the_schedule(api):
    api.post(f"{RETENTION}/run", {"dry_run": True})
    assert api.db.retention_state.find_one({"_id": "schedule"}) is None
    api.post(f"{RETENTION}/run", {"dry_run": False})
    assert api.db.retention_state.find_one({"_id": "schedule"})["last_run_at"]


def test_a_run_with_an_idempotency_key_is_answered_again_without_running_again(api, everyone_due_at_once):
    people_of_every_kind(api)
    key = {"Idempotency-Key": "retention-run-1", **api.token("platform_admin", subject="admin-1")}  # keys are per sub
    first = api.post(f"{RETENTION}/run", {"dry_run": False}, headers=key)
    assert first.status_code == 200 and counts(first.json) == {"former_contacts": 2, "withdrawn_consents": 1}
    again = api.post(f"{RETENTION}/run", {"dry_run": False}, headers=key)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    assert api.get(f"{RETENTION}/log", role="auditor").json["total"] == 2
