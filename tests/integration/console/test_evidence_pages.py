"""Evidence files on the console's pages against the three real services: a meeting's (upload, list, download;
the API's refusal shown at the form; other chambers see no panel), an expenditure's page with its files, and the
report's list of its period's evidence."""
from __future__ import annotations

import io
import uuid

import pytest
import requests

from ...support.evidence_files import EXECUTABLE, PDF, PNG
from ...support.meeting_seed import seed_meetings

pytestmark = pytest.mark.integration


@pytest.fixture
def platform(services, issuer):
    admin = {"Authorization": f"Bearer {issuer.issue('platform_admin', subject='setup')}"}
    seeded = seed_meetings(lambda *events: services.feed("events", *events), services.urls["events"], admin)
    return {**seeded, "admin": admin}


def text(response, status=200) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:3000]
    return body


def upload(browser, path, content, filename, kind, page, **extra):
    data = {"csrf_token": browser.csrf_token(page), "idempotency_key": uuid.uuid4().hex,
            "kind": kind, "file": (io.BytesIO(content), filename), **extra}
    return browser.client.post(path, data=data, content_type="multipart/form-data")


def test_a_meetings_evidence_is_uploaded_listed_and_downloaded(live_browser, platform):
    workshop, host = platform["workshop"], platform["workshop"]["host_organisation_id"]
    page_path = f"/meetings/{workshop['id']}"
    live_browser.sign_in("chamber_admin", org=host)
    page = text(live_browser.get(page_path))
    assert 'id="evidence-heading"' in page and 'enctype="multipart/form-data"' in page
    assert 'name="kind"' in page and 'type="file"' in page

    refused = upload(live_browser, page_path, EXECUTABLE, "imza.pdf", "attendance_sheet", page_path,
                     action="evidence")
    refused_page = text(refused, 415)
    assert "PDF, JPEG" in refused_page and 'role="alert"' in refused_page

    done = upload(live_browser, page_path, PDF, "İmza listesi.pdf", "attendance_sheet", page_path, action="evidence")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"{page_path}#evidence")
    page = text(live_browser.get(page_path + "?lang=en"))
    assert "İmza listesi.pdf" in page and "Signed attendance sheet" in page
    [evidence_id] = [part.split('"')[0] for part in page.split(f'{page_path}/evidence/')[1:]]
    download = live_browser.get(f"{page_path}/evidence/{evidence_id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]

    # Another chamber's admin: no evidence panel (attendance sheets carry names and signatures).
    live_browser.sign_in("chamber_admin", org=platform["ids"]["Kırklareli TSO"])
    assert 'id="evidence-heading"' not in text(live_browser.get(page_path))
    # An auditor reads the list, without the form.
    live_browser.sign_in("auditor")
    page = text(live_browser.get(page_path))
    assert "İmza listesi.pdf" in page and 'enctype="multipart/form-data"' not in page


def test_an_expenditures_page_takes_invoices_and_the_report_lists_the_periods_evidence(live_browser, platform,
                                                                                         services):
    reporting = services.urls["reporting"]
    expenditure = requests.post(f"{reporting}/api/v1/expenditures", headers=platform["admin"], timeout=10, json={
        "date": "2026-02-10", "budget_line": "services", "amount": "1000", "currency": "EUR",
        "description": "Salon kirası"}).json()
    live_browser.sign_in("programme_officer")
    assert f'href="/expenditures/{expenditure["id"]}"' in text(live_browser.get("/expenditures"))
    page_path = f"/expenditures/{expenditure['id']}"
    assert 'enctype="multipart/form-data"' in text(live_browser.get(page_path))
    done = upload(live_browser, page_path, PNG, "fatura.png", "invoice", page_path)
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    page = text(live_browser.get(page_path))
    assert "fatura.png" in page and "Fatura" in page

    report = requests.post(f"{reporting}/api/v1/reports", headers=platform["admin"], timeout=10,
                           json={"period": "2026-Q1", "kind": "interim"}).json()
    shown = text(live_browser.get(f"/reports/{report['id']}?lang=en"))
    assert "Evidence of the period" in shown and "fatura.png" in shown
    assert f'/expenditures/{expenditure["id"]}/evidence/' in shown
    [evidence_id] = [part.split('"')[0] for part in shown.split(f'/expenditures/{expenditure["id"]}/evidence/')[1:]]
    assert live_browser.get(f"{page_path}/evidence/{evidence_id}").data == PNG

    live_browser.sign_in("auditor")
    assert 'enctype="multipart/form-data"' not in text(live_browser.get(page_path))
