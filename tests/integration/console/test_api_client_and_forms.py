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
