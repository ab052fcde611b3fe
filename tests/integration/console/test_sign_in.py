"""Sign-in with a one-time link: it starts a session once, never twice, never after 10 minutes; /logout ends it."""
from __future__ import annotations

import time

import pytest

from services.console.adapters.store import SESSIONS
from services.console.sessions import COOKIE

pytestmark = pytest.mark.integration


def session_cookie(browser):
    return browser.client.get_cookie(COOKIE)


def test_a_page_without_a_session_sends_the_visitor_to_the_login_page(browser, console_app):
    response = browser.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    page = browser.get("/login").get_data(as_text=True)
    assert "tvp login-link --role platform_admin" in page
    # Visiting the login page leaves no session behind (no cookie, nothing stored).
    assert session_cookie(browser) is None
    assert console_app.extensions["tvp_console"].db[SESSIONS].count_documents({}) == 0


def test_a_link_signs_in_once_and_the_cookie_holds_only_a_session_id(browser, console_app):
    code = browser.link_code("platform_admin", subject="ayse")
    response = browser.get(f"/login/{code}")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = session_cookie(browser)
    assert cookie.http_only and cookie.same_site == "Lax"
    assert "ayse" not in cookie.value and "." not in cookie.value  # a random id, no signed data
    stored = console_app.extensions["tvp_console"].db[SESSIONS].find_one({"_id": cookie.value})
    assert stored["data"]["user"] == {"sub": "ayse", "role": "platform_admin", "org": None, "via": "link"}
    dashboard = browser.get("/")
    assert dashboard.status_code == 200
    assert "ayse" in dashboard.get_data(as_text=True)

    other = browser.client.application.test_client()
    assert other.get(f"/login/{code}").status_code == 400
    assert other.get("/").status_code == 302  # the second visitor has no session of the user


def test_an_expired_link_is_refused(browser):
    code = browser.link_code("auditor", now=time.time() - 601)
    response = browser.get(f"/login/{code}")
    assert response.status_code == 400
    assert browser.get("/").status_code == 302


def test_a_forged_or_foreign_code_is_refused(browser, issuer):
    # A bearer token of the platform (no audience) is not a sign-in code.
    assert browser.get(f"/login/{issuer.issue('platform_admin')}").status_code == 400
    assert browser.get("/login/not-a-jwt").status_code == 400


def test_a_sign_in_code_is_no_bearer_token_for_the_services(browser, members_client):
    code = browser.link_code("platform_admin")
    response = members_client.get("/api/v1/organisations", headers={"Authorization": f"Bearer {code}"})
    assert response.status_code == 401


def test_sign_in_replaces_the_session_id_a_visitor_had_before(browser):
    browser.get("/login?lang=en")  # an anonymous session (language, CSRF secret)
    before = session_cookie(browser).value
    browser.sign_in()
    after = session_cookie(browser).value
    assert after != before
    assert browser.get("/").status_code == 200


def test_logout_needs_the_csrf_token_and_deletes_the_session(browser, console_app):
    browser.sign_in("programme_officer")
    session_id = session_cookie(browser).value
    assert browser.client.post("/logout").status_code == 400  # no CSRF token
    assert browser.get("/").status_code == 200

    response = browser.post_form("/logout", page="/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert console_app.extensions["tvp_console"].db[SESSIONS].find_one({"_id": session_id}) is None
    assert browser.get("/").status_code == 302
    # The old cookie, replayed, opens nothing.
    browser.client.set_cookie(COOKIE, session_id)
    assert browser.get("/").status_code == 302


def test_a_chamber_admin_link_carries_its_organisation(browser, console_app):
    browser.sign_in("chamber_admin", org="org-kesan")
    session_id = session_cookie(browser).value
    stored = console_app.extensions["tvp_console"].db[SESSIONS].find_one({"_id": session_id})
    assert stored["data"]["user"]["org"] == "org-kesan"


def test_every_answer_carries_the_content_security_policy(browser):
    for path in ("/login", "/healthz", "/static/console.css"):
        assert "default-src 'self'" in browser.get(path).headers["Content-Security-Policy"]


def test_a_link_opened_at_once_in_several_tabs_signs_in_once(browser, console_app):
    from concurrent.futures import ThreadPoolExecutor

    code = browser.link_code("platform_admin")
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda _: console_app.test_client().get(f"/login/{code}").status_code, range(6)))
    assert sorted(statuses) == [302] + [400] * 5


def test_sessions_and_used_codes_expire_by_ttl_indexes(console_app):
    db = console_app.extensions["tvp_console"].db
    for collection in (SESSIONS, "used_login_codes"):
        ttl = [index for index in db[collection].list_indexes() if "expireAfterSeconds" in index]
        assert [(dict(index["key"]), index["expireAfterSeconds"]) for index in ttl] == [({"expires_at": 1}, 0)]


def test_an_expired_session_opens_nothing_even_before_the_ttl_monitor_removes_it(browser, console_app):
    from datetime import datetime, timedelta, timezone

    browser.sign_in("auditor")
    session_id = session_cookie(browser).value
    db = console_app.extensions["tvp_console"].db
    db[SESSIONS].update_one({"_id": session_id},
                            {"$set": {"expires_at": datetime.now(timezone.utc) - timedelta(seconds=1)}})
    assert browser.get("/").status_code == 302


def test_after_sign_in_the_visitor_is_back_on_the_page_asked_for(browser):
    first = browser.get("/health")
    assert first.status_code == 302 and first.headers["Location"] == "/login?next=/health"
    browser.get(first.headers["Location"])
    response = browser.get(f"/login/{browser.link_code('platform_admin')}")
    assert response.headers["Location"] == "/health"


def test_next_never_leads_off_the_site(browser):
    for target in ("https://evil.example.org/", "//evil.example.org/", "/\\\\evil.example.org"):
        browser.get("/login", query_string={"next": target})
        response = browser.get(f"/login/{browser.link_code('auditor')}")
        assert response.headers["Location"] == "/", target
        browser.post_form("/logout", page="/")
