"""An expenditure's evidence files (kept by reporting), frozen once a submitted report holds the expenditure,
and the evidence of a report's period."""
from __future__ import annotations

import hashlib

import pytest

from services.reporting.domain.periods import parse_period
from services.reporting.service_layer.evidence import evidence_of_period
from shared.web.bus import EXTENSION as BUS

from ...support.evidence_files import EXECUTABLE, JPEG, PDF, form

pytestmark = pytest.mark.integration


def stored_counts(db):
    return db["fs.files"].count_documents({}), db["fs.chunks"].count_documents({})


@pytest.fixture
def expenditure(api):
    response = api("POST", "/expenditures", json={"date": "2026-02-10", "budget_line": "services",
                                                  "amount": "1000", "currency": "EUR", "description": "venue"})
    assert response.status_code == 201, response.json
    return response.json


def upload(api, expenditure_id, role="programme_officer", **form_args):
    return api("POST", f"/expenditures/{expenditure_id}/evidence", role=role, data=form(**form_args),
               content_type="multipart/form-data")


def test_upload_list_download_and_the_report(api, app, db, expenditure):
    invoice = upload(api, expenditure["id"], content=PDF, filename="fatura-2026-017.pdf", kind="invoice")
    assert invoice.status_code == 201, invoice.json
    assert invoice.json["sha256"] == hashlib.sha256(PDF).hexdigest() and invoice.json["owner_id"] == expenditure["id"]
    listed = api("GET", f"/expenditures/{expenditure['id']}/evidence", role="auditor").json
    assert [item["id"] for item in listed["items"]] == [invoice.json["id"]]
    download = api("GET", f"/evidence/{invoice.json['id']}", role="auditor")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert 'filename="fatura-2026-017.pdf"' in download.headers["Content-Disposition"]
    assert api("GET", f"/evidence/{invoice.json['id']}", role="chamber_admin").status_code == 403

    report = api("POST", "/reports", role="programme_officer", json={"period": "2026-Q1", "kind": "interim"}).json
    shown = api("GET", f"/reports/{report['id']}", role="auditor").json
    assert [(e["source"], e["id"], e["sha256"]) for e in shown["evidence"]] == [
        ("expenditure", invoice.json["id"], invoice.json["sha256"])]
    with app.app_context():
        [entry] = evidence_of_period(app.extensions[BUS].unit_of_work(), parse_period("2026-Q1"))
        assert b"".join(entry.open()) == PDF


def test_refusals_store_nothing(api, db, expenditure):
    before = stored_counts(db)
    assert upload(api, expenditure["id"], content=EXECUTABLE, filename="fatura.pdf").status_code == 415
    assert upload(api, expenditure["id"], content=b"").status_code == 422
    assert upload(api, expenditure["id"], content=PDF, kind="receipt").status_code == 422
    assert upload(api, expenditure["id"], role="auditor", content=PDF).status_code == 403
    assert upload(api, "no-such-expenditure", content=PDF).status_code == 404
    assert stored_counts(db) == before


def test_a_submitted_period_freezes_its_expenditures(api, db, expenditure):
    assert upload(api, expenditure["id"], content=JPEG, kind="photo").status_code == 201
    report = api("POST", "/reports", role="programme_officer", json={"period": "2026-02", "kind": "interim"}).json
    assert api("POST", f"/reports/{report['id']}/submit", role="programme_officer").status_code == 200
    before = stored_counts(db)
    refused = upload(api, expenditure["id"], content=PDF)
    assert refused.status_code == 409 and "submitted" in refused.json["message"]
    assert stored_counts(db) == before
