"""The public event streams for other chambers, end to end (issue 6).

- Privacy: people with known names, e-mails and phones take part in meetings; every public
  topic, read from the beginning, holds none of those strings, while the meetings and their
  counts are there.
- Broker restart: the embedded broker keeps messages in memory; after a restart `tvp replay`
  publishes the services' event logs again and a subscriber from the beginning receives every
  event exactly as before (same ids, same bodies, same order per key); a subscriber that
  resumes with its group appends only what is new.
- `tvp subscribe` is run as a user runs it, against the real broker.
- Every service serves the AsyncAPI document.
"""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from pymongo import MongoClient

from services.members.domain.tax_number import is_valid_vkn
from shared.contracts import REGISTRY, topics
from shared.messaging.envelope import CONTENT_TYPE

from ..support.kafka_read import events_of, read_topic, wait_for
from ..support.workers import stack_databases

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ISTANBUL = ZoneInfo("Europe/Istanbul")


class Api:
    def __init__(self, base: str, headers: dict):
        self.base, self.headers = base, headers

    def __call__(self, method: str, path: str, expect: int | None = None, **kwargs):
        response = requests.request(method, f"{self.base}/api/v1{path}", headers=self.headers, timeout=15, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (method, path, response.status_code, response.text)
        return response


def vkn(seed: int) -> str:
    for n in itertools.count(seed * 10):
        candidate = f"{n % 10 ** 10:010d}"
        if is_valid_vkn(candidate):
            return candidate
    raise AssertionError("unreachable")


def member(members: Api, **body) -> dict:
    organisation = members("POST", "/organisations", 201, json=body).json()
    members("POST", f"/organisations/{organisation['id']}/membership", 200, json={"action": "approve"})
    return organisation


def started(minutes_ago: int = 30) -> tuple[str, str]:
    starts = datetime.now(ISTANBUL).replace(microsecond=0) - timedelta(minutes=minutes_ago)
    return starts.isoformat(), (starts + timedelta(hours=3)).isoformat()


def settled_public_events(servers, databases: list[str], keys: set[str]) -> dict[str, set[str]]:
    """Once the relays have published everything (no outbox pending): the ids of the public events of `keys`,
    by topic."""
    client = MongoClient(servers.mongo_uri)
    try:
        def pending():
            return sum(client[name][coll].count_documents({"outbox_pending": True})
                       for name in databases for coll in client[name].list_collection_names())
        wait_for(lambda: pending() == 0, 60)
        by_topic: dict[str, set[str]] = {topic: set() for topic in topics.PUBLIC}
        for name in databases:
            for logged in client[name].event_log.find({"topic": {"$in": topics.PUBLIC}, "key": {"$in": list(keys)}},
                                                      {"_id": 1, "topic": 1}):
                by_topic[logged["topic"]].add(logged["_id"])
        return by_topic
    finally:
        client.close()


def settled_public_ids(servers, databases: list[str], keys: set[str]) -> set[str]:
    return set().union(*settled_public_events(servers, databases, keys).values())


def public_records(servers, expected: dict[str, set[str]]) -> dict[str, list]:
    """Every record of every public topic, read from the beginning until the topic's `expected` ids were seen.
    Each topic waits only for its own ids: waiting on all of them made every topic but the last one wait out
    its whole timeout."""
    result, missing = {}, set()
    for topic in topics.PUBLIC:
        wanted = expected.get(topic, set())
        result[topic] = read_topic(servers.kafka_bootstrap, topic, timeout_s=20,
                                   until=lambda records, wanted=wanted: wanted <= {json.loads(r.value)["id"]
                                                                                   for r in records})
        missing |= wanted - {json.loads(r.value)["id"] for r in result[topic]}
    assert not missing, f"public events missing from the topics: {missing}"
    return result


# ----------------------------------------------------------------------------- privacy

def test_public_topics_carry_no_personal_data(module_stack, servers, token, run_id):
    stack = module_stack
    databases = stack_databases(stack)
    members, events = Api(stack.url("members"), token()), Api(stack.url("events"), token())
    reporting = Api(stack.url("reporting"), token("programme_officer"))
    chamber = member(members, name=f"Tekirdağ Ticaret Odası {run_id}", short_name="Tekirdağ TO", kind="chamber",
                     province="Tekirdağ", tax_number=vkn(int(run_id, 16) % 10 ** 8), email=f"info-{run_id}@tto.example")
    company = member(members, name=f"Trakya Tekstil A.Ş. {run_id}", kind="company", size_class="small",
                     province="Edirne", tax_number=vkn(int(run_id, 16) % 10 ** 8 + 7), employees=25)
    people = []
    for n, (name, gender, org) in enumerate([("Zeynep Çalışkan", "female", chamber), ("Murat Özdemir", "male", chamber),
                                             ("Elif Karagöz", "female", company)]):
        full_name = f"{name} {run_id}"
        people.append(members("POST", "/people", 201, json={
            "organisation_id": org["id"], "full_name": full_name, "gender": gender,
            "email": f"{name.split()[0].lower()}.{run_id}@mail.example", "phone": f"+90 288 214 {n:02d} {n:02d}",
            "title": "Genel Sekreter"}).json())
    term_start = (datetime.now(ISTANBUL).date() - timedelta(days=30)).isoformat()
    for person in people[:2]:
        members("POST", "/bodies/board/seats", 201, json={"person_id": person["id"], "role": "member",
                                                          "term_start": term_start})
    outsider = {"full_name": f"Hasan Yıldırım {run_id}", "email": f"hasan.{run_id}@firma.example", "gender": "male",
                "organisation_name": f"Yıldırım Makina {run_id}", "organisation_kind": "company",
                "size_class": "micro", "province": "Kırklareli"}

    wait_for(lambda: all(events("GET", f"/member-organisations/{o['id']}").json().get("may_host")
                         for o in (chamber, company)), 30)
    client = MongoClient(servers.mongo_uri)
    try:
        wait_for(lambda: client[databases["events"]].member_seats.count_documents(
            {"body": "board", "status": "active", "organisation_id": chamber["id"]}) == 2, 30)
        wait_for(lambda: client[databases["events"]].member_people.count_documents(
            {"_id": {"$in": [p["id"] for p in people]}}) == 3, 30)
    finally:
        client.close()

    # A workshop: a member's person and an outside participant attend; the meeting is closed.
    starts_at, ends_at = started()
    workshop = events("POST", "/meetings", 201, json={
        "kind": "workshop", "title": "Endüstriyel Simbiyoz Atölyesi", "host_organisation_id": chamber["id"],
        "starts_at": starts_at, "ends_at": ends_at, "capacity": 10, "themes": ["industrial_symbiosis"],
        "description": f"Konuşmacı: {people[0]['full_name']}",
        "venue": {"city": "Çorlu", "province": "Tekirdağ", "address": f"{people[1]['full_name']} Salonu"}}).json()
    registrations = [events("POST", f"/meetings/{workshop['id']}/registrations", 201,
                            json={"person_id": people[2]["id"]}).json(),
                     events("POST", f"/meetings/{workshop['id']}/registrations", 201,
                            json={"participant": outsider}).json()]
    for registration in registrations:
        events("POST", f"/meetings/{workshop['id']}/attendance", 201, json={"registration_id": registration["id"]})
    events("POST", f"/meetings/{workshop['id']}/close", 200)

    # A board meeting: the seated people are invited, attend, and a decision names one of them.
    starts_at, ends_at = started(20)
    board = events("POST", "/meetings", 201, json={
        "kind": "board_meeting", "title": "Yönetim Kurulu Toplantısı", "host_organisation_id": chamber["id"],
        "starts_at": starts_at, "ends_at": ends_at}).json()
    invitations = events("GET", f"/meetings/{board['id']}/registrations", 200,
                         params={"page_size": 100}).json()["items"]
    ours = [r for r in invitations if r["person_id"] in {p["id"] for p in people}]
    assert len(ours) == 2
    for invitation in invitations:
        events("POST", f"/meetings/{board['id']}/attendance", 201, json={"registration_id": invitation["id"]})
    events("POST", f"/meetings/{board['id']}/decisions", 201,
           json={"text": f"{people[0]['full_name']} ({people[0]['email']}) is thanked."})
    events("POST", f"/meetings/{board['id']}/close", 200)

    # A cancelled meeting whose reason names someone.
    future = (datetime.now(ISTANBUL) + timedelta(days=20)).replace(microsecond=0)
    cancelled = events("POST", "/meetings", 201, json={
        "kind": "training", "title": "Enerji Yönetimi Eğitimi", "host_organisation_id": company["id"],
        "starts_at": future.isoformat(), "ends_at": (future + timedelta(hours=2)).isoformat()}).json()
    events("POST", f"/meetings/{cancelled['id']}/cancel", 200,
           json={"reason": f"{people[1]['full_name']} is ill, call {people[1]['phone']}"})

    # A report of the period, with an expenditure whose description names someone, is submitted.
    day = datetime.now(ISTANBUL).date()
    Api(stack.url("reporting"), token())("PUT", "/programme", 200, json={
        "name": "Thrace's Efficient SMEs", "start_date": (day - timedelta(days=100)).isoformat(),
        "end_date": (day + timedelta(days=700)).isoformat(), "eu_share": 85, "national_share": 15,
        "targets": {"OI.3": 10, "OI.4": 100}})
    wait_for(lambda: Api(stack.url("reporting"), token())("POST", "/expenditures", json={
        "date": day.isoformat(), "budget_line": "travel", "amount": "120", "currency": "EUR",
        "description": f"Taxi for {people[0]['full_name']}", "meeting_id": workshop["id"]}).status_code == 201, 30)
    period = f"{(day - timedelta(days=2)).isoformat()}/{(day + timedelta(days=1)).isoformat()}"
    wait_for(lambda: {i["code"]: i["value"] for i in reporting(
        "GET", f"/indicators?from={period.replace('/', '&to=')}", 200).json()["indicators"]}.get("OI.4") == 2, 30)
    report = reporting("POST", "/reports", 201, json={"period": period, "kind": "interim"}).json()
    reporting("POST", f"/reports/{report['id']}/submit", 200)

    # Every public topic from the beginning.
    until = {chamber["id"], company["id"], workshop["id"], board["id"], cancelled["id"], report["id"]}
    expected = settled_public_events(servers, list(databases.values()),
                                     until)
    assert sum(len(ids) for ids in expected.values()) >= 10
    by_topic = public_records(servers, expected)

    forbidden = [outsider["full_name"], outsider["email"], chamber["tax_number"], company["tax_number"],
                 chamber["email"], outsider["organisation_name"]]
    for person in people:
        forbidden += [person["full_name"], person["email"], person["phone"], person["id"],
                      person["full_name"].split()[0] + " " + person["full_name"].split()[1]]
    total = 0
    for topic, records in by_topic.items():
        for record in records:
            text = record.value.decode("utf-8")
            assert not [s for s in forbidden if s in text], (topic, [s for s in forbidden if s in text], text)
            assert not [s for s in forbidden if s.encode() in (record.key or b"")]
            assert dict(record.headers)["content-type"] == CONTENT_TYPE.encode()
            event = REGISTRY.validate(json.loads(text))
            assert REGISTRY.spec(event.type).topic == topic and record.key.decode() == event.aggregate_id
            total += 1
    assert total >= 10

    # The strings were really in the system: the internal people topic has them.
    # (Tombstones, the null records an erasure leaves, carry no text.)
    people_text = " ".join(r.value.decode() for r in read_topic(
        servers.kafka_bootstrap, "tvp.members.people",
        until=lambda rs: people[2]["email"].encode() in b" ".join(r.value or b"" for r in rs)) if r.value is not None)
    assert all(p["full_name"] in people_text and p["email"] in people_text for p in people)

    # What other chambers do see: the members, the meetings and their counts.
    latest = {}
    for records in by_topic.values():
        for event in events_of(records):
            key = event["subject"].split("/", 1)[1]
            if key in until and event["aggregateversion"] >= latest.get(key, {}).get("aggregateversion", 0):
                latest[key] = event
    chamber_view = latest[chamber["id"]]["data"]
    assert chamber_view["status"] == "active" and chamber_view["name"] == chamber["name"]
    assert "tax_number" not in chamber_view and "email" not in chamber_view
    assert latest[company["id"]]["data"]["is_sme"] is True
    shop = latest[workshop["id"]]["data"]
    assert shop["status"] == "held" and shop["title"] == "Endüstriyel Simbiyoz Atölyesi"
    assert shop["city"] == "Çorlu" and shop["host_organisation_id"] == chamber["id"]
    assert shop["registrations"] == 2 and shop["attendance"]["attendances"] == 2
    assert shop["attendance"]["by_gender"] == {"female": 1, "male": 1}
    assert shop["attendance"]["by_organisation_kind"] == {"company": 2}
    assert shop["attendance"]["distinct_smes"] == 2
    held_board = latest[board["id"]]["data"]
    assert held_board["status"] == "held" and held_board["decisions"] == 1 and held_board["quorum"]["met"] is True
    assert held_board["sequence"] is not None and held_board["body"] == "board"
    assert held_board["attendance"]["attendances"] == len(invitations)
    assert latest[cancelled["id"]]["data"]["status"] == "cancelled"
    published = latest[report["id"]]["data"]
    assert published["period"] == period and published["kind"] == "interim" and len(published["sha256"]) == 64
    figures = {i["code"]: i for i in published["indicators"]}
    assert figures["OI.3"]["value"] == 1 and figures["OI.4"]["value"] == 2 and figures["FI.1"]["value"] == 120
    assert figures["OI.4"]["breakdowns"]["gender"] == {"female": 1.0, "male": 1.0}
    # Each public record of a key carries the aggregate's version: increasing, ids unique.
    for records in by_topic.values():
        ours = [e for e in events_of(records) if e["subject"].split("/", 1)[1] in until]
        assert len({e["id"] for e in ours}) == len(ours)
        for key in until:
            versions = [e["aggregateversion"] for e in ours if e["subject"].endswith(key)]
            assert versions == sorted(set(versions))


# ----------------------------------------------------------------------------- broker restart

def tvp(*args: str, env: dict, timeout_s: float = 120) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "infra.cli", *args], capture_output=True, timeout=timeout_s,
                            cwd=ROOT, env={**os.environ, **env})
    assert result.returncode == 0, (args, result.stdout.decode(), result.stderr.decode())
    return result


