"""An access request end to end, through gunicorn: a person who registered for a meeting and attended it,
and what the three services answer about them, and `tvp data-export` (JSON + PDF) assembling it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pypdfium2
import pytest
import requests

from ..support.kafka_read import wait_for

pytestmark = pytest.mark.e2e
TVP = str(Path(sys.executable).with_name("tvp"))
ISTANBUL = timezone(timedelta(hours=3))
NAME, EMAIL, PHONE = "Derya Akın", "derya.akin@ergene.example", "+90 282 555 01 02"
TITLE = "Kaynak verimliliği çalıştayı"


def _ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture
def person_who_attended(stack_factory, token):
    """A company's employee, with a consent, registered by her chamber admin at a workshop held yesterday,
    and present there."""
    stack = stack_factory("members", "events", "reporting")
    members, events = stack.url("members"), stack.url("events")
    admin = token("platform_admin", None, "e2e-admin")

    def organisation(body):
        org = _ok(requests.post(f"{members}/api/v1/organisations", json=body, headers=admin, timeout=10), 201)
        _ok(requests.post(f"{members}/api/v1/organisations/{org['id']}/membership", json={"action": "approve"},
                          headers=admin, timeout=10))
        return org

    chamber = organisation({"name": "Çorlu TSO", "kind": "chamber", "province": "Tekirdağ"})
    company = organisation({"name": "Ergene Tekstil", "kind": "company", "province": "Tekirdağ",
                            "size_class": "small"})
    person = _ok(requests.post(f"{members}/api/v1/people", headers=token("chamber_admin", company["id"], "ik-ergene"),
                               json={"organisation_id": company["id"], "full_name": NAME, "email": EMAIL,
                                     "phone": PHONE, "gender": "female",
                                     "consents": [{"purpose": "event_photos"}]}, timeout=10), 201)
    wait_for(lambda: requests.get(f"{events}/api/v1/member-organisations/{chamber['id']}", headers=admin,
                                  timeout=10).json().get("may_host"), timeout_s=60)
    starts = datetime.now(ISTANBUL).replace(microsecond=0) - timedelta(days=1)
    meeting = _ok(requests.post(f"{events}/api/v1/meetings", headers=admin, timeout=10, json={
        "kind": "workshop", "title": TITLE, "host_organisation_id": chamber["id"], "themes": ["resource_efficiency"],
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(days=2)).isoformat()}), 201)

    def register():
        response = requests.post(f"{events}/api/v1/meetings/{meeting['id']}/registrations", timeout=10,
                                 headers=token("chamber_admin", company["id"], "ik-ergene"),
                                 json={"person_id": person["id"]})
        return response.json() if response.status_code == 201 else None

    registration = wait_for(register, timeout_s=60, interval_s=0.5)  # once events knows the person
    _ok(requests.post(f"{events}/api/v1/meetings/{meeting['id']}/attendance", headers=admin, timeout=10,
                      json={"registration_id": registration["id"]}), 201)
    return {"stack": stack, "person": person, "company": company, "meeting": meeting,
            "registration": registration}


def test_the_three_answers_and_tvp_data_export_hold_every_item(person_who_attended, token, key_dir, tmp_path):
    stack, person = person_who_attended["stack"], person_who_attended["person"]
    meeting, registration = person_who_attended["meeting"], person_who_attended["registration"]
    auditor = token("auditor")
    # The relays have logged the events: the audit trails show them.
    wait_for(lambda: requests.get(f"{stack.url('events')}/api/v1/audit", headers=auditor, timeout=10,
                                  params={"type": "tr.tvp.events.meeting.attendance_recorded.v1"}).json()["total"],
             timeout_s=60)
    wait_for(lambda: requests.get(f"{stack.url('members')}/api/v1/audit", headers=auditor, timeout=10,
                                  params={"aggregate": f"person/{person['id']}"}).json()["total"], timeout_s=60)

    env = {k: v for k, v in os.environ.items() if not k.startswith("TVP_")}
    env.update(TVP_VAR_DIR=str(tmp_path / "var"), TVP_JWT_PRIVATE_KEY_FILE=str(key_dir / "jwt-private.pem"))
    out = tmp_path / "export"
    done = subprocess.run([TVP, "data-export", person["id"], "--out", str(out), "--subject", "dpo-e2e",
                           "--members", stack.url("members"), "--events", stack.url("events"),
                           "--reporting", stack.url("reporting")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    json_path, pdf_path = (Path(line) for line in done.stdout.split())
    export = json.loads(json_path.read_text(encoding="utf-8"))
    assert export["person_id"] == person["id"] and export["requested_by"] == "dpo-e2e"

    members = export["services"]["members"]
    assert (members["holds"]["person"]["full_name"], members["holds"]["person"]["email"],
            members["holds"]["person"]["phone"]) == (NAME, EMAIL, PHONE)
    assert [c["purpose"] for c in members["holds"]["consents"]] == ["event_photos"]
    assert [e["type"] for e in members["audit"]] == ["tr.tvp.members.person.registered.v1"]
    assert members["audit"][0]["actor"] == {"sub": "ik-ergene", "role": "chamber_admin",
                                            "org": person_who_attended["company"]["id"]}

    events = export["services"]["events"]
    [registered] = events["holds"]["registrations"]
    assert (registered["id"], registered["meeting"]["id"], registered["meeting"]["title"]) == (
        registration["id"], meeting["id"], TITLE)
    assert registered["meeting"]["starts_at"] == meeting["starts_at"] and registered["attended"] is True
    [attended] = events["holds"]["attendances"]
    assert attended["registration_id"] == registration["id"] and attended["attended_at"]
    assert events["holds"]["person"]["full_name"] == NAME

    reporting = export["services"]["reporting"]
    assert reporting["holds"]["personal_data"] == [] and reporting["audit"] == []

    # Each service recorded the request under the asker's subject.
    for name in ("members", "events", "reporting"):
        asked = requests.get(f"{stack.url(name)}/api/v1/audit", headers=auditor, timeout=10, params={
            "type": f"tr.tvp.{name}.data_subject.access_requested.v1"}).json()["items"]
        assert [(e["actor"]["sub"], e["aggregate"]) for e in asked] == [("dpo-e2e", f"person/{person['id']}")]

    pdf = pypdfium2.PdfDocument(pdf_path)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    flat = " ".join(text.split())
    for item in (NAME, EMAIL, PHONE, "event_photos", TITLE, registration["id"], meeting["id"],
                 "tr.tvp.members.person.registered.v1", "Açık rızalar / Consents",
                 "Katılımlar (yoklama) / Attendances (check-ins)", "Raporlama servisi / Reporting service"):
        assert item in flat, item
