"""The dashboard against the three real services: members by kind and province, upcoming meetings, indicator
progress against targets, and (for the platform admin only) the platform's health."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import requests

from shared.config import PLATFORM_ZONE

from ...support.streams import EventStream

pytestmark = pytest.mark.integration


@pytest.fixture
def platform(services, issuer):
    """Three chambers and a company, active members as reporting and events know them from the members'
    stream; programme targets; one workshop scheduled next week, hosted by Keşan TSO."""
    stream = EventStream()
    ids = {}
    for name, kind, province, size in (("Kırklareli TSO", "chamber", "Kırklareli", None),
                                       ("Keşan TSO", "chamber", "Edirne", None),
                                       ("Çerkezköy TSO", "chamber", "Tekirdağ", None),
                                       ("Ergene Tekstil", "company", "Tekirdağ", "small")):
        ids[name], registered = stream.organisation(name, kind, province, size)
        approved = stream.membership(ids[name], at=datetime.now(PLATFORM_ZONE).isoformat())
        services.feed("reporting", registered, approved)
        services.feed("events", registered, approved)
    admin = {"Authorization": f"Bearer {issuer.issue('platform_admin', subject='setup')}"}
    year = datetime.now(PLATFORM_ZONE).year
    programme = requests.put(f"{services.urls['reporting']}/api/v1/programme", headers=admin, json={
        "name": "Thrace's Efficient SMEs", "start_date": f"{year - 1}-01-01", "end_date": f"{year + 1}-12-31",
        "eu_share": 90, "national_share": 10, "targets": {"OI.1": 8, "OI.3": 20}}, timeout=10)
    assert programme.status_code == 200, programme.text
    starts = (datetime.now(PLATFORM_ZONE) + timedelta(days=7)).replace(microsecond=0)
    meeting = requests.post(f"{services.urls['events']}/api/v1/meetings", headers=admin, json={
        "kind": "workshop", "title": "Enerji verimliliği atölyesi", "host_organisation_id": ids["Keşan TSO"],
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat(), "capacity": 40},
        timeout=10)
    assert meeting.status_code == 201, meeting.text
    return ids


def text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def table_row(page: str, header: str) -> str:
    match = re.search(r"<tr><th scope=\"row\">" + re.escape(header) + r"</th>(.*?)</tr>", page, re.S)
    assert match, f"no row {header!r}"
    return match.group(1)


def test_the_platform_admin_sees_members_meetings_progress_and_health(live_browser, platform):
    live_browser.sign_in("platform_admin")
    page = text(live_browser.get("/"))
    # Members by kind (Turkish names of the kinds) and by province, in the charts' tables.
    assert '<td class="number">3</td>' in table_row(page, "Oda")
    assert '<td class="number">1</td>' in table_row(page, "Şirket")
    assert '<td class="number">2</td>' in table_row(page, "Tekirdağ")
    assert '<td class="number">1</td>' in table_row(page, "Edirne")
    assert "4 aktif üye kuruluş" in page
    # Charts are images with a title, drawn on the server.
    assert page.count('role="img"') == 3
    assert "<title id=\"by-kind-title\">" in page
    # The upcoming workshop with its host.
    assert "Enerji verimliliği atölyesi</a>" in page and "Keşan TSO" in page
    assert re.search(r'<a href="/meetings/[0-9a-f]{32}">Enerji verimliliği atölyesi</a>', page)
    # Progress: 4 active members of a target of 8 is 50 % (Turkish percent format).
    assert "%50" in page
    # Health of the three services, all fine.
    assert "Platform sağlığı" in page
    assert page.count('class="status-ok"') == 3


def test_english_figures_and_names(live_browser, platform):
    live_browser.sign_in("platform_admin")
    page = text(live_browser.get("/?lang=en"))
    assert '<td class="number">3</td>' in table_row(page, "Chamber")
    assert "50%" in page and "Upcoming meetings" in page and "Platform health" in page


@pytest.mark.parametrize("role, org", [("auditor", None), ("programme_officer", None), ("chamber_admin", "KESAN")])
def test_other_roles_see_the_data_but_not_the_platforms_health(live_browser, platform, role, org):
    live_browser.sign_in(role, org=platform["Keşan TSO"] if org else None)
    page = text(live_browser.get("/"))
    assert "Enerji verimliliği atölyesi" in page
    assert "Platform sağlığı" not in page
    assert live_browser.get("/health").status_code == 403


def test_the_health_page_names_each_service_and_its_readiness(live_browser, platform):
    live_browser.sign_in("platform_admin")
    page = text(live_browser.get("/health"))
    for service in ("members", "events", "reporting"):
        assert f'id="{service}"' in page
    assert page.count('class="status-ok"') == 3


def test_a_service_that_does_not_answer_leaves_the_rest_of_the_page_standing(console_app, browser):
    # console_app's services are on a closed port: every panel says so, none fails the page.
    browser.sign_in("platform_admin")
    page = text(browser.get("/"))
    assert "yanıt veremedi" in page
    assert page.count('class="status-stuck"') == 3


def test_the_health_panel_refreshes_itself_as_a_fragment(live_browser, platform):
    live_browser.sign_in("platform_admin")
    page = text(live_browser.get("/"))
    assert 'hx-get="/dashboard/health" hx-trigger="every 30s" hx-swap="outerHTML"' in page
    fragment = text(live_browser.get("/dashboard/health", headers={"HX-Request": "true"}))
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    assert fragment.count('class="status-ok"') == 3


def test_the_fragment_is_for_the_platform_admin_and_a_lapsed_session_reloads_the_page(browser):
    assert browser.get("/dashboard/health", headers={"HX-Request": "true"}).status_code == 401
    assert browser.get("/dashboard/health", headers={"HX-Request": "true"}).headers["HX-Redirect"] == "/login"
    browser.sign_in("auditor")
    assert browser.get("/dashboard/health").status_code == 403