def ndjson(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def per_key(events: list[dict], keys: set[str]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for event in events:
        key = event["subject"].split("/", 1)[1]
        if key in keys:
            grouped.setdefault(key, []).append(event)
    return grouped


def test_after_a_broker_restart_subscribers_get_every_event_exactly_as_before(stack_factory, servers, token,
                                                                               run_id, tmp_path):
    stack = stack_factory("members", "events")
    members, events = Api(stack.url("members"), token()), Api(stack.url("events"), token())
    env = {"TVP_KAFKA_BOOTSTRAP": servers.kafka_bootstrap, "TVP_MONGO_URI": servers.mongo_uri,
           "TVP_BROKER": servers.broker, "TVP_MEMBERS_DB": f"t{run_id}_members", "TVP_EVENTS_DB": f"t{run_id}_events",
           "TVP_REPORTING_DB": f"t{run_id}_reporting", "TVP_VAR_DIR": str(tmp_path / "var")}
    chamber = member(members, name=f"Edirne TSO {run_id}", kind="chamber", province="Edirne")
    wait_for(lambda: events("GET", f"/member-organisations/{chamber['id']}").json().get("may_host"), 30)
    starts_at, ends_at = started()
    meetings = []
    for n in range(3):
        meeting = events("POST", "/meetings", 201, json={
            "kind": "workshop", "title": f"Verimlilik Atölyesi {n}", "host_organisation_id": chamber["id"],
            "starts_at": starts_at, "ends_at": ends_at, "capacity": 2, "themes": ["energy_efficiency"]}).json()
        for k in range(3):
            events("POST", f"/meetings/{meeting['id']}/registrations", 201, json={"participant": {
                "full_name": f"Katılımcı {k}", "gender": "female", "organisation_name": f"Firma {k}",
                "organisation_kind": "company", "size_class": "small", "province": "Edirne"}})
        meetings.append(meeting)
    keys = {chamber["id"]} | {m["id"] for m in meetings}
    logged = settled_public_ids(servers, [env["TVP_MEMBERS_DB"], env["TVP_EVENTS_DB"]], keys)
    assert len(logged) == 1 + 3  # the approval, each meeting scheduled (registrations publish nothing)

    # A chamber follows the meetings with its group; another reads the members topic from the beginning.
    group, followed = f"chamber-{run_id}", tmp_path / "meetings.ndjson"
    tvp("subscribe", "tvp.public.meetings.v1", "--group", group, "--output", str(followed), "--idle-timeout", "2",
        env=env)
    before = {topic: per_key(read_all(servers, topic, tmp_path / f"before-{topic}.ndjson", env), keys)
              for topic in topics.PUBLIC}
    assert {e["id"] for grouped in before.values() for es in grouped.values() for e in es} == logged
    internal_before = per_key(events_of(read_topic(
        servers.kafka_bootstrap, "tvp.events.meetings",
        until=lambda rs: sum(len(v) for v in per_key(events_of(rs), keys).values()) >= 3 * 4, timeout_s=30)), keys)

    # The broker restarts and the operator runs what `tvp up` runs: Tansu comes back with empty memory,
    # so the topics are created and the event logs replayed; Apache Kafka kept everything, so nothing is.
    servers.restart_kafka()
    tvp("topics", "create", env=env)
    if not servers.broker_keeps_messages:
        replayed = tvp("replay", "--service", "members", "--service", "events", "--bootstrap",
                       servers.kafka_bootstrap, env=env).stdout.decode()
        assert "replayed" in replayed

    after = {topic: per_key(read_all(servers, topic, tmp_path / f"after-{topic}.ndjson", env), keys)
             for topic in topics.PUBLIC}
    assert after == before, "every public event comes back exactly as before: same ids, bodies and order per key"
    count = sum(len(v) for v in internal_before.values())
    internal_after = per_key(events_of(read_topic(
        servers.kafka_bootstrap, "tvp.events.meetings",
        until=lambda rs: sum(len(v) for v in per_key(events_of(rs), keys).values()) >= count, timeout_s=30)), keys)
    assert internal_after == internal_before and count == 3 * 4

    # The resuming chamber (Tansu: its offsets died with the broker, so it reads again and appends nothing
    # twice; Apache Kafka: it goes on from its offsets), and then what happened after the restart.
    lines_before = ndjson(followed)
    assert {e["subject"].split("/", 1)[1] for e in lines_before} >= {m["id"] for m in meetings}
    events("POST", f"/meetings/{meetings[0]['id']}/close", 200)
    wait_for(lambda: any(e["data"]["status"] == "held" for e in read_all(
        servers, "tvp.public.meetings.v1", tmp_path / f"probe-{datetime.now().timestamp()}.ndjson", env,
        quiet=True) if e["subject"] == f"meeting/{meetings[0]['id']}"), 60)
    run = tvp("subscribe", "tvp.public.meetings.v1", "--group", group, "--output", str(followed),
              "--idle-timeout", "2", env=env)
    appended = ndjson(followed)[len(lines_before):]
    assert [e["data"]["status"] for e in appended if e["subject"].split("/", 1)[1] in keys] == ["held"]
    assert len({e["id"] for e in ndjson(followed)}) == len(ndjson(followed)), "no event twice in the file"
    assert ("duplicates skipped" in run.stderr.decode()) is not servers.broker_keeps_messages


def read_all(servers, topic: str, path: Path, env: dict, quiet: bool = False) -> list[dict]:
    """`tvp subscribe TOPIC --from-beginning` into a fresh file until it is idle."""
    args = ["subscribe", topic, "--from-beginning", "--group", f"reader-{path.stem}", "--output", str(path),
            "--idle-timeout", "2"] + (["--quiet"] if quiet else [])
    tvp(*args, env=env)
    return ndjson(path) if path.exists() else []


# ----------------------------------------------------------------------------- AsyncAPI

def test_every_service_serves_the_asyncapi_document(module_stack):
    stack = module_stack
    documents = []
    for service in ("members", "events", "reporting"):
        response = requests.get(f"{stack.url(service)}/api/v1/asyncapi.json", timeout=15)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
        documents.append(response.json())
    assert documents[0] == documents[1] == documents[2]
    assert documents[0]["asyncapi"] == "3.0.0"
    assert set(topics.PUBLIC) <= set(documents[0]["channels"])
