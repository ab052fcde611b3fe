"""What every service's app serves besides its domain: the access log, offline API docs, the AsyncAPI page.

Against the apps on the test servers (Flask test client): the members app, and all three
for the docs page; the e2e suite covers them under gunicorn.
"""
from __future__ import annotations

import io
import json
import logging
import re
from html.parser import HTMLParser

import pytest

from shared.contracts import REGISTRY


@pytest.fixture
def app(settings_for):
    from services.members import create_app

    app = create_app(settings_for("members"))
    app.config["TESTING"] = True
    return app


@pytest.fixture
def log_lines(app):
    """The JSON lines the app's own log handler writes, captured from its stream."""
    handler = logging.getLogger().handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


def test_one_json_access_line_per_request_with_route_template_and_subject(app, log_lines, token):
    client = app.test_client()
    missing = client.get("/api/v1/organisations/no-such-id", headers={**token("platform_admin", subject="ayse"),
                                                                       "X-Correlation-Id": "corr-1"})
    assert missing.status_code == 404
    anonymous = client.get("/api/v1/organisations")
    assert anonymous.status_code == 401
    client.get("/healthz", headers={"X-Correlation-Id": "corr-3"})

    access = [line for line in log_lines() if line["logger"] == "tvp.access"]
    assert len(access) == 3, access
    first, second, third = access
    assert first["method"] == "GET" and first["route"] == "/api/v1/organisations/<organisation_id>"
    assert first["status"] == 404 and first["sub"] == "ayse" and first["correlation_id"] == "corr-1"
    assert isinstance(first["duration_ms"], float) and 0 <= first["duration_ms"] < 30_000
    assert first["service"] == "members" and first["level"] == "INFO" and first["timestamp"]
    assert (second["route"], second["status"], second["sub"]) == ("/api/v1/organisations", 401, None)
    assert second["correlation_id"] == anonymous.headers["X-Correlation-Id"]
    assert (third["route"], third["status"], third["correlation_id"]) == ("/healthz", 200, "corr-3")
    unmatched = app.test_client().get("/no/such/path")
    assert unmatched.status_code == 404
    assert [line["route"] for line in log_lines() if line["logger"] == "tvp.access"][-1] is None


class _References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("service_client", ["members_client", "events_client", "reporting_client"])
def test_swagger_ui_is_served_from_local_assets(service_client, request):
    client = request.getfixturevalue(service_client)
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r"https?://", html), "the docs page must not load anything from the internet"
    urls = references(html)
    assert {url.rsplit("/", 1)[-1] for url in urls} >= {"swagger-ui.css", "swagger-ui-bundle.js",
                                                        "swagger-ui-standalone-preset.js"}
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.data) > 1000, url
    assert '"validatorUrl": null' in html   # no badge from validator.swagger.io
    # Scripts and styles from the service only: no inline script could run on the page.
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "<script>" not in html
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_the_asyncapi_document_is_also_a_page_listing_every_topic_and_message(app):
    client = app.test_client()
    document = client.get("/api/v1/asyncapi.json").json
    page = client.get("/api/v1/asyncapi")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert not [url for url in references(html) if re.match(r"(https?:)?//", url)]
    assert "<script" not in html
    topics = {spec.topic for spec in REGISTRY}
    assert topics and topics == set(document["channels"])
    for topic in topics:
        assert f'id="{topic}"' in html, topic
    for spec in REGISTRY:
        assert f'id="{spec.type}"' in html, spec.type
    # payload fields with their types and descriptions, $refs resolved
    registered = next(s for s in REGISTRY if s.type.endswith("organisation.registered.v1"))
    for field in registered.schema().fields.values():
        assert f"<code>{field.data_key or field.name}</code>" in html
    assert "string (date-time)" in html   # the envelope's `time`
