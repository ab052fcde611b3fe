"""Through gunicorn, on all three services (issue 16, items 1 and 7): every forged claim is a 401 in the
contract's JSON body, and no answer names its server, the app's or gunicorn's own (a request line gunicorn
refuses before the app sees it)."""
from __future__ import annotations

import socket

import pytest
import requests

from infra.embedded import free_port, service_processes, wait_ready

from ..support.forged import FORGED_CLAIMS, forged_token
from ..support.workers import worker_env

# The web processes alone: no worker publishes or consumes, and the assertions read nothing from the broker.
pytestmark = [pytest.mark.e2e, pytest.mark.session_broker]
PATHS = {"members": "/api/v1/people", "events": "/api/v1/meetings", "reporting": "/api/v1/indicators?period=2026"}


@pytest.fixture(scope="module")
def webs(servers, key_dir, tmp_path_factory):
    """The three services' web processes under gunicorn (one worker each; no event workers needed)."""
    tmp = tmp_path_factory.mktemp("forged")
    env = worker_env(servers, key_dir, tmp, {name: f"f{free_port()}_{name}" for name in PATHS})
    ports = {name: free_port() for name in PATHS}
    processes = {name: service_processes(name, port, env, tmp / "log", web_workers=1)[0]
                 for name, port in ports.items()}
    try:
        for process in processes.values():
            process.start()
        for name, process in processes.items():
            wait_ready(process, ports[name])
        yield {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    finally:
        for process in processes.values():
            process.stop()


def test_forged_claims_are_401_on_every_service(webs, key_dir, issuer):
    private = (key_dir / "jwt-private.pem").read_bytes()
    cases = 0
    for service, url in webs.items():
        for name, claims in FORGED_CLAIMS.items():
            response = requests.get(url + PATHS[service], timeout=10,
                                    headers={"Authorization": f"Bearer {forged_token(private, claims)}"})
            assert response.status_code == 401, (service, name, response.text)
            assert response.json()["code"] == 401 and response.json()["status"] == "Unauthorized"
            assert response.headers["Cache-Control"] == "no-store"
            cases += 1
        admin = {"Authorization": f"Bearer {issuer.issue('platform_admin', subject='e2e')}"}
        assert requests.get(url + PATHS[service], headers=admin, timeout=10).status_code == 200
    print(f"\nforged claims: {cases} cases, all 401")


def test_no_answer_names_its_server_and_none_may_be_sniffed(webs):
    for url in webs.values():
        for path in ("/healthz", "/readyz", "/api/v1/openapi.json", "/api/v1/people", "/nowhere"):
            response = requests.get(url + path, timeout=10)
            assert "Server" not in response.headers, (path, response.headers)
            assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert "127.0.0.1" not in requests.get(url + "/readyz", timeout=10).text


def _raw(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer


def test_gunicorns_own_refusals_name_no_server_either(webs):
    answer = _raw(webs["members"], b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin1").lower()
    assert head.startswith("http/1.1 4"), head
    assert "\r\nserver:" not in head and "x-content-type-options: nosniff" in head
    assert b'"code": 4' in answer
