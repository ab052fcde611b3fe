"""The console's reporting pages against the three real services: indicators for a period, expenditures
(list, filters, the create form and its field errors), reports (draft, preview, submit behind a confirmation
that then shows the SHA-256, downloads passed through with the user's token) and the public streams page."""
from __future__ import annotations

import html
import re
from datetime import datetime

import pytest
import requests

from shared.config import PLATFORM_ZONE

from ...support.streams import EventStream

pytestmark = pytest.mark.integration

YEAR = datetime.now(PLATFORM_ZONE).year


@pytest.fixture
def platform(services, issuer):
    """Three chambers and a company, active members as reporting knows them from the members' stream; the
    programme's targets (OI.1: 8 members; FI.1: 10,000 EUR)."""
    stream = EventStream()
    ids = {}
    for name, kind, province, size in (("Kırklareli TSO", "chamber", "Kırklareli", None),
                                       ("Keşan TSO", "chamber", "Edirne", None),
                                       ("Çerkezköy TSO", "chamber", "Tekirdağ", None),
                                       ("Ergene Tekstil", "company", "Tekirdağ", "small")):
        ids[name], registered = stream.organisation(name, kind, province, size)
        approved = stream.membership(ids[name], at=datetime.now(PLATFORM_ZONE).isoformat())
        services.feed("reporting", registered, approved)
    admin = {"Authorization": f"Bearer {issuer.issue('platform_admin', subject='setup')}"}
    programme = requests.put(f"{services.urls['reporting']}/api/v1/programme", headers=admin, json={
        "name": "Thrace's Efficient SMEs", "start_date": f"{YEAR - 1}-01-01", "end_date": f"{YEAR + 1}-12-31",
        "eu_share": 90, "national_share": 10, "targets": {"OI.1": 8, "FI.1": 10000}}, timeout=10)
    assert programme.status_code == 200, programme.text
    return ids


