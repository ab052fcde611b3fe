"""Request limits in the contract's JSON body (shared/web/limits.py) and gunicorn's own errors in JSON."""
from __future__ import annotations

import json

import pytest
from flask import Flask, jsonify, request

from infra.gunicorn_errors import json_error
from shared.web import errors, limits


@pytest.fixture
def client():
    app = Flask(__name__)
    errors.init_app(app)
    limits.init_app(app)

    @app.route("/api/v1/echo", methods=["GET", "POST"])
    def echo():
        return jsonify(request.get_json(silent=True))

    return app.test_client()


def test_json_depth_counts_nesting_but_not_brackets_inside_strings():
    assert limits.json_depth(b'{"a": [1, {"b": 2}]}') == 3
    assert limits.json_depth(b'{"a": "[[[[{{{{", "b": "\\"[["}') == 1
    assert limits.json_depth(b"1") == 0


def test_json_nested_deeper_than_32_is_422_and_32_passes(client):
    deep = b"[" * 1000 + b"]" * 1000
    response = client.post("/api/v1/echo", data=deep, content_type="application/json")
    assert response.status_code == 422 and response.json["errors"] == {"json": ["nested deeper than 32 levels"]}
    ok = client.post("/api/v1/echo", data=b"[" * 32 + b"]" * 32, content_type="application/json")
    assert ok.status_code == 200


def test_a_body_over_1_mib_is_413_in_json(client):
    response = client.post("/api/v1/echo", data=b"x" * (1024 * 1024 + 1), content_type="application/json")
    assert response.status_code == 413 and response.json["code"] == 413


def test_a_url_over_8_kib_is_414_and_headers_over_16_kib_431(client):
    long_url = client.get("/api/v1/echo?q=" + "a" * 8200)
    assert long_url.status_code == 414 and long_url.json["code"] == 414 and long_url.json["message"]
    big_headers = client.get("/api/v1/echo", headers={f"X-H{i}": "v" * 1000 for i in range(17)})
    assert big_headers.status_code == 431 and big_headers.json["code"] == 431


def test_gunicorns_own_error_is_the_contract_json():
    raw = json_error(431, "Request Header Fields Too Large", "Error parsing headers: 'limit request headers'")
    head, body = raw.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 431 ") and b"Content-Type: application/json" in head
    assert json.loads(body)["code"] == 431 and json.loads(body)["status"] == "Request Header Fields Too Large"
