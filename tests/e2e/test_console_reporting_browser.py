"""The console's reporting pages in a real chromium (tests/support/browser.py): indicators, expenditures,
reports (list, a draft's preview, the submit confirmation), streams; each in Turkish and English at 1280 px,
axe-core finding no serious or critical violation, a screenshot of each, nothing fetched beyond this machine
and nothing refused by the Content-Security-Policy.

One stack for the module: the three services and the console answer HTTP from threads of this process, on
this test's databases (the services' own rules hold: the console calls them with the signed-in user's token).
"""
from __future__ import annotations

import threading
from datetime import datetime

import pytest
import requests
from werkzeug.serving import make_server

from services.console import create_app as console_app
from services.console.config import load_console_settings
from services.console.login_codes import mint
from shared.config import PLATFORM_ZONE

from ..support.browser import leaving_host, watch_console_errors, watch_requests

pytestmark = [pytest.mark.e2e, pytest.mark.session_broker, pytest.mark.browser]

YEAR = datetime.now(PLATFORM_ZONE).year
LANGUAGES = ("tr", "en")


class Served:
    """A WSGI app answering on a free port from a thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def stack(settings_for, issuer):
    """The services and the console; a programme with targets, an expenditure and a draft report."""
    from services.events import create_app as events_app
    from services.members import create_app as members_app
    from services.reporting import create_app as reporting_app

    services = {name: Served(factory(settings_for(name))) for name, factory in (
        ("members", members_app), ("events", events_app), ("reporting", reporting_app))}
    console = console_app(load_console_settings(settings_for("console"),
                                                api_urls={name: s.url for name, s in services.items()}))
    served_console = Served(console)
    reporting = services["reporting"].url
    admin = {"Authorization": f"Bearer {issuer.issue('platform_admin', subject='setup')}"}
    assert requests.put(f"{reporting}/api/v1/programme", headers=admin, timeout=10, json={
        "name": "Thrace's Efficient SMEs", "start_date": f"{YEAR - 1}-01-01", "end_date": f"{YEAR + 1}-12-31",
        "eu_share": 90, "national_share": 10, "targets": {"OI.1": 40, "OI.3": 12, "FI.1": 250000}}).ok
    assert requests.post(f"{reporting}/api/v1/expenditures", headers=admin, timeout=10, json={
        "date": f"{YEAR}-02-12", "budget_line": "visibility", "amount": "1250.00", "currency": "EUR",
        "description": "Platform tanıtım broşürü"}).status_code == 201
    report = requests.post(f"{reporting}/api/v1/reports", headers=admin, timeout=10,
                           json={"period": f"{YEAR}-H1", "kind": "interim"})
    assert report.status_code == 201, report.text
    yield {"console": served_console.url, "report_id": report.json()["id"],
           "sign_in": lambda role: f"{served_console.url}/login/{mint(console.extensions['tvp_console'].issuer, role, None, None)}"}
    served_console.stop()
    for server in services.values():
        server.stop()


def visit(page, url: str, heading: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert heading in page.locator("h1").inner_text()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reporting_page_in_chromium(stack, new_context, axe_check, screenshot, lang):
    page = new_context(width=1280, lang=lang).new_page()
    seen, errors = watch_requests(page), watch_console_errors(page)
    page.goto(stack["sign_in"]("platform_admin"))
    console, report_id = stack["console"], stack["report_id"]
    headings = {"tr": ("Göstergeler", "Harcamalar", "Raporlar", "raporu", "Akışlar"),
                "en": ("Indicators", "Expenditures", "Reports", "Report", "Streams")}[lang]
    pages = [("indicators", f"/indicators?period={YEAR}&lang={lang}", headings[0]),
             ("expenditures", f"/expenditures?lang={lang}", headings[1]),
             ("reports", f"/reports?lang={lang}", headings[2]),
             ("report", f"/reports/{report_id}?lang={lang}", headings[3]),
             ("streams", f"/streams?lang={lang}", headings[4])]
    for name, path, heading in pages:
        visit(page, console + path, heading)
        if name == "streams":
            page.locator("details.example summary").first.click()  # an example open: its contents checked too
        axe_check(page, f"console {name}")
        screenshot(page, f"console-{name}", lang)
    # The submit confirmation: the button on the report's page, then the page that asks.
    visit(page, f"{console}/reports/{report_id}", headings[3])
    page.locator("button[name=action][value=submit]").click()
    page.locator("button[name=confirm][value=yes]").wait_for()
    axe_check(page, "console report submit confirmation")
    screenshot(page, "console-report-confirm", lang)
    assert page.locator("code.digest").inner_text().strip().isalnum()
    assert not leaving_host(seen), "a reporting page asked the internet for something"
    assert not [e for e in errors if "Content Security Policy" in e], errors
