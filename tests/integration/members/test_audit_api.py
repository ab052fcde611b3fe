"""The audit trail of the members service: one entry per event with its actor, no personal data, filters,
pagination, roles; and the access requests (GET /api/v1/data-subjects/{id}) recorded in it."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

import pytest

from services.members.adapters.documents import AGGREGATE_COLLECTIONS
from services.members.worker import SPEC
from shared.contracts import REGISTRY
from shared.contracts.members import ORGANISATIONS
from shared.contracts.public import MEMBERS as PUBLIC_MEMBERS
from shared.messaging.outbox import Causation, Outbox

from ...support.kafka_read import events_of, read_topic
from ...support.outbox import internal
from ...support.relay import relay_all

pytestmark = pytest.mark.integration

AUDIT = "/api/v1/audit"
ADMIN = "admin-ayla"
ACCESS_REQUESTED = "tr.tvp.members.data_subject.access_requested.v1"
PERSONAL = ("Deniz Akın", "deniz.akin@example.com", "+90 284 123 45 67")


def _as(api, subject, role="platform_admin", org=None):
    return {"headers": api.token(role, org, subject)}


def _history(api, servers):
    """An organisation and a person through their lives, by an admin and the chamber's own admin; relayed."""
    org = api.post("/api/v1/organisations", {"name": "Keşan TSO", "kind": "chamber", "province": "Edirne"},
                   role=None, **_as(api, ADMIN)).json
    assert api.post(f"/api/v1/organisations/{org['id']}/membership", {"action": "approve"}, role=None,
                    **_as(api, ADMIN)).status_code == 200
    chamber = _as(api, "chamber-kesan", "chamber_admin", org["id"])
    person = api.post("/api/v1/people", {"organisation_id": org["id"], "full_name": PERSONAL[0], "email": PERSONAL[1],
                                         "phone": PERSONAL[2], "consents": [{"purpose": "newsletter"}]},
                      role=None, **chamber).json
    assert api.patch(f"/api/v1/people/{person['id']}", {"title": "Genel Sekreter"}, role=None,
                     **chamber).status_code == 200
    seat = api.post("/api/v1/bodies/board/seats", {"person_id": person["id"], "role": "member",
                                                   "term_start": "2026-01-01"}, role=None, **_as(api, ADMIN)).json
    assert api.post(f"/api/v1/bodies/board/seats/{seat['id']}/end", {}, role=None,
                    **_as(api, ADMIN)).status_code == 200
    written = [e for collection in AGGREGATE_COLLECTIONS
               for doc in api.db[collection].find({"outbox.0": {"$exists": 1}}) for e in internal(doc["outbox"])]
    relay_all(api.db, AGGREGATE_COLLECTIONS, servers.kafka_bootstrap, SPEC.after_publish)
    return org, person, seat, written


def _audit(api, role="auditor", **params):
    return api.get(AUDIT, role=role, query_string=params)


def test_every_event_has_exactly_one_entry_with_its_actor_and_no_personal_data(api, servers):
    org, person, seat, written = _history(api, servers)
    response = _audit(api, page_size=100)
    assert response.status_code == 200, response.json
    entries = response.json["items"]
    assert response.json["total"] == len(written) == len(entries) == 6
    assert Counter((e["type"], e["aggregate"], e["version"]) for e in entries) == Counter(
        (e["type"], e["subject"], e["aggregateversion"]) for e in written)
    for entry in entries:
        if entry["aggregate"] == f"person/{person['id']}":
            assert entry["actor"] == {"sub": "chamber-kesan", "role": "chamber_admin", "org": org["id"]}
        else:
            assert entry["actor"] == {"sub": ADMIN, "role": "platform_admin", "org": None}
        assert entry["correlation_id"] and datetime.fromisoformat(entry["at"]).utcoffset() == timedelta(hours=3)
    text = json.dumps(response.json, ensure_ascii=False)
    assert not any(value in text for value in PERSONAL)
    # newest first
    times = [datetime.fromisoformat(e["at"]) for e in entries]
    assert times == sorted(times, reverse=True)


def test_the_actor_stays_in_the_event_log_and_never_reaches_kafka(api, servers):
    org, _, _, _ = _history(api, servers)
    logged = api.db.event_log.find_one({"key": org["id"], "topic": ORGANISATIONS})
    assert logged["actor"] == {"sub": ADMIN, "role": "platform_admin", "org": None}
    assert "_actor" not in logged["event"]
    subject = f"organisation/{org['id']}"

    def of_org(topic):
        records = read_topic(servers.kafka_bootstrap, topic,
                             until=lambda rs: any(e["subject"] == subject for e in events_of(rs)))
        return [e for e in events_of(records) if e["subject"] == subject]

    mine, views = of_org(ORGANISATIONS), of_org(PUBLIC_MEMBERS)
    assert mine and views and all("_actor" not in e and "actor" not in e for e in mine + views)
    assert all(REGISTRY.validate(e) for e in mine + views)


