"""Retention end to end, under gunicorn with the workers, on `tvp demo` data: the workers' schedule, then
`tvp retention run --dry-run` and `tvp retention run` print per category what is due / was anonymised;
members erases through person.erased and events follows; reporting's indicators and a submitted report
stay exactly as they were; the log holds counts, never data; a second run anonymises nothing.

The members' period for people without a seat or consent is set to 0 months, so the demo's company
employees (created today) are due; the demo's meetings lie in a past year, so their outside participants
are due under the default 12 months."""
from __future__ import annotations

import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import requests
from pymongo import MongoClient

from infra.embedded import ServiceStack, free_port

from ..support.kafka_read import wait_for
from ..support.workers import worker_env
from .test_reporting_e2e import Api, indicator_values

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("members", "events", "reporting")


def tvp_retention(stack: ServiceStack, key_dir: Path, tmp_path: Path, *args: str) -> dict[tuple[str, str], int]:
    env = {"PATH": "/usr/bin:/bin", "TVP_VAR_DIR": str(tmp_path / "cli"), "HOME": str(tmp_path),
           "TVP_JWT_PRIVATE_KEY_FILE": str(key_dir / "jwt-private.pem"),
           "TVP_MEMBERS_URL": stack.url("members"), "TVP_EVENTS_URL": stack.url("events")}
    done = subprocess.run([sys.executable, "-m", "infra.cli", "retention", "run", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    print(done.stdout)
    lines = done.stdout.strip().splitlines()
    assert lines[-1].endswith(("in all", "in all (dry run: nothing changed)"))
    return {(line.split()[0], line.split()[1]): int(line.split()[2]) for line in lines[:-1]}


def test_retention_on_demo_data(servers, key_dir, tmp_path, run_id, token):
    databases = {s: f"t{run_id}_{s}" for s in SERVICES}
    env = {**worker_env(servers, key_dir, tmp_path, databases), "TVP_RETENTION_FORMER_CONTACTS_MONTHS": "0",
           "TVP_RETENTION_CHECK_SECONDS": "2"}
    with ServiceStack(env, tmp_path / "log", {s: free_port() for s in SERVICES}) as stack:
        auditor = token("auditor")

        def log_of(service: str) -> list[dict]:
            response = requests.get(f"{stack.url(service)}/api/v1/retention/log?page_size=100", headers=auditor,
                                    timeout=10)
            assert response.status_code == 200, response.text
            return response.json()["items"]

        # The workers ran the policy on their own, on the empty platform, and recorded when.
        for service in ("members", "events"):
            scheduled = wait_for(lambda service=service: log_of(service), timeout_s=60)
            assert {e["actor"]["sub"] for e in scheduled} == {f"tvp.{service}.retention"}
            assert all(e["count"] == 0 and not e["dry_run"] for e in scheduled)

        from infra.demo import ADVISORY, BOARD, run_demo
        demo_day = date(2012 + int(run_id, 16) % 10, 11, 20)
        urls = {s: stack.url(s) for s in SERVICES}
        result = run_demo(urls, token()["Authorization"].split()[1], say=lambda line: None, today=demo_day)
        period = f"period={result['period']}"
        reporting = Api(stack.url("reporting"), token())
        submitted = reporting("POST", f"/reports/{result['report']['id']}/submit", 200).json()
        indicators = indicator_values(reporting, period)

        due = tvp_retention(stack, key_dir, tmp_path, "--dry-run")
        members_due = due[("members", "former_contacts")]
        seated = {key for key, _ in BOARD + ADVISORY}
        assert members_due == len(set(result["people"]) - seated) > 0, "every demo person without a seat"
        assert due[("members", "withdrawn_consents")] == 0
        assert due[("events", "participant_contacts")] == 62  # the demo's outside participants
        client = MongoClient(servers.mongo_uri)
        try:
            people = client[databases["members"]].people
            assert people.count_documents({"status": "erased"}) == 0, "a dry run changes nothing"

            done = tvp_retention(stack, key_dir, tmp_path)
            assert done == due
            assert people.count_documents({"status": "erased"}) == members_due
            erased = [p["_id"] for p in people.find({"status": "erased"}, {"_id": 1})]
            # Events follows person.erased: the names of its view of those people are gone.
            view = client[databases["events"]].member_people
            wait_for(lambda: view.count_documents({"_id": {"$in": erased}, "erased": True}) == len(erased),
                     timeout_s=60)
            assert view.count_documents({"_id": {"$in": erased}, "full_name": {"$ne": None}}) == 0
            meetings = client[databases["events"]].meetings
            assert meetings.count_documents({"registrations.participant.full_name": {"$type": "string"}}) == 0
            # Seated people (the chambers' presidents) are kept.
            assert people.count_documents({"status": "active"}) > 0
        finally:
            client.close()

        time.sleep(3)  # what the erasures caused has reached reporting (nothing, if all is well)
        assert indicator_values(reporting, period) == indicators
        assert reporting("GET", f"/reports/{submitted['id']}", 200).json() == submitted

        logged = [e for e in log_of("members") if e["actor"]["sub"] != "tvp.members.retention"]
        assert {(e["category"], e["count"], e["dry_run"]) for e in logged} == {
            ("former_contacts", members_due, True), ("withdrawn_consents", 0, True),
            ("former_contacts", members_due, False), ("withdrawn_consents", 0, False)}
        text = str(log_of("members")) + str(log_of("events"))
        assert "@example.org" not in text and not any(p["full_name"] in text for p in result["people"].values())

        assert set(tvp_retention(stack, key_dir, tmp_path).values()) == {0}, "a second run anonymises nothing"
