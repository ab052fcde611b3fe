"""The browser harness itself (tests/support/browser.py): axe-core runs under a page's strict
Content-Security-Policy and its serious findings fail a test with a readable message; requests that
leave the machine are caught. Pages come from playwright's router: no server is started."""
from __future__ import annotations

import pytest

from ..support.browser import (
    assert_none_blocking,
    axe_violations,
    leaving_host,
    watch_console_errors,
    watch_requests,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ORIGIN = "http://127.0.0.1:9"   # never contacted: the router answers
STRICT = {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "default-src 'self'"}
FLAWED = """<!DOCTYPE html><html lang="tr"><head><title>Kusurlu sayfa</title></head><body><main>
<h1>Üyeler</h1><img src="/logo.png"><form><input type="text" name="q"></form>
<script>document.title = "inline ran";</script></main></body></html>"""


@pytest.fixture(scope="module")
def flawed_page(new_context):
    context = new_context(width=768, lang="tr")
    context.route(f"{ORIGIN}/**", lambda route: route.fulfill(
        status=200, headers=STRICT, body=FLAWED if route.request.url.endswith("/page") else b""))
    page = context.new_page()
    page.errors = watch_console_errors(page)
    page.goto(f"{ORIGIN}/page")
    return page


def test_axe_runs_under_the_pages_own_strict_policy(flawed_page, axe_source):
    assert flawed_page.title() == "Kusurlu sayfa"   # the policy held: the inline script did not run
    assert any("Content Security Policy" in e for e in flawed_page.errors)
    violations = axe_violations(flawed_page, axe_source)
    assert {"image-alt", "label"} <= {v["id"] for v in violations}


def test_serious_and_critical_findings_fail_with_rule_impact_and_element(flawed_page, axe_source):
    violations = axe_violations(flawed_page, axe_source)
    with pytest.raises(AssertionError) as failure:
        assert_none_blocking(violations, flawed_page.url)
    message = str(failure.value)
    assert "image-alt (critical)" in message and "img" in message
    assert "label (critical)" in message and "input" in message
    assert_none_blocking([v for v in violations if v["impact"] in ("moderate", "minor")], flawed_page.url)


def test_requests_beyond_this_machine_are_caught(new_context):
    page = new_context().new_page()
    seen = watch_requests(page)
    page.route("**/*", lambda route: route.fulfill(status=200, headers={"Content-Type": "text/html"},
                                                    body='<img src="https://cdn.example.org/x.png">'))
    page.goto(f"{ORIGIN}/other")
    page.wait_for_load_state("load")
    assert leaving_host(seen) == ["https://cdn.example.org/x.png"]
    assert leaving_host([f"{ORIGIN}/a", "http://localhost:8000/b", "data:image/png;base64,AA"]) == []

