"""Check-in by code, badges, attendance sheets and the decision book through the API (embedded MongoDB)."""
from __future__ import annotations

import pypdfium2
import pytest

from services.events.service_layer.check_in_codes import issue_missing_codes

from .conftest import future, meeting_body

pytestmark = pytest.mark.integration

API = "/api/v1"


def text_of(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def participant(name):
    return {"participant": {"full_name": name, "gender": "female", "organisation_name": "Öz Gıda Kooperatifi",
                            "organisation_kind": "ngo", "province": "edirne"}}


def test_check_in_by_the_badges_code_at_a_started_meeting(events_client, token, active_chamber, db):
    host = active_chamber("Edirne TSO", "Edirne")
    body = meeting_body(host, starts=future(days=0, hours=-1), title="Gıda güvenliği eğitimi")
    meeting = events_client.post(f"{API}/meetings", json=body, headers=token()).json
    admin = token()
    registered = [events_client.post(f"{API}/meetings/{meeting['id']}/registrations", json=participant(name),
                                     headers=admin).json for name in ("Gülşen Çakır", "Ümran Işık")]
    code = registered[0]["check_in_code"]
    assert code and len(code) == 8 and code != registered[1]["check_in_code"]
    hidden = events_client.get(f"{API}/meetings/{meeting['id']}/registrations", headers=token("auditor")).json
    assert {r["check_in_code"] for r in hidden["items"]} == {None}  # a credential, shown like the e-mail

    url = f"{API}/meetings/{meeting['id']}/check-in"
    first = events_client.post(url, json={"code": f"{code[:4].lower()}-{code[4:]}"}, headers=admin)
    assert first.status_code == 201 and first.json["attended"] and first.json["id"] == registered[0]["id"]
    again = events_client.post(url, json={"code": code}, headers=admin)
    assert again.status_code == 200 and again.json["attended_at"] == first.json["attended_at"]
    stored = db.meetings.find_one({"_id": meeting["id"]})
    assert stored["version"] == 4  # scheduled, two registrations, one attendance: the second scan wrote nothing

    unknown = events_client.post(url, json={"code": "ZZZZ-ZZZZ"}, headers=admin)
    assert unknown.status_code == 422 and "code" in unknown.json["errors"]
    cancelled = registered[1]
    events_client.delete(f"{API}/meetings/{meeting['id']}/registrations/{cancelled['id']}", headers=admin)
    refused = events_client.post(url, json={"code": cancelled["check_in_code"]}, headers=admin)
    assert refused.status_code == 409 and "cancelled" in refused.json["message"]
    assert events_client.post(url, json={}, headers=admin).status_code == 422

    sheet = events_client.get(f"{API}/meetings/{meeting['id']}/attendance-sheet.pdf", headers=admin)
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    text = text_of(sheet.data)
    assert "Gülşen Çakır" in text and "Öz Gıda Kooperatifi" in text and "Edirne TSO" in text
    assert "Ümran" not in text and "Katılım çizelgesi" in text
    english = events_client.get(f"{API}/meetings/{meeting['id']}/attendance-sheet.pdf?lang=en", headers=admin)
    assert "Signature" in text_of(english.data)
    assert events_client.get(f"{API}/meetings/{meeting['id']}/attendance-sheet.pdf?lang=de",
                             headers=admin).status_code == 422

    badge = events_client.get(f"{API}/registrations/{registered[0]['id']}/badge.pdf", headers=admin)
    assert badge.status_code == 200 and f"{code[:4]}-{code[4:]}" in text_of(badge.data)
    assert events_client.get(f"{API}/registrations/{cancelled['id']}/badge.pdf", headers=admin).status_code == 409
    assert events_client.get(f"{API}/registrations/nope/badge.pdf", headers=admin).status_code == 404


def test_older_registrations_get_their_codes_from_the_migration(events_client, token, active_chamber, db):
    meeting = events_client.post(f"{API}/meetings", json=meeting_body(active_chamber()), headers=token()).json
    registration = events_client.post(f"{API}/meetings/{meeting['id']}/registrations",
                                      json=participant("Sevgi Şahin"), headers=token()).json
    db.meetings.update_one({"_id": meeting["id"]}, {"$unset": {"check_in_codes": ""}})  # as before codes existed
    bus = events_client.application.extensions["tvp.bus"]
    assert issue_missing_codes(bus.unit_of_work()) >= 1
    code = db.meetings.find_one({"_id": meeting["id"]})["check_in_codes"][registration["id"]]
    assert issue_missing_codes(bus.unit_of_work()) == 0
    assert db.meetings.find_one({"_id": meeting["id"]})["check_in_codes"][registration["id"]] == code


def test_the_decision_book_needs_a_body_and_a_year(events_client, token):
    assert events_client.get(f"{API}/decisions.pdf?body=board", headers=token()).status_code == 422
    book = events_client.get(f"{API}/decisions.pdf?body=board&year=2031&lang=en", headers=token("auditor"))
    assert book.status_code == 200 and "No decisions recorded" in text_of(book.data)
