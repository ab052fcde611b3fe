"""The API docs in a real browser: a service under gunicorn, its /api/v1/docs rendered by Swagger UI from the
service's own assets under its Content-Security-Policy, with nothing fetched from beyond this machine, and
axe-core finding no serious or critical violation. Also the AsyncAPI page. (tests/support/browser.py)"""
from __future__ import annotations

import pytest

from ..support.browser import leaving_host, watch_console_errors, watch_requests

# The docs publish nothing and the assertions read nothing from the broker.
pytestmark = [pytest.mark.e2e, pytest.mark.session_broker, pytest.mark.browser]


@pytest.fixture(scope="module")
def members_url(service_factory) -> str:
    return service_factory("members")[0]


@pytest.fixture(scope="module")
def docs_page(new_context, members_url):
    """/api/v1/docs opened once, at the desk's width, every request and console error of its load recorded."""
    page = new_context(width=1280, lang="en").new_page()
    page.requests, page.errors = watch_requests(page), watch_console_errors(page)
    page.response = page.goto(f"{members_url}/api/v1/docs")
    # Swagger UI has fetched openapi.json and drawn an operation: its path is on the page.
    page.locator(".opblock-summary-path", has_text="/api/v1/organisations").first.wait_for()
    return page


def test_swagger_ui_renders_the_operations_from_the_service_alone(docs_page, members_url):
    assert docs_page.response.status == 200
    assert docs_page.response.headers["content-security-policy"].startswith("default-src 'self'")
    paths = docs_page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/organisations" in [p.strip().replace("\u200b", "") for p in paths]
    assert len(paths) >= 10, paths
    assert docs_page.title() == "TVP Members API"
    assert "Members API" in docs_page.locator(".info .title").inner_text()
    requested = [url for url in docs_page.requests if not url.startswith("data:")]
    assert f"{members_url}/api/v1/openapi.json" in requested
    assert {url.rsplit("/", 1)[-1] for url in requested} >= {"swagger-ui-bundle.js", "swagger-initializer.js",
                                                             "swagger-ui.css"}
    assert not leaving_host(docs_page.requests), "the docs page asked the internet for something"
    # Nothing the policy refused: Swagger UI works under `default-src 'self'` as served.
    assert not [e for e in docs_page.errors if "Content Security Policy" in e], docs_page.errors


def open_organisations_list(page):
    """The list of organisations opened (its parameters, enum selects among them, and responses shown)."""
    operation = page.locator(".opblock-get", has=page.locator(".opblock-summary-path",
                                                              has_text="/api/v1/organisations")).first
    if not operation.locator(".responses-wrapper").count():
        operation.locator(".opblock-summary-control").click()
    operation.locator(".responses-wrapper").wait_for()
    return operation


def test_an_operation_opens_with_its_parameters_and_responses(docs_page):
    operation = open_organisations_list(docs_page)
    assert operation.locator("tr[data-param-name='province']").count() == 1
    assert "200" in operation.locator(".responses-table").first.inner_text()
    assert not leaving_host(docs_page.requests)


def test_the_docs_page_has_no_serious_accessibility_violation(docs_page, axe_check, screenshot):
    open_organisations_list(docs_page)   # its controls are checked too
    axe_check(docs_page, "api docs (Swagger UI)")
    assert screenshot(docs_page, "api-docs", "en").stat().st_size > 10_000


def test_the_asyncapi_page_has_no_serious_accessibility_violation(new_context, members_url, axe_check, screenshot):
    page = new_context(width=768, lang="en").new_page()
    requests = watch_requests(page)
    assert page.goto(f"{members_url}/api/v1/asyncapi").status == 200
    assert page.locator("h2, h3").count() > 5
    axe_check(page, "asyncapi page")
    screenshot(page, "asyncapi", "en")
    assert not leaving_host(requests)
