"""OpenID Connect sign-in against a small provider the test starts (tests/support/oidc_provider.py)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from services.console import create_app
from services.console.adapters.store import SESSIONS
from services.console.config import OidcSettings
from services.console.sessions import COOKIE

from ...support.oidc_provider import OidcProvider
from .conftest import Browser

pytestmark = pytest.mark.integration


@pytest.fixture
def provider():
    running = OidcProvider()
    yield running
    running.stop()


@pytest.fixture
def oidc_browser(console_settings, provider):
    settings = console_settings(oidc=OidcSettings(issuer=provider.issuer, client_id=provider.client_id,
                                                  client_secret=provider.client_secret))
    app = create_app(settings)
    app.config["TESTING"] = True
    return Browser(app)


def sign_in_through(browser: Browser, provider: OidcProvider):
    """What the browser does: the button's POST, the provider's authorize page, back to the callback."""
    start = browser.post_form("/oidc/login")
    assert start.status_code == 302
    authorize = start.headers["Location"]
    assert authorize.startswith(f"{provider.issuer}/authorize?")
    back = requests.get(authorize, allow_redirects=False, timeout=5)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    return browser.get(f"{callback.path}?{callback.query}")


def test_the_login_page_offers_the_organisations_account(oidc_browser):
    page = oidc_browser.get("/login").get_data(as_text=True)
    assert 'action="/oidc/login"' in page


def test_a_platform_admin_of_the_provider_signs_in(oidc_browser, provider):
    provider.next_user = {"sub": "ayse.yilmaz", "tvp_role": "platform_admin"}
    response = sign_in_through(oidc_browser, provider)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    session_id = oidc_browser.client.get_cookie(COOKIE).value
    stored = oidc_browser.app.extensions["tvp_console"].db[SESSIONS].find_one({"_id": session_id})
    assert stored["data"]["user"] == {"sub": "ayse.yilmaz", "role": "platform_admin", "org": None, "via": "oidc"}
    assert "ayse.yilmaz" in oidc_browser.get("/").get_data(as_text=True)


def test_a_chamber_admin_brings_its_organisation(oidc_browser, provider):
    provider.next_user = {"sub": "kesan.admin", "tvp_role": "chamber_admin", "tvp_org": "org-kesan"}
    assert sign_in_through(oidc_browser, provider).status_code == 302
    session_id = oidc_browser.client.get_cookie(COOKIE).value
    user = oidc_browser.app.extensions["tvp_console"].db[SESSIONS].find_one({"_id": session_id})["data"]["user"]
    assert (user["role"], user["org"]) == ("chamber_admin", "org-kesan")


@pytest.mark.parametrize("claims", [
    {"sub": "visitor"},                                              # no role at all
    {"sub": "visitor", "tvp_role": "superuser"},                     # no role of the platform
    {"sub": "visitor", "tvp_role": "chamber_admin"},                 # a chamber admin without its chamber
    {"sub": "visitor", "tvp_role": "auditor", "tvp_org": {"$ne": None}},  # a claim of the wrong shape
])
def test_an_account_without_a_valid_console_role_is_not_signed_in(oidc_browser, provider, claims):
    provider.next_user = claims
    response = sign_in_through(oidc_browser, provider)
    assert response.status_code == 403
    assert oidc_browser.get("/").status_code == 302


def test_a_forged_callback_is_refused(oidc_browser, provider):
    oidc_browser.post_form("/oidc/login")  # a real state in the session, but not this one
    response = oidc_browser.get("/oidc/callback?code=made-up&state=made-up")
    assert response.status_code == 400
    assert oidc_browser.get("/").status_code == 302


def test_the_button_needs_the_csrf_token(oidc_browser):
    assert oidc_browser.client.post("/oidc/login").status_code == 400


def test_without_a_provider_configured_there_is_no_oidc_sign_in(browser):
    assert 'action="/oidc/login"' not in browser.get("/login").get_data(as_text=True)
    browser.sign_in()
    assert browser.post_form("/oidc/login", page="/").status_code == 404
