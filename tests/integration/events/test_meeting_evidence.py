"""A meeting's evidence files through the Flask test client against the embedded database: stored in GridFS
with their SHA-256, listed, downloaded byte for byte, announced by meeting.evidence_added, and nothing stored
on any refusal."""
from __future__ import annotations

import hashlib

import pytest

from ...support.evidence_files import EXECUTABLE, JPEG, PDF, PNG, big_pdf, form
from ...support.outbox import internal, public
from .conftest import meeting_body

pytestmark = pytest.mark.integration

API = "/api/v1/meetings"
ADDED = "tr.tvp.events.meeting.evidence_added.v1"
MIB = 1024 * 1024


@pytest.fixture
def meeting(events_client, token, active_chamber):
    host = active_chamber()
    response = events_client.post(API, json=meeting_body(host), headers=token())
    assert response.status_code == 201, response.json
    return response.json


def stored_counts(db):
    return db["fs.files"].count_documents({}), db["fs.chunks"].count_documents({})


def upload(client, meeting_id, headers, **form_args):
    return client.post(f"{API}/{meeting_id}/evidence", data=form(**form_args), headers=headers,
                       content_type="multipart/form-data")


def test_upload_list_download_and_the_event(events_client, token, meeting, db):
    host_admin = token("chamber_admin", org=meeting["host_organisation_id"], subject="admin-1")
    response = upload(events_client, meeting["id"], host_admin, content=PDF, filename="İmza listesi.pdf")
    assert response.status_code == 201, response.json
    stored = response.json
    assert stored["sha256"] == hashlib.sha256(PDF).hexdigest() and stored["size"] == len(PDF)
    assert stored["content_type"] == "application/pdf" and stored["kind"] == "attendance_sheet"
    assert stored["filename"] == "İmza listesi.pdf" and stored["uploaded_by"] == "admin-1"
    assert stored["uploaded_at"].endswith("+03:00")

    photo = upload(events_client, meeting["id"], token(), content=JPEG, filename="salon.pdf", kind="photo").json
    assert photo["content_type"] == "image/jpeg"  # by content, whatever the name says

    listed = events_client.get(f"{API}/{meeting['id']}/evidence", headers=token("programme_officer"))
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json["items"]] == [stored["id"], photo["id"]]
    assert listed.json["total"] == 2

    download = events_client.get(f"/api/v1/evidence/{stored['id']}", headers=token("auditor"))
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "filename*=UTF-8''%C4%B0mza%20listesi.pdf" in download.headers["Content-Disposition"]

    events = [e for e in internal(db.meetings.find_one({"_id": meeting["id"]})["outbox"]) if e["type"] == ADDED]
    assert [e["data"] for e in events][0] == {
        "id": meeting["id"], "evidence_id": stored["id"], "kind": "attendance_sheet",
        "filename": "İmza listesi.pdf", "content_type": "application/pdf", "size": len(PDF),
        "sha256": stored["sha256"], "uploaded_at": stored["uploaded_at"]}
    assert "admin-1" not in str([e["data"] for e in events])  # who uploaded stays in this service
    # Evidence never reaches a public topic: the uploads wrote no public view of the meeting.
    outbox = db.meetings.find_one({"_id": meeting["id"]})["outbox"]
    assert [e["type"] for e in public(outbox)] == ["tr.tvp.events.meeting.published.v1"]  # the scheduling's


@pytest.mark.parametrize("content, kind, status", [
    (EXECUTABLE, "attendance_sheet", 415),  # an executable named .pdf
    (b"just some text, named .pdf", "minutes", 415),
    (b"", "attendance_sheet", 422),
    (PNG, "selfie", 422),
    (PNG, None, 422),
])
def test_refusals_store_nothing(events_client, token, meeting, db, content, kind, status):
    before = stored_counts(db)
    response = upload(events_client, meeting["id"], token(), content=content, kind=kind)
    assert response.status_code == status, response.json
    assert response.json["code"] == status and response.json["message"]
    assert stored_counts(db) == before


def test_over_20_mib_is_413_and_stores_nothing(events_client, token, meeting, db):
    before = stored_counts(db)
    # Within the body limit: the store counts the bytes it reads and gives up past 20 MiB, chunks removed.
    response = upload(events_client, meeting["id"], token(), content=big_pdf(20 * MIB + 1))
    assert response.status_code == 413, response.json
    assert stored_counts(db) == before
    # Far over it: refused from its Content-Length before anything is read.
    response = upload(events_client, meeting["id"], token(), content=big_pdf(21 * MIB))
    assert response.status_code == 413
    assert stored_counts(db) == before  # the boundary itself (exactly the limit is stored): tests/unit


def test_a_cancelled_meeting_takes_no_evidence(events_client, token, meeting, db):
    cancelled = events_client.post(f"{API}/{meeting['id']}/cancel", json={"reason": "storm"}, headers=token())
    assert cancelled.status_code == 200
    before = stored_counts(db)
    response = upload(events_client, meeting["id"], token(), content=PDF)
    assert response.status_code == 409 and "cancelled" in response.json["message"]
    assert stored_counts(db) == before


