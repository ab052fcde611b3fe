"""The Idempotency-Key flow of shared/web/idempotency.py with fake records and a fake transaction."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from flask import Flask, jsonify

from shared.adapters.idempotency import Claimed, OtherRequest, Running, Stored
from shared.auth import Principal
from shared.messaging.outbox import ConcurrencyConflict
from shared.web import errors, idempotency


class FakeRecords:
    """In memory, with the repository's rules: first use claims, a done key replays, another request is refused."""

    def __init__(self):
        self.keys: dict = {}
        self.released: list = []

    def claim(self, subject, key, fingerprint):
        record = self.keys.get((subject, key))
        if record is None:
            self.keys[(subject, key)] = {"fingerprint": fingerprint, "state": "running", "token": "t"}
            return Claimed("t")
        if record["fingerprint"] != fingerprint:
            return OtherRequest()
        return Stored(record["response"]) if record["state"] == "done" else Running()

    def complete(self, subject, key, token, response, session):
        assert session.open, "stored inside the write's transaction"
        session.pending.append(lambda: self.keys[(subject, key)].update(state="done", response=response))

    def release(self, subject, key, token):
        self.released.append(key)
        self.keys.pop((subject, key), None)


class FakeSession:
    def __init__(self, log):
        self.open, self.pending, self.log = True, [], log


@pytest.fixture
def app(monkeypatch):
    app = Flask(__name__)
    errors.init_app(app)
    records, log, calls = FakeRecords(), [], []

    @contextmanager
    def transaction():
        session = FakeSession(log)
        try:
            yield session
        except BaseException:
            log.append("rolled back")
            raise
        for apply in session.pending:
            apply()
        log.append("committed")

    app.extensions[idempotency.EXTENSION] = idempotency.Idempotency(records, transaction)

    @app.post("/api/v1/things")
    def create():
        from flask import request

        calls.append(request.get_json())
        if request.get_json().get("conflict") and len(calls) < 3:
            raise ConcurrencyConflict("lost a race")
        if request.get_json().get("bad"):
            return jsonify(code=422), 422
        response = jsonify(id=f"thing-{len(calls)}")
        response.headers["ETag"] = f'"{len(calls)}"'
        response.headers["Location"] = f"/api/v1/things/thing-{len(calls)}"
        return response, 201

    idempotency.wrap_write_views(app)
    monkeypatch.setattr(idempotency, "authenticated_principal", lambda: Principal("alice", "platform_admin"))
    app.testing = True
    app.fakes = records, log, calls
    return app


def post(app, body, key="k1"):
    return app.test_client().post("/api/v1/things", json=body, headers={"Idempotency-Key": key} if key else {})


def test_a_replay_answers_the_stored_response_and_runs_nothing(app):
    records, log, calls = app.fakes
    first, again = post(app, {"a": 1}), post(app, {"a": 1})
    assert first.status_code == again.status_code == 201 and len(calls) == 1
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert (again.headers["ETag"], again.headers["Location"]) == (first.headers["ETag"], first.headers["Location"])
    assert log == ["committed"]


def test_the_same_body_in_another_key_order_or_spacing_is_the_same_request(app):
    client = app.test_client()
    headers = {"Idempotency-Key": "k", "Content-Type": "application/json"}
    client.post("/api/v1/things", data='{"a": 1, "b": 2}', headers=headers)
    assert client.post("/api/v1/things", data='{"b":2,"a":1}', headers=headers).headers["Idempotent-Replayed"]


def test_another_body_is_422_naming_the_header_and_a_running_key_is_409(app):
    records, _log, calls = app.fakes
    post(app, {"a": 1})
    other = post(app, {"a": 2})
    assert other.status_code == 422 and list(other.json["errors"]) == ["Idempotency-Key"]
    records.keys[("alice", "busy")] = {"fingerprint": idempotency.fingerprint("POST", "/api/v1/things", b'{"a":1}'),
                                       "state": "running"}
    busy = post(app, {"a": 1}, key="busy")
    assert busy.status_code == 409 and busy.headers["Retry-After"] and len(calls) == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "é", "\x7f"])
def test_keys_must_be_1_to_255_printable_ascii(app, key):
    response = app.test_client().post("/api/v1/things", json={}, headers={"Idempotency-Key": key})
    assert response.status_code == 422 and "Idempotency-Key" in response.json["errors"]
    assert app.fakes[2] == []


def test_an_error_answer_rolls_the_transaction_back_and_releases_the_key(app):
    records, log, calls = app.fakes
    assert post(app, {"bad": True}).status_code == 422
    assert log == ["rolled back"] and records.released == ["k1"] and records.keys == {}


def test_a_lost_race_reruns_the_whole_transaction(app):
    records, log, calls = app.fakes
    response = post(app, {"conflict": True})
    assert response.status_code == 201 and len(calls) == 3
    assert log == ["rolled back", "rolled back", "committed"]


def test_without_a_key_nothing_changes(app):
    records, log, calls = app.fakes
    assert post(app, {"a": 1}, key=None).status_code == 201 and post(app, {"a": 1}, key=None).status_code == 201
    assert len(calls) == 2 and records.keys == {} and log == []


def test_the_fingerprint_tells_method_path_and_body_apart():
    base = idempotency.fingerprint("POST", "/a", b'{"x":1}')
    assert base == idempotency.fingerprint("POST", "/a", b'{ "x" : 1 }')
    others = [("PUT", "/a", b'{"x":1}'), ("POST", "/b", b'{"x":1}'), ("POST", "/a", b'{"x":2}'),
              ("POST", "/a?x=1", b'{"x":1}')]
    assert len({base, *(idempotency.fingerprint(*other) for other in others)}) == 5
