"""The console's meetings pages in a real browser (tests/support/browser.py): every page in Turkish and English at
1280 px, the check-in page also at 768 px (a tablet at the door); axe-core finds no serious or critical
violation on any, a screenshot of each; and the check-in page works as it is meant to at the door: typing
filters the list without reloading the page, a tap records the attendance and the present count rises.

The services and the console answer HTTP from threads of this process, on databases of this module only; the
events service learns the chambers, their presidents and the Advisory Board's seats through its consumer
runtime, as its worker would from Kafka. Nothing here publishes to or reads from the broker."""
from __future__ import annotations

import uuid

import pytest

from services.console import create_app
from services.console.config import load_console_settings
from services.console.login_codes import mint
from shared.config import load_settings

from ..integration.console.conftest import Services, ThreadedServer
from ..support.browser import leaving_host, watch_console_errors, watch_requests
from ..support.meeting_seed import seed_meetings

pytestmark = [pytest.mark.e2e, pytest.mark.session_broker, pytest.mark.browser]


@pytest.fixture(scope="module")
def console(servers, key_dir, issuer, tmp_path_factory):
    """The three services and the console on free ports, with the meetings of tests/support/meeting_seed.py."""
    from services.events import create_app as events_app
    from services.members import create_app as members_app
    from services.reporting import create_app as reporting_app

    run, var_dir = uuid.uuid4().hex[:8], tmp_path_factory.mktemp("console-meetings")

    def settings(service: str):
        return load_settings(service, mongo_uri=servers.mongo_uri, kafka_bootstrap=servers.kafka_bootstrap,
                             mongo_db=f"b{run}_{service}", var_dir=var_dir, kafka_broker=servers.broker,
                             jwt_public_key_file=key_dir / "jwt-public.pem",
                             jwt_private_key_file=key_dir / "jwt-private.pem")

    services = Services({name: factory(settings(name)) for name, factory in (
        ("members", members_app), ("events", events_app), ("reporting", reporting_app))})
    app = create_app(load_console_settings(settings("console"), api_urls=services.urls))
    server = ThreadedServer(app)
    admin = {"Authorization": f"Bearer {issuer.issue('platform_admin', subject='setup')}"}
    data = seed_meetings(lambda *events: services.feed("events", *events), services.urls["events"], admin)
    yield {"url": server.url, "app": app, **data}
    server.stop()
    services.stop()


def signed_in(new_context, console, width: int, lang: str, role: str = "platform_admin"):
    """A page of a new browser context signed in as `role`, its language chosen (the session remembers it)."""
    page = new_context(width=width, lang=lang).new_page()
    code = mint(console["app"].extensions["tvp_console"].issuer, role, None, None)
    assert page.goto(f"{console['url']}/login/{code}").ok
    assert page.goto(f"{console['url']}/meetings?lang={lang}").ok
    return page


@pytest.fixture(scope="module")
def desk(new_context, console):
    return {lang: signed_in(new_context, console, 1280, lang) for lang in ("tr", "en")}


def visit(page, url: str, name: str, lang: str, axe_check, screenshot) -> None:
    requests, errors = watch_requests(page), watch_console_errors(page)
    response = page.goto(url)
    assert response.status == 200, url
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    axe_check(page, name)
    screenshot(page, name.replace(" ", "-"), lang)
    assert not leaving_host(requests), requests
    assert not [e for e in errors if "Content Security Policy" in e], errors


@pytest.mark.parametrize("lang", ["tr", "en"])
def test_every_meetings_page_is_accessible_in_both_languages(desk, console, lang, axe_check, screenshot):
    page, base = desk[lang], console["url"]
    board, workshop = console["board"]["id"], console["workshop"]["id"]
    month = console["now"].strftime("%Y-%m")
    visit(page, f"{base}/meetings", "meetings list", lang, axe_check, screenshot)
    assert page.locator("table.meetings tbody tr").count() == 2
    visit(page, f"{base}/meetings?view=calendar&month={month}", "meetings calendar", lang, axe_check, screenshot)
    assert page.locator("table.calendar a[href$='%s']" % workshop).count() == 1
    visit(page, f"{base}/meetings/new", "meeting new", lang, axe_check, screenshot)
    visit(page, f"{base}/meetings/{board}", "meeting governance", lang, axe_check, screenshot)
    assert page.locator("#invitations tbody tr").count() == 3
    visit(page, f"{base}/meetings/{workshop}", "meeting workshop", lang, axe_check, screenshot)
    visit(page, f"{base}/meetings/{board}/check-in", "meeting check-in", lang, axe_check, screenshot)
    # A lifecycle action's confirmation page, reached by its button.
    page.goto(f"{base}/meetings/{workshop}")
    page.fill("#cancel-reason", "Salon bakımda" if lang == "tr" else "The hall is closed")
    page.locator("button[name='action'][value='cancel']").click()
    page.locator("button[name='confirm'][value='yes']").wait_for()
    axe_check(page, "meeting confirm cancel")
    screenshot(page, "meeting-confirm-cancel", lang)


def test_the_check_in_page_at_the_door(new_context, console, axe_check, screenshot):
    """At 768 px: typing filters without a reload (htmx under the page's CSP), a tap records the attendance."""
    page = signed_in(new_context, console, 768, "en")
    page.goto(f"{console['url']}/meetings/{console['board']['id']}/check-in")
    axe_check(page, "meeting check-in")
    screenshot(page, "meeting-check-in-tablet", "en")
    people = page.locator("#check-in-people button.person")
    assert people.count() == 3
    page.evaluate("() => { window.notReloaded = true; }")
    page.locator("#check-in-q").press_sequentially("keş")
    page.wait_for_function("() => document.querySelectorAll('#check-in-people button.person').length === 1")
    assert "Keşan Başkanı" in people.first.inner_text()
    people.first.click()
    page.locator("#check-in-people .present-person").wait_for()
    assert "1 of 3 present" in page.locator(".present-count").inner_text()
    assert page.evaluate("() => window.notReloaded === true"), "the page reloaded: htmx did not take the request"
    box = page.locator("#check-in-people .present-person").bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300  # a large target for a finger
    axe_check(page, "meeting check-in after a tap")
    screenshot(page, "meeting-check-in-tablet-after-tap", "en")