def text(response, status=200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def row(page: str, row_id: str) -> str:
    match = re.search(r'<tr id="' + re.escape(row_id) + r'">(.*?)</tr>', page, re.S)
    assert match, f"no row {row_id!r}"
    return match.group(1)


def form_action_page(browser, path):
    """The CSRF token of a page with forms (or the htmx header of one without)."""
    return browser.csrf_token(path)


# --- indicators ---------------------------------------------------------------------------------------------

def test_indicators_of_a_year_with_targets_chart_and_breakdowns(live_browser, platform):
    live_browser.sign_in("programme_officer")
    page = text(live_browser.get(f"/indicators?period={YEAR}"))
    oi1 = row(page, "row-OI.1")
    assert "Aktif üye kuruluşlar" in oi1 and ">4 kuruluş<" in oi1 and ">8<" in oi1 and "%50" in oi1
    assert "%0" in row(page, "row-FI.1")  # nothing spent of 10.000 EUR
    assert f'<option value="{YEAR}" selected>' in page and f'value="{YEAR}-Q4"' in page and f'value="{YEAR}-H2"' in page
    # The progress chart and the breakdowns' charts are server-drawn images with a title; their numbers in tables.
    assert '<svg class="chart"' in page and 'id="progress-title"' in page
    assert 'id="OI-1-kind-title"' in page
    assert re.search(r'<th scope="row">Oda</th><td class="number">3</td>', page)
    assert re.search(r'<th scope="row">Tekirdağ</th><td class="number">2</td>', page)


def test_indicators_in_english_and_the_quarter_by_default(live_browser, platform):
    live_browser.sign_in("chamber_admin", org=platform["Keşan TSO"])
    page = text(live_browser.get("/indicators?lang=en"))
    month = datetime.now(PLATFORM_ZONE).month
    assert f'<option value="{YEAR}-Q{(month - 1) // 3 + 1}" selected>' in page
    assert "Active member organisations" in row(page, "row-OI.1") and "50%" in row(page, "row-OI.1")
    assert re.search(r'<th scope="row">Chamber</th><td class="number">3</td>', page)


def test_an_unknown_period_is_refused_next_to_the_picker(live_browser, platform):
    live_browser.sign_in("auditor")
    response = live_browser.get("/indicators?period=2026-Q9")
    page = text(response, 422)
    assert 'aria-describedby="period-errors"' in page and 'id="period-errors"' in page


# --- expenditures -------------------------------------------------------------------------------------------

def test_recording_an_expenditure_shows_field_errors_then_lists_it(live_browser, platform):
    live_browser.sign_in("platform_admin")
    token = live_browser.csrf_token("/expenditures")
    base = {"csrf_token": token, "budget_line": "travel", "amount": "3400.00", "currency": "TRY",
            "date": f"{YEAR}-03-10", "description": "Keşan ziyareti ulaşım", "meeting_id": ""}
    # TRY without its EUR rate: the API's error, in Turkish, next to the rate's field; the values stay.
    refused = live_browser.client.post("/expenditures", data={**base, "eur_rate": "", "idempotency_key": "k1"})
    page = text(refused, 422)
    assert 'id="eur_rate" name="eur_rate" inputmode="decimal" value="" aria-invalid="true" aria-describedby="eur_rate-errors"' in page
    assert '<ul class="field-errors" id="eur_rate-errors">' in page
    assert "Keşan ziyareti ulaşım" in page
    done = live_browser.client.post("/expenditures", data={**base, "eur_rate": "34", "idempotency_key": "k2"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/expenditures")
    page = text(live_browser.get("/expenditures"))
    assert "Harcama kaydedildi." in page
    assert "Keşan ziyareti ulaşım" in page and ">100,00<" in page and ">3.400,00 TRY<" in page  # at 34: 100 EUR
    assert "1 sonuç" in page
    # Filters are the API's query parameters.
    assert "1 sonuç" in text(live_browser.get("/expenditures?budget_line=travel"))
    assert "0 sonuç" in text(live_browser.get("/expenditures?budget_line=equipment"))
    newest_first = text(live_browser.get("/expenditures?sort=-date"))
    assert '<option value="-date" selected>' in newest_first and "Keşan ziyareti ulaşım" in newest_first
    # FI.1 moved: 100 of 10,000 EUR.
    assert "%1" in row(text(live_browser.get(f"/indicators?period={YEAR}")), "row-FI.1")


def test_the_auditor_reads_expenditures_without_a_form_and_a_chamber_admin_may_not(live_browser, platform):
    live_browser.sign_in("auditor")
    page = text(live_browser.get("/expenditures"))
    assert 'href="/expenditures"' in page and "<form method=\"post\" action=\"/expenditures\"" not in page
    live_browser.sign_in("chamber_admin", org=platform["Keşan TSO"])
    page = text(live_browser.get("/"))
    assert 'href="/expenditures"' not in page and 'href="/reports"' not in page and 'href="/indicators"' in page
    assert live_browser.get("/expenditures").status_code == 403


# --- reports ------------------------------------------------------------------------------------------------

def make_draft(browser, period=None) -> str:
    token = browser.csrf_token("/reports")
    made = browser.client.post("/reports", data={"csrf_token": token, "period": period or f"{YEAR}-H1",
                                                  "kind": "interim", "idempotency_key": f"draft-{period}"})
    assert made.status_code == 302, made.get_data(as_text=True)[:2000]
    return made.headers["Location"].rsplit("/", 1)[-1]


def test_a_draft_is_previewed_submitted_behind_a_confirmation_and_shows_its_sha256(live_browser, platform, services,
                                                                                   token):
    live_browser.sign_in("programme_officer")
    report_id = make_draft(live_browser)
    page = text(live_browser.get(f"/reports/{report_id}"))
    assert "için taslak rapor hazırlandı" in page
    assert "Aktif üye kuruluşlar" in page and "Mali özet" in page
    assert '<button name="action" value="submit"' in page
    api_report = requests.get(f"{services.urls['reporting']}/api/v1/reports/{report_id}",
                              headers=token("auditor"), timeout=10).json()
    assert api_report["status"] == "draft" and api_report["sha256"] not in page  # a draft's digest still moves

    csrf = live_browser.csrf_token(f"/reports/{report_id}")
    confirm = text(live_browser.client.post(f"/reports/{report_id}", data={"csrf_token": csrf, "action": "submit"}))
    assert '<button name="confirm" value="yes"' in confirm and api_report["sha256"] in confirm
    assert requests.get(f"{services.urls['reporting']}/api/v1/reports/{report_id}", headers=token("auditor"),
                        timeout=10).json()["status"] == "draft"  # the first POST changed nothing

    key = re.search(r'name="idempotency_key" value="([^"]+)"', confirm).group(1)
    done = live_browser.client.post(f"/reports/{report_id}", data={"csrf_token": csrf, "action": "submit",
                                                                   "confirm": "yes", "idempotency_key": key})
    assert done.status_code == 302
    submitted = requests.get(f"{services.urls['reporting']}/api/v1/reports/{report_id}", headers=token("auditor"),
                             timeout=10).json()
    assert submitted["status"] == "submitted"
    page = text(live_browser.get(f"/reports/{report_id}"))
    assert f"Raporun SHA-256 değeri {submitted['sha256']}." in html.unescape(page)  # the confirmation
    assert f'<code class="digest" id="sha256">{submitted["sha256"]}</code>' in page
    assert '<button name="action"' not in page  # a submitted report has no lifecycle action left
    # And from then on, without the message.
    again = text(live_browser.get(f"/reports/{report_id}"))
    assert submitted["sha256"] in again and "Raporun SHA-256 değeri" not in again
    listing = text(live_browser.get("/reports?status=submitted&sort=-period"))
    assert f'href="/reports/{report_id}"' in listing and "1 sonuç" in listing


@pytest.mark.parametrize("fmt, content_type, magic", [("pdf", "application/pdf", b"%PDF"),
                                                      ("xlsx", "application/vnd.openxmlformats-officedocument"
                                                               ".spreadsheetml.sheet", b"PK"),
                                                      ("csv", "text/csv", b"")])
def test_downloads_pass_the_file_through_with_its_type_and_name(live_browser, platform, fmt, content_type, magic):
    live_browser.sign_in("programme_officer")
    report_id = make_draft(live_browser, f"{YEAR}-Q1")
    live_browser.sign_in("auditor")
    response = live_browser.get(f"/reports/{report_id}/download.{fmt}?lang=tr")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(content_type)
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert f".{fmt}" in response.headers["Content-Disposition"]
    assert response.data.startswith(magic) and len(response.data) > 100


def test_the_auditor_reads_a_report_and_changes_nothing(live_browser, platform):
    live_browser.sign_in("programme_officer")
    report_id = make_draft(live_browser, f"{YEAR}-Q2")
    live_browser.sign_in("auditor")
    page = text(live_browser.get(f"/reports/{report_id}"))
    assert 'name="action"' not in page and "download.pdf" in page
    assert '<form method="post" action="/reports"' not in text(live_browser.get("/reports"))
    csrf = live_browser.csrf_token(f"/reports/{report_id}")
    refused = live_browser.client.post(f"/reports/{report_id}", data={"csrf_token": csrf, "action": "submit",
                                                                      "confirm": "yes"})
    assert refused.status_code == 403


def test_an_unknown_period_for_a_draft_is_shown_next_to_the_picker(live_browser, platform):
    live_browser.sign_in("programme_officer")
    token = live_browser.csrf_token("/reports")
    refused = live_browser.client.post("/reports?lang=en", data={"csrf_token": token, "period": "2026-Q9",
                                                                 "kind": "interim"})
    page = text(refused, 422)
    assert 'aria-describedby="period-errors"' in page


# --- streams ------------------------------------------------------------------------------------------------

def test_the_streams_page_shows_the_public_topics_fields_and_an_example(live_browser, platform):
    live_browser.sign_in("chamber_admin", org=platform["Keşan TSO"])
    page = html.unescape(text(live_browser.get("/streams")))
    for topic in ("tvp.public.members.v1", "tvp.public.meetings.v1", "tvp.public.reports.v1"):
        assert f'id="{topic}"' in page
    assert "tvp.members.organisation" not in page.replace("tr.tvp.members.organisation.published", "")  # internal
    assert "<code>tr.tvp.events.meeting.published.v1</code>" in page
    assert "<code>host_organisation_id</code>" in page and "<code>aggregateversion</code>" in page
    assert "PublicQuorumPayload alanları" in page and "<code>seated</code>" in page  # an object inside a payload
    assert '"type": "tr.tvp.reporting.report.published.v1"' in page  # the example record
    assert "tvp subscribe tvp.public.meetings.v1" in page and "Nasıl abone olunur" in page
    document = live_browser.get("/streams/asyncapi.json")
    assert document.status_code == 200 and document.get_json()["channels"]["tvp.public.reports.v1"]