def test_other_chambers_neither_upload_nor_read(events_client, token, meeting, db, active_chamber):
    other = token("chamber_admin", org=active_chamber(name="Edirne TSO", province="Edirne"))
    stored = upload(events_client, meeting["id"], token(), content=PNG, kind="photo").json
    before = stored_counts(db)
    assert upload(events_client, meeting["id"], other, content=PDF).status_code == 403
    assert stored_counts(db) == before
    assert events_client.get(f"{API}/{meeting['id']}/evidence", headers=other).status_code == 403
    assert events_client.get(f"/api/v1/evidence/{stored['id']}", headers=other).status_code == 403
    assert events_client.get("/api/v1/evidence/nope", headers=token()).status_code == 404
    assert upload(events_client, meeting["id"], token("programme_officer"), content=PDF).status_code == 403


def test_an_idempotency_key_replays_the_upload(events_client, token, meeting, db):
    headers = {**token(), "Idempotency-Key": "evidence-1"}
    first = upload(events_client, meeting["id"], headers, content=PDF)
    before = stored_counts(db)
    again = upload(events_client, meeting["id"], headers, content=PDF)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json["id"] == first.json["id"]
    assert stored_counts(db) == before
    other = upload(events_client, meeting["id"], headers, content=PNG, kind="photo")
    assert other.status_code == 422  # same key, another file


def test_the_event_reaches_reporting_and_the_report_opens_the_checked_bytes(events_client, reporting_client, token,
                                                                             active_chamber, db):
    """The events service's own outbox (scheduled, held, evidence_added) fed to reporting's consumer: the
    report of the period lists the file, and opening it fetches the bytes from events, checked by SHA-256."""
    from services.reporting.domain.periods import parse_period
    from services.reporting.service_layer.evidence import evidence_of_period
    from shared.evidence.integrity import EvidenceMismatch
    from shared.messaging.envelope import CloudEvent
    from shared.web.bus import EXTENSION as BUS

    from ..reporting.stream import Feeder

    host = active_chamber()
    body = meeting_body(host, title="Workshop with evidence")
    body.update(starts_at="2026-03-10T10:00:00+03:00", ends_at="2026-03-10T13:00:00+03:00")
    meeting = events_client.post(API, json=body, headers=token()).json
    assert events_client.post(f"{API}/{meeting['id']}/close", headers=token()).status_code == 200
    stored = upload(events_client, meeting["id"], token(), content=PNG, filename="salon.png", kind="photo").json

    outbox = internal(db.meetings.find_one({"_id": meeting["id"]})["outbox"])
    Feeder(reporting_client.application)(*[CloudEvent(**{k: v for k, v in e.items() if k != "_actor"})
                                           for e in outbox])
    report = reporting_client.post("/api/v1/reports", json={"period": "2026-03", "kind": "interim"},
                                   headers=token("programme_officer")).json
    shown = reporting_client.get(f"/api/v1/reports/{report['id']}", headers=token("auditor")).json
    assert [(e["source"], e["owner_id"], e["id"], e["sha256"], e["size"]) for e in shown["evidence"]] == [
        ("meeting", meeting["id"], stored["id"], stored["sha256"], len(PNG))]

    class ThroughEventsApi:  # what adapters/events_evidence.py does over HTTP, through the test client
        def __init__(self, tamper=False):
            self.tamper = tamper

        def chunks(self, evidence_id):
            data = events_client.get(f"/api/v1/evidence/{evidence_id}", headers=token("programme_officer")).data
            yield data + (b"x" if self.tamper else b"")

    app = reporting_client.application
    with app.app_context():
        uow = app.extensions[BUS].unit_of_work()
        [entry] = evidence_of_period(uow, parse_period("2026-03"), ThroughEventsApi())
        assert b"".join(entry.open()) == PNG
        [entry] = evidence_of_period(uow, parse_period("2026-03"), ThroughEventsApi(tamper=True))
        with pytest.raises(EvidenceMismatch):
            b"".join(entry.open())


def test_erasing_the_uploader_keeps_the_evidence(events_client, token, meeting, db, stream, feed):
    """A signed attendance sheet is the programme's record: erasing a person (KVKK) leaves it, and the file
    names its uploader by subject id only."""
    host = meeting["host_organisation_id"]
    person_id, registered = stream.person(host, full_name="Ayşe Yılmaz")
    feed(registered)
    stored = upload(events_client, meeting["id"], token("chamber_admin", org=host, subject=person_id),
                    content=PDF).json
    feed(stream.erase(person_id, host))
    download = events_client.get(f"/api/v1/evidence/{stored['id']}", headers=token("auditor"))
    assert download.status_code == 200 and download.data == PDF
    assert "Ayşe" not in str(db["fs.files"].find_one({"_id": stored["id"]}))