def test_filters_pagination_and_validation(api, servers):
    org, person, seat, written = _history(api, servers)
    mine = _audit(api, aggregate=f"person/{person['id']}", page_size=100).json
    assert [e["type"].split(".")[-2] for e in mine["items"]] == ["updated", "registered"] and mine["total"] == 2
    by_actor = _audit(api, actor="chamber-kesan").json
    assert by_actor["total"] == 2 and {e["aggregate"] for e in by_actor["items"]} == {f"person/{person['id']}"}
    by_type = _audit(api, type="tr.tvp.members.seat.ended.v1").json
    assert [e["aggregate"] for e in by_type["items"]] == [f"seat/{seat['id']}"]
    assert _audit(api, actor="nobody").json["total"] == 0

    everything = _audit(api, page_size=100).json["items"]
    newest = datetime.fromisoformat(everything[0]["at"])
    assert _audit(api, **{"from": (newest + timedelta(seconds=1)).isoformat()}).json["total"] == 0
    assert _audit(api, to=(newest - timedelta(hours=1)).isoformat()).json["total"] == 0
    window = _audit(api, **{"from": (newest - timedelta(hours=1)).isoformat(), "to": newest.isoformat()}).json
    assert window["total"] == 6

    pages = [_audit(api, page=n, page_size=4).json for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [4, 2, 0] and {p["total"] for p in pages} == {6}
    assert pages[0]["items"] + pages[1]["items"] == everything

    for bad in ({"aggregate": "nonsense"}, {"type": "person.updated"}, {"from": "yesterday"}, {"to": "2026-13-40"},
                {"from": "2026-06-02T00:00:00+03:00", "to": "2026-06-01T00:00:00+03:00"}, {"page_size": 101},
                {"page": 0}):
        response = _audit(api, **bad)
        assert response.status_code == 422, (bad, response.json)
        assert set(response.json["errors"]) <= {"aggregate", "type", "from", "to", "page", "page_size"}


def test_only_platform_admins_and_auditors_read_the_trail(api, servers):
    org = api.organisation()
    assert _audit(api, role="platform_admin").status_code == 200
    assert _audit(api, role="auditor").status_code == 200
    assert _audit(api, role="programme_officer").status_code == 403
    assert api.get(AUDIT, role="chamber_admin", org=org["id"]).status_code == 403
    assert api.get(AUDIT, role=None).status_code == 401


def test_events_recorded_before_actors_were_show_a_null_actor(api, servers):
    # A write that bypasses the message bus names no actor, as every write before this change.
    Outbox(api.db, REGISTRY).insert("organisations", {"_id": "old-org"}, [(
        "tr.tvp.members.organisation.registered.v1",
        {"id": "old-org", "name": "Eski TSO", "kind": "chamber", "province": "Edirne", "region": "TR21",
         "is_sme": False, "status": "applicant"})], Causation("corr-old"))
    relay_all(api.db, AGGREGATE_COLLECTIONS, servers.kafka_bootstrap)
    [entry] = _audit(api, aggregate="organisation/old-org").json["items"]
    assert entry["actor"] is None and entry["version"] == 1 and entry["correlation_id"] == "corr-old"


# -- access requests --------------------------------------------------------------------------------------

def test_an_access_request_answers_everything_members_holds_and_is_audited(api, servers):
    org, person, seat, _ = _history(api, servers)
    path = f"/api/v1/data-subjects/{person['id']}"
    first = api.get(path, role=None, **_as(api, ADMIN))
    assert first.status_code == 200, first.json
    answer = first.json
    assert answer["service"] == "members" and answer["person_id"] == person["id"]
    held = answer["holds"]
    assert (held["person"]["full_name"], held["person"]["email"], held["person"]["phone"]) == PERSONAL
    assert held["person"]["title"] == "Genel Sekreter" and held["person"]["id"] == person["id"]
    assert [c["purpose"] for c in held["consents"]] == ["newsletter"]
    assert held["organisation"] == {"id": org["id"], "name": "Keşan TSO", "kind": "chamber", "status": "active"}
    assert [(s["id"], s["body"], s["role"], s["status"]) for s in held["seats"]] == [
        (seat["id"], "board", "member", "ended")]
    assert [e["type"].split(".")[-2] for e in answer["audit"]] == ["updated", "registered"]
    assert answer["notifications"] is None

    # The person's own chamber admin may ask too; the answer lists the earlier access request.
    again = api.get(path, role=None, **_as(api, "chamber-kesan", "chamber_admin", org["id"])).json
    assert again["audit"][0]["type"] == ACCESS_REQUESTED
    assert again["audit"][0]["actor"] == {"sub": ADMIN, "role": "platform_admin", "org": None}

    requests = _audit(api, type=ACCESS_REQUESTED).json
    assert requests["total"] == 2
    assert [(e["actor"]["sub"], e["aggregate"]) for e in requests["items"]] == [
        ("chamber-kesan", f"person/{person['id']}"), (ADMIN, f"person/{person['id']}")]
    assert not any(value in json.dumps(requests, ensure_ascii=False) for value in PERSONAL)


def test_access_requests_are_for_admins_and_the_persons_own_chamber(api, servers):
    mine, other = api.organisation(status="active"), api.organisation(status="active", name="Tekirdağ TSO")
    person = api.person(mine["id"])
    path = f"/api/v1/data-subjects/{person['id']}"
    assert api.get(path, role="chamber_admin", org=other["id"]).status_code == 403
    assert api.get(path, role="programme_officer").status_code == 403
    assert api.get(path, role="auditor").status_code == 403
    assert api.get(path, role=None).status_code == 401
    assert api.get("/api/v1/data-subjects/no-such-person").status_code == 404
    # Refused or unknown: nothing was read, nothing is recorded.
    assert _audit(api, type=ACCESS_REQUESTED).json["total"] == 0


def test_an_erased_person_is_answered_with_what_remains(api, servers):
    person = api.person(api.organisation()["id"], full_name=PERSONAL[0], email=PERSONAL[1])
    assert api.delete(f"/api/v1/people/{person['id']}").status_code == 204
    relay_all(api.db, AGGREGATE_COLLECTIONS, servers.kafka_bootstrap, SPEC.after_publish)
    answer = api.get(f"/api/v1/data-subjects/{person['id']}").json
    assert answer["holds"]["person"]["status"] == "erased"
    assert not any(value in json.dumps(answer, ensure_ascii=False) for value in PERSONAL)
    assert [e["type"].split(".")[-2] for e in answer["audit"]] == ["erased", "registered"]
