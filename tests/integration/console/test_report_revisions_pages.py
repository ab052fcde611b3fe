"""The console's report page for narrative, approval, revisions and the package, against the real services:
the narrative form (both languages, If-Match of the version shown), the approval block, "Create a revision"
behind a confirmation that asks for the reason, the versions list and the package download."""
from __future__ import annotations

import html
import io
import json
import re
import zipfile

import pytest

from .test_reporting_pages import YEAR, make_draft, platform, text  # noqa: F401 (platform: a fixture)

pytestmark = pytest.mark.integration

PERIOD = f"{YEAR - 1}-Q4"


def etag_of(page: str) -> str:
    return html.unescape(re.search(r'name="etag" value="([^"]*)"', page).group(1))


def narrative_form(csrf: str, etag: str, summary_tr: str, **more) -> dict:
    fields = {f"narrative.{s}.{lang}": "" for s in ("summary", "activities", "challenges", "next_steps")
              for lang in ("tr", "en")}
    return {**fields, "narrative.summary.tr": summary_tr, "narrative.summary.en": "Three workshops were held.",
            "csrf_token": csrf, "etag": etag, **more}


def test_narrative_approval_revision_versions_and_package(live_browser, platform):  # noqa: F811
    live_browser.sign_in("programme_officer")
    report_id = make_draft(live_browser, PERIOD)
    page = text(live_browser.get(f"/reports/{report_id}"))
    assert 'name="narrative.summary.tr"' in page and 'name="narrative.next_steps.en"' in page
    etag, csrf = etag_of(page), live_browser.csrf_token(f"/reports/{report_id}")
    saved = live_browser.client.post(f"/reports/{report_id}/narrative",
                                     data=narrative_form(csrf, etag, "Üç atölye düzenlendi."))
    assert saved.status_code == 302
    page = text(live_browser.get(f"/reports/{report_id}"))
    assert "Anlatı kaydedildi." in page and "Üç atölye düzenlendi." in page and etag_of(page) != etag
    # the version the form was shown with is stale now: 412, said in the page's language, the typing kept
    stale = live_browser.client.post(f"/reports/{report_id}/narrative",
                                     data=narrative_form(csrf, etag, "Eski sürümden yazılan metin"))
    stale_page = text(stale, 412)
    assert "Eski sürümden yazılan metin" in stale_page and 'role="alert"' in stale_page

    # submitted: the approval block, the narrative as text, "create a revision"
    confirm = live_browser.client.post(f"/reports/{report_id}", data={"csrf_token": csrf, "action": "submit"})
    key = re.search(r'name="idempotency_key" value="([^"]+)"', text(confirm)).group(1)
    assert live_browser.client.post(f"/reports/{report_id}", data={
        "csrf_token": csrf, "action": "submit", "confirm": "yes", "idempotency_key": key}).status_code == 302
    page = text(live_browser.get(f"/reports/{report_id}"))
    assert 'id="approval"' in page and "programme officer" in page.lower() or "program sorumlusu" in page.lower()
    assert 'name="narrative.summary.tr"' not in page and "Üç atölye düzenlendi." in page
    assert "Revizyon oluştur" in page and f"/reports/{report_id}/package.zip" in page

    # the revision: its confirmation asks for the reason; without one the API's 422 is shown
    asked = text(live_browser.client.post(f"/reports/{report_id}/revisions", data={"csrf_token": csrf}))
    assert '<textarea id="reason" name="reason"' in asked
    key = re.search(r'name="idempotency_key" value="([^"]+)"', asked).group(1)
    refused = live_browser.client.post(f"/reports/{report_id}/revisions", data={
        "csrf_token": csrf, "confirm": "yes", "reason": " ", "idempotency_key": key + "-blank"})
    assert refused.status_code == 422 and 'role="alert"' in text(refused, 422)
    made = live_browser.client.post(f"/reports/{report_id}/revisions", data={
        "csrf_token": csrf, "confirm": "yes", "reason": "Bir fatura iki kez girilmiş.", "idempotency_key": key})
    assert made.status_code == 302
    revision_id = made.headers["Location"].rsplit("/", 1)[-1]
    revision = text(live_browser.get(f"/reports/{revision_id}"))
    assert "2. revizyon taslak olarak oluşturuldu" in revision and 'id="corrects"' in revision
    assert "Bir fatura iki kez girilmiş." in revision and f'href="/reports/{report_id}"' in revision
    versions = re.search(r'<table id="versions">(.*?)</table>', revision, re.S).group(1)
    assert versions.count("<tr") == 3 and 'aria-current="page"' in versions
    assert 'name="narrative.summary.tr"' in revision  # a draft again: its narrative can be corrected
    # the corrected version offers no second revision (only the latest version can be revised)
    assert "Revizyon oluştur" not in text(live_browser.get(f"/reports/{report_id}"))

    # an auditor downloads the package; no form is offered
    live_browser.sign_in("auditor")
    page = text(live_browser.get(f"/reports/{report_id}"))
    assert "Revizyon oluştur" not in page and 'name="narrative.' not in page
    package = live_browser.get(f"/reports/{report_id}/package.zip")
    assert package.status_code == 200 and package.headers["Content-Type"] == "application/zip"
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(package.data)).read("manifest.json"))
    assert manifest["report_id"] == report_id and manifest["revision"] == 1
