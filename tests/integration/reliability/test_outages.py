"""MongoDB unreachable or stalled: 503 with Retry-After in the contract's body within 5 s; Kafka down: writes go on.

A private SecantusDB per test (the session's database is shared and must never be stopped).
"""
from __future__ import annotations

import signal
import time
import uuid

import pytest

from infra import embedded

ORG = {"name": "Çerkezköy TSO", "kind": "chamber", "province": "Tekirdağ"}


@pytest.fixture
def private_mongo(tmp_path):
    port = embedded.free_port()
    process = embedded.embedded_mongo(port, tmp_path / "db", tmp_path / "log").start()
    embedded.wait_for_mongo(process, port)
    yield process, embedded.mongo_uri(port)
    if process.alive:
        process.signal(signal.SIGCONT)
    process.stop()


def _client(settings_for, mongo_uri, service="members"):
    from services.members import create_app

    app = create_app(settings_for(service, mongo_uri=mongo_uri))
    app.config["TESTING"] = True
    return app.test_client()


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _assert_503(response, seconds):
    assert response.status_code == 503, response.get_data(as_text=True)
    assert seconds < 5.0, f"answered after {seconds:.1f} s"
    assert response.headers["Retry-After"].isdigit()
    assert response.json["code"] == 503 and response.json["status"] == "Service Unavailable"
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_a_stalled_database_is_answered_503_within_5_s_and_a_keyed_retry_after_it_writes_once(
        private_mongo, settings_for, token):
    process, uri = private_mongo
    client = _client(settings_for, uri)
    assert client.post("/api/v1/organisations", json=ORG, headers=token()).status_code == 201
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = {**ORG, "name": "Keşan TSO"}
    process.signal(signal.SIGSTOP)
    try:
        write, write_s = _timed(lambda: client.post("/api/v1/organisations", json=body, headers={**token(), **key}))
        read, read_s = _timed(lambda: client.get("/api/v1/organisations", headers=token()))
        ready, ready_s = _timed(lambda: client.get("/readyz"))
    finally:
        process.signal(signal.SIGCONT)
    _assert_503(write, write_s)
    _assert_503(read, read_s)
    assert ready.status_code == 503 and ready_s < 5.0
    assert ready.json["failing"] == ["mongodb"] and ready.json["checks"]["mongodb"] == "unreachable"

    deadline = time.monotonic() + 20  # the stalled request's claim holds its key until its lease ends
    while True:
        retry = client.post("/api/v1/organisations", json=body, headers={**token(), **key})
        if retry.status_code != 409 and retry.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert retry.status_code == 201, retry.get_data(as_text=True)
    listed = client.get("/api/v1/organisations?q=Keşan", headers=token()).json
    assert listed["total"] == 1  # acknowledged once, whatever the stalled request had done


def test_an_unreachable_database_is_answered_503_within_5_s(private_mongo, settings_for, token):
    process, uri = private_mongo
    client = _client(settings_for, uri)
    assert client.get("/api/v1/organisations", headers=token()).status_code == 200
    process.stop()
    for call in (lambda: client.post("/api/v1/organisations", json=ORG, headers=token()),
                 lambda: client.post("/api/v1/organisations", json=ORG,
                                     headers={**token(), "Idempotency-Key": "k-1"}),
                 lambda: client.get("/api/v1/organisations", headers=token())):
        _assert_503(*_timed(call))


def test_kafka_down_never_fails_a_write(settings_for, token):
    from services.members import create_app

    app = create_app(settings_for("members", kafka_bootstrap="127.0.0.1:1"))
    response = app.test_client().post("/api/v1/organisations", json=ORG, headers=token())
    assert response.status_code == 201  # the event waits in the outbox for the relay
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503 and ready.json["failing"] == ["kafka"]
