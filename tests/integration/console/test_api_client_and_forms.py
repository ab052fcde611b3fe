"""What the console sends to the services on a user's behalf, and how an API's refusal reaches a form."""
from __future__ import annotations

import re
import threading

import jwt
import pytest
from flask import Flask, jsonify, request
from jinja2 import ChoiceLoader, DictLoader
from werkzeug.serving import make_server

from services.console import create_app
from services.console.adapters.api import ApiError
from services.console.web import api, render_form_errors

from .conftest import Browser

pytestmark = pytest.mark.integration


@pytest.fixture
def echo():
    """A stand-in service that answers what it was sent (headers), or the error format when asked."""
    app = Flask("echo")
    seen = []

    @app.route("/api/v1/echo", methods=["GET", "POST", "PUT"])
    def answer():
        seen.append(dict(request.headers))
        if request.args.get("status"):
            status = int(request.args["status"])
            return jsonify(code=status, status="Some Status", message=f"the API said {status}"), status
        if request.args.get("fail"):
            return jsonify(code=422, status="Unprocessable Entity", message="the request is invalid: name",
                           errors={"name": ["Missing data for required field."], "province": ["unknown"]}), 422
        return jsonify(ok=True), 200, {"ETag": '"v3"'}

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()
    thread.join(5)


@pytest.fixture
def echo_console(console_settings, echo):
    url, _ = echo
    app = create_app(console_settings(api_urls={"members": url, "events": url, "reporting": url}))
    app.config["TESTING"] = True

    @app.get("/try/read")
    def read():
        answer = api().get("members", "/api/v1/echo")
        return {"data": answer.data, "etag": answer.etag}

    @app.post("/try/write")
    def write():
        api().post("events", "/api/v1/echo", json={"a": 1}, idempotency_key=request.form.get("idempotency_key"))
        return "done"

    @app.get("/try/status/<int:status>")
    def status(status):
        api().get("reporting", f"/api/v1/echo?status={status}")
        return "not reached"

    @app.post("/try/form")
    def form():
        try:
            api().post("members", "/api/v1/echo?fail=1", json={})
        except ApiError as error:
            return render_form_errors("try.html", error, values=request.form)
        return "accepted"

    app.jinja_env.loader = ChoiceLoader([DictLoader({"try.html": (
        '{% from "_forms.html" import csrf, idempotency, field_errors, described_by, form_errors %}'
        '{{ form_errors(("name",)) }}{{ csrf() }}{{ idempotency() }}'
        '<input id="name" name="name"{{ described_by("name") }}>{{ field_errors("name") }}')}),
        app.jinja_env.loader])
    return Browser(app)


def test_a_read_carries_the_users_token_and_the_requests_correlation_id(echo_console, echo, key_dir):
    _, seen = echo
    echo_console.sign_in("auditor", subject="denetci")
    answer = echo_console.get("/try/read", headers={"X-Correlation-Id": "corr-console-1"})
    assert answer.get_json() == {"data": {"ok": True}, "etag": '"v3"'}
    headers = seen[-1]
    assert headers["X-Correlation-Id"] == "corr-console-1"
    assert "Idempotency-Key" not in headers
    claims = jwt.decode(headers["Authorization"].removeprefix("Bearer "),
                        (key_dir / "jwt-public.pem").read_bytes(), algorithms=["RS256"], issuer="tvp")
    assert (claims["sub"], claims["role"]) == ("denetci", "auditor")
    assert claims["exp"] - claims["iat"] <= 120  # short-lived


def test_a_write_carries_the_forms_idempotency_key(echo_console, echo):
    _, seen = echo
    echo_console.sign_in("platform_admin")
    echo_console.post_form("/try/write", {"idempotency_key": "form-key-1"}, page="/")
    assert seen[-1]["Idempotency-Key"] == "form-key-1"
    echo_console.post_form("/try/write", page="/")
    assert seen[-1]["Idempotency-Key"] and seen[-1]["Idempotency-Key"] != "form-key-1"


def test_field_errors_are_shown_next_to_their_fields_translated_where_known(echo_console):
    echo_console.sign_in("platform_admin")
    page = echo_console.post_form("/try/form", page="/")
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert 'aria-invalid="true" aria-describedby="name-errors"' in body
    assert '<ul class="field-errors" id="name-errors"><li>Bu alan zorunludur.</li></ul>' in body
    assert "province: unknown" in body  # a field the form does not show: at the top
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', body)
    assert 'name="csrf_token" value="' in body
    page = echo_console.post_form("/try/form?lang=en", page="/")
    assert "<li>This field is required.</li>" in page.get_data(as_text=True)


def test_a_form_post_without_the_csrf_token_is_refused(echo_console, echo):
    _, seen = echo
    echo_console.sign_in("platform_admin")
    before = len(seen)
    assert echo_console.client.post("/try/write").status_code == 400
    assert len(seen) == before  # nothing reached the service


@pytest.mark.parametrize("api_status, page_status, shown", [
    (404, 404, "Böyle bir sayfa ya da kayıt yok."),
    (403, 403, "Rolünüz bunu göremez ya da yapamaz."),
    (409, 409, "the API said 409"),
    (500, 502, "the API said 500"),
    (503, 503, "the API said 503"),
])
def test_an_api_error_a_view_lets_go_is_the_consoles_error_page(echo_console, api_status, page_status, shown):
    echo_console.sign_in("auditor")
    response = echo_console.get(f"/try/status/{api_status}", headers={"X-Correlation-Id": "corr-err-1"})
    assert response.status_code == page_status
    body = response.get_data(as_text=True)
    assert shown in body and "corr-err-1" in body and "<main" in body


def test_a_service_that_does_not_answer_is_a_503_page(console_settings):
    app = create_app(console_settings(api_urls={"members": "http://127.0.0.1:9", "events": "http://127.0.0.1:9",
                                                "reporting": "http://127.0.0.1:9"}))

    @app.get("/try/down")
    def down():
        api().get("members", "/api/v1/organisations")
        return "not reached"

    browser = Browser(app)
    browser.sign_in("auditor")
    response = browser.get("/try/down?lang=en")
    assert response.status_code == 503
    assert "the members service did not answer" in response.get_data(as_text=True)


def test_unknown_pages_and_forbidden_ones_are_pages_of_the_console(browser):
    browser.sign_in("auditor")
    missing = browser.get("/no-such-page")
    assert missing.status_code == 404 and "Bulunamadı" in missing.get_data(as_text=True)
    forbidden = browser.get("/health")
    assert forbidden.status_code == 403 and "İzin verilmiyor" in forbidden.get_data(as_text=True)
    expired = browser.client.post("/logout", data={"csrf_token": "made-up"})
    assert expired.status_code == 400 and "Sayfayı yeniden yükleyin" in expired.get_data(as_text=True)
