"""Reporting end to end, under gunicorn with the workers, over Kafka only.

From a member's registration to a submitted report: members approves a chamber and an SME
and seats the chamber's people on the advisory board; events holds an advisory board
meeting and a workshop; reporting's indicators follow, a report is drafted and submitted,
its `report.submitted` event is on Kafka, and `tvp rebuild` gives the same indicators.
Then `tvp demo` fills an empty platform and its report is computed.

The session's Kafka topics also hold what other tests published, and a new stack consumes them
from the beginning; so these tests record their meetings in a past period of their own (admins
may record past meetings) and put their organisations in provinces no other test uses.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from shared.contracts import REGISTRY
from shared.messaging.envelope import CONTENT_TYPE

from ..support.kafka_read import read_topic, wait_for

pytestmark = pytest.mark.e2e

ISTANBUL = ZoneInfo("Europe/Istanbul")


class Api:
    def __init__(self, base: str, headers: dict):
        self.base, self.headers = base, headers

    def __call__(self, method: str, path: str, expect: int | None = None, correlation: str | None = None, **kwargs):
        headers = dict(self.headers)
        if correlation:
            headers["X-Correlation-Id"] = correlation
        response = requests.request(method, f"{self.base}/api/v1{path}", headers=headers, timeout=30, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (method, path, response.status_code, response.text[:500])
        return response


def indicator_values(reporting: Api, query: str) -> dict:
    figures = reporting("GET", f"/indicators?{query}", 200).json()
    return {i["code"]: (i["value"], i["cumulative"], i["breakdowns"]) for i in figures["indicators"]}


def rebuild_with_the_cli(servers, run_id, tmp_path) -> str:
    env = {"TVP_MONGO_URI": servers.mongo_uri, "TVP_KAFKA_BOOTSTRAP": servers.kafka_bootstrap,
           "TVP_REPORTING_DB": f"t{run_id}_reporting", "TVP_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "infra.cli", "rebuild"], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_member_registration_to_submitted_report(stack_factory, servers, token, run_id, tmp_path):
    stack = stack_factory("members", "events", "reporting")
    members = Api(stack.url("members"), token())
    events = Api(stack.url("events"), token())
    reporting = Api(stack.url("reporting"), token())
    officer = Api(stack.url("reporting"), token("programme_officer", subject="officer-ayse"))

    day = date(2001, 1, 1) + timedelta(days=int(run_id, 16) % 3650)   # this test's own past period
    chamber = members("POST", "/organisations", 201, json={"name": "Hakkari Ticaret ve Sanayi Odası",
                                                          "short_name": "Hakkari TSO", "kind": "chamber",
                                                          "province": "hakkari"}).json()
    sme = members("POST", "/organisations", 201, json={"name": "Yüksekova Bal Üretim", "kind": "company",
                                                      "size_class": "micro", "province": "Hakkari"}).json()
    for org in (chamber, sme):
        members("POST", f"/organisations/{org['id']}/membership", 200, json={"action": "approve"})
    people = [members("POST", "/people", 201, json={"organisation_id": chamber["id"], "full_name": name,
                                                    "email": f"{name.split()[0].lower()}@kesantso.example",
                                                    "gender": gender}).json()
              for name, gender in (("Murat Er", "male"), ("Elif Demir", "female"), ("Can Ak", "male"))]
    worker = members("POST", "/people", 201, json={"organisation_id": sme["id"], "full_name": "Fatma Yıldız",
                                                   "email": "fatma@zeytin.example", "gender": "female"}).json()
    term_start = (day - timedelta(days=60)).isoformat()
    for person, role in zip(people, ("chair", "vice_chair", "member"), strict=True):
        members("POST", "/bodies/advisory_board/seats", 201,
                json={"person_id": person["id"], "role": role, "term_start": term_start})
    wait_for(lambda: events("GET", f"/member-organisations/{chamber['id']}").json().get("may_host"), 30)

    starts = datetime.combine(day, datetime.min.time(), ISTANBUL).replace(hour=10)

    def schedule_board():
        meeting = events("POST", "/meetings", 201, json={
            "kind": "advisory_board_meeting", "title": "Advisory Board Meeting", "host_organisation_id": chamber["id"],
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat()}).json()
        if meeting["invitations_count"] == 3:
            return meeting
        events("POST", f"/meetings/{meeting['id']}/cancel", 200, json={"reason": "seats not there yet"})
    board = wait_for(schedule_board, 30, 0.5)
    invited = events("GET", f"/meetings/{board['id']}/registrations", 200).json()["items"]
    for registration in invited[:2]:
        events("POST", f"/meetings/{board['id']}/attendance", 201, json={"registration_id": registration["id"]})
    events("POST", f"/meetings/{board['id']}/decisions", 201, json={"text": "Work plan adopted."})
    events("POST", f"/meetings/{board['id']}/close", 200)
    workshop = events("POST", "/meetings", 201, json={
        "kind": "workshop", "title": "Resource efficiency workshop", "host_organisation_id": chamber["id"],
        "themes": ["resource_efficiency"], "starts_at": (starts + timedelta(minutes=30)).isoformat(),
        "ends_at": (starts + timedelta(hours=4)).isoformat()}).json()
    registrations = [
        events("POST", f"/meetings/{workshop['id']}/registrations", 201, json={"person_id": worker["id"]}).json(),
        events("POST", f"/meetings/{workshop['id']}/registrations", 201, json={"participant": {
            "full_name": "Hasan Kurt", "gender": "male", "organisation_name": f"Şemdinli Kilim {run_id}",
            "organisation_kind": "company", "size_class": "small", "province": "Hakkari"}}).json()]
    for registration in registrations:
        events("POST", f"/meetings/{workshop['id']}/attendance", 201, json={"registration_id": registration["id"]})
    events("POST", f"/meetings/{workshop['id']}/close", 200)

    reporting("PUT", "/programme", 200, json={
        "name": "Thrace's Efficient SMEs", "start_date": (day - timedelta(days=100)).isoformat(),
        "end_date": (day + timedelta(days=700)).isoformat(), "eu_share": 85, "national_share": 15,
        "targets": {"OI.2": 10, "OI.4": 100, "OI.5": 20, "FI.1": 100000}})
    # the expenditure names the workshop: accepted once reporting knows the meeting from the events stream
    wait_for(lambda: reporting("POST", "/expenditures", json={
        "date": day.isoformat(), "budget_line": "services", "amount": "47350", "currency": "TRY", "eur_rate": "47.35",
        "description": "Workshop venue and catering", "meeting_id": workshop["id"]}).status_code == 201, 30)

    period = f"{(day - timedelta(days=5)).isoformat()}/{(day + timedelta(days=1)).isoformat()}"
    query = f"from={period.replace('/', '&to=')}"

    def arrived():
        figures = indicator_values(reporting, query)
        return figures["OI.2"][0] == 1 and figures["OI.3"][0] == 1 and figures["OI.4"][0] == 2
    wait_for(arrived, 30, 0.25)
    figures = indicator_values(reporting, query)
    assert figures["OI.2"][2]["body"] == {"advisory_board": 1} and figures["OI.5"][0] == 2
    assert figures["OI.6"][0] == 3 and figures["OI.6"][2]["kind"] == {"company": 2, "chamber": 1}
    assert figures["OI.4"][2]["gender"] == {"female": 1, "male": 1}
    assert figures["FI.1"][0] == 1000
    today = datetime.now(ISTANBUL).date()
    now_query = f"from={today - timedelta(days=1)}&to={today}"
    wait_for(lambda: indicator_values(reporting, now_query)["OI.1"][2]["province"].get("Hakkari") == 2, 30)

    draft = officer("POST", "/reports", 201, json={"period": period, "kind": "interim"}).json()
    assert [m["title"] for m in draft["content"]["meetings"]] == ["Advisory Board Meeting",
                                                                  "Resource efficiency workshop"]
    assert draft["content"]["meetings"][0]["host_name"] == "Hakkari TSO"
    assert draft["content"]["meetings"][0]["numbered_title"] == "1st Advisory Board Meeting"
    submitted = officer("POST", f"/reports/{draft['id']}/submit", 200, correlation=f"submit-{run_id}").json()
    # Submission freezes the content as drafted; its sha256 is now its package manifest's (docs/reporting.md).
    assert submitted["status"] == "submitted" and submitted["content_sha256"] == draft["sha256"]
    assert officer("POST", f"/reports/{draft['id']}/submit").status_code == 409
    pdf = officer("GET", f"/reports/{draft['id']}/export?format=pdf", 200)
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    def submitted_arrived(records):
        return any(r.key == draft["id"].encode() for r in records)
    records = [r for r in read_topic(servers.kafka_bootstrap, "tvp.reporting.reports", until=submitted_arrived)
               if r.key == draft["id"].encode()]
    [record] = records
    assert dict(record.headers)["content-type"] == CONTENT_TYPE.encode()
    event = REGISTRY.validate(json.loads(record.value))
    assert event.type == "tr.tvp.reporting.report.submitted.v1" and event.source == "/tvp/reporting"
    assert event.subject == f"report/{draft['id']}" and event.correlationid == f"submit-{run_id}"
    assert event.data["sha256"] == submitted["sha256"] and event.aggregateversion == 1
    for person in people + [worker]:
        assert person["full_name"] not in record.value.decode()

    # late events never change the submitted report; a rebuild arrives at the same indicators
    before = indicator_values(reporting, query)
    hakkari = indicator_values(reporting, now_query)["OI.1"][2]["province"]["Hakkari"]
    output = rebuild_with_the_cli(servers, run_id, tmp_path)
    assert "rebuilt:" in output
    assert indicator_values(reporting, query) == before
    assert indicator_values(reporting, now_query)["OI.1"][2]["province"]["Hakkari"] == hakkari == 2
    assert officer("GET", f"/reports/{draft['id']}", 200).json() == submitted


def test_demo_fills_an_empty_platform_and_reports(stack_factory, servers, token, run_id, tmp_path):
    from infra.demo import run_demo

    stack = stack_factory("members", "events", "reporting")
    urls = {name: stack.url(name) for name in ("members", "events", "reporting")}
    admin = token()["Authorization"].split()[1]
    lines = []
    began = time.monotonic()
    demo_day = date(2012 + int(run_id, 16) % 10, 11, 20)   # a year of this test's own, in the past
    result = run_demo(urls, admin, say=lines.append, out_dir=tmp_path / "demo", today=demo_day)
    took = time.monotonic() - began
    report = result["report"]
    figures = {i["code"]: i for i in report["content"]["indicators"]}
    assert result["period"] == str(demo_day.year)
    assert figures["OI.2"]["value"] == 6 and figures["OI.2"]["details"]["with_quorum"] == 6
    assert figures["OI.2"]["breakdowns"]["body"] == {"advisory_board": 4, "board": 2}
    assert figures["OI.3"]["value"] == 6 and figures["OI.4"]["value"] > 50
    assert figures["OI.5"]["value"] >= 8 and figures["FI.1"]["value"] > 100000
    titles = [m.get("numbered_title") for m in report["content"]["meetings"] if m["kind"] == "advisory_board_meeting"]
    assert titles == ["1st Advisory Board Meeting", "2nd Advisory Board Meeting", "3rd Advisory Board Meeting",
                      "4th Advisory Board Meeting"]
    fourth = [m for m in report["content"]["meetings"] if m.get("sequence") == 4 and m["body"] == "advisory_board"]
    assert fourth[0]["host_name"] == "Keşan TSO"
    assert {p.suffix for p in result["saved"]} == {".pdf", ".xlsx", ".csv"}
    assert took < 120, f"the demo took {took:.0f}s"
    # a second run refuses to fill a platform that is not empty
    from infra.demo import DemoError
    with pytest.raises(DemoError):
        run_demo(urls, admin, say=lines.append)
    reporting = Api(stack.url("reporting"), token())
    before = indicator_values(reporting, f"period={result['period']}")
    rebuild_with_the_cli(servers, run_id, tmp_path)
    assert indicator_values(reporting, f"period={result['period']}") == before
