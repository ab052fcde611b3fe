"""`tvp data-export` without servers: the three answers assembled (services faked at the HTTP client), the
files written, and the PDF's text holding every item of the JSON."""
from __future__ import annotations

import json

import pypdfium2
import pytest

from infra import data_export
from infra.data_export import DataExportError, collect, write

URLS = {"members": "http://m", "events": "http://e", "reporting": "http://r"}
AUDITED = {"at": "2026-06-01T12:00:00.000+03:00", "type": "tr.tvp.members.person.registered.v1",
           "actor": {"sub": "ik-ergene", "role": "chamber_admin", "org": "o1"}, "aggregate": "person/p1",
           "version": 1, "correlation_id": "c1"}
ANSWERS = {
    "http://m": {"service": "members", "person_id": "p1", "holds": {
        "person": {"id": "p1", "full_name": "Derya Akın", "email": "derya@ergene.example", "phone": "+90 282 1"},
        "organisation": {"id": "o1", "name": "Ergene Tekstil"},
        "consents": [{"purpose": "event_photos", "granted_at": "2026-05-01T10:00:00+03:00"}],
        "seats": []}, "notifications": None, "audit": [AUDITED]},
    "http://e": {"service": "events", "person_id": "p1", "holds": {
        "person": {"id": "p1", "full_name": "Derya Akın"},
        "registrations": [{"id": "r1", "status": "confirmed", "attended": True,
                           "meeting": {"id": "m1", "title": "Kaynak verimliliği çalıştayı"}}],
        "attendances": [{"meeting": {"id": "m1"}, "registration_id": "r1",
                         "attended_at": "2026-06-01T10:30:00+03:00"}],
        "waitlist": []}, "notifications": None, "audit": []},
    "http://r": {"service": "reporting", "person_id": "p1", "holds": {
        "personal_data": [], "statement": {"en": "Counts only.", "tr": "Yalnızca sayılar."}},
        "notifications": None, "audit": []},
}


class _Response:
    def __init__(self, status_code: int, body: dict):
        self.status_code, self._body, self.text = status_code, body, json.dumps(body)

    def json(self):
        return self._body


@pytest.fixture
def services(monkeypatch):
    """The services' answers by base URL; a test may replace one; the requests made are kept."""
    answers = {url: (200, body) for url, body in ANSWERS.items()}
    asked = []

    def get(url, headers, timeout):
        asked.append((url, headers["Authorization"]))
        base = url.split("/api/v1/")[0]
        status, body = answers[base]
        return _Response(status, body)

    monkeypatch.setattr(data_export.requests, "get", get)
    return answers, asked


def test_the_export_holds_each_services_answer_and_the_files_hold_every_item(services, tmp_path):
    _, asked = services
    export = collect(URLS, "tok", "p1", "dpo")
    assert [url for url, _ in asked] == [f"{u}/api/v1/data-subjects/p1" for u in URLS.values()]
    assert {auth for _, auth in asked} == {"Bearer tok"}
    assert export["requested_by"] == "dpo" and export["services"]["members"] == ANSWERS["http://m"]
    json_path, pdf_path = write(export, tmp_path / "out")
    assert json.loads(json_path.read_text(encoding="utf-8")) == export
    pdf = pypdfium2.PdfDocument(pdf_path)
    text = " ".join(" ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).split())
    for item in ("Derya Akın", "derya@ergene.example", "+90 282 1", "Ergene Tekstil", "event_photos",
                 "Kaynak verimliliği çalıştayı", "r1", "2026-06-01T10:30:00+03:00", "Yalnızca sayılar.",
                 "tr.tvp.members.person.registered.v1", "ik-ergene (chamber_admin)",
                 "Açık rızalar / Consents", "Bildirimler / Notifications"):
        assert item in text, item


def test_a_person_no_service_knows_is_refused(services):
    answers, _ = services
    answers["http://m"] = answers["http://e"] = (404, {"code": 404, "message": "no person p1"})
    with pytest.raises(DataExportError, match="no service knows a person p1"):
        collect(URLS, "tok", "p1", "dpo")


def test_a_service_that_does_not_know_the_person_is_noted(services):
    answers, _ = services
    answers["http://e"] = (404, {"code": 404, "message": "person p1 is not known to the events service"})
    export = collect(URLS, "tok", "p1", "dpo")
    assert export["services"]["events"]["unknown"] is True
    assert "not known" in export["services"]["events"]["message"]


def test_a_refusal_stops_the_export(services):
    answers, _ = services
    answers["http://r"] = (403, {"code": 403, "message": "role auditor may not do this"})
    with pytest.raises(DataExportError, match="reporting service answered 403: role auditor"):
        collect(URLS, "tok", "p1", "dpo")
