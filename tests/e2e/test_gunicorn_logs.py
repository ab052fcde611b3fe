"""Under gunicorn, every line a web process writes is JSON, and each service has its own control socket."""
from __future__ import annotations

import json

import pytest
import requests

from infra.embedded import free_port, service_processes, wait_ready

from ..support.workers import worker_env

# Web processes only, no worker: nothing is consumed or published, so the session's broker serves.
pytestmark = [pytest.mark.e2e, pytest.mark.session_broker]


def test_two_services_from_one_directory_log_json_and_keep_their_own_control_sockets(servers, key_dir, tmp_path,
                                                                                      run_id, issuer):
    env = worker_env(servers, key_dir, tmp_path, {"members": f"t{run_id}_members", "events": f"t{run_id}_events"})
    ports = {"members": free_port(), "events": free_port()}
    webs = {name: service_processes(name, port, env, tmp_path / "log", web_workers=1)[0]
            for name, port in ports.items()}
    try:
        for web in webs.values():
            web.start()
        for name, web in webs.items():
            wait_ready(web, ports[name])
        sockets = sorted(p.name for p in (tmp_path / "run").glob("*.ctl"))
        assert sockets == sorted(f"{name}-{port}.ctl" for name, port in ports.items())
        headers = {"Authorization": f"Bearer {issuer.issue('platform_admin', subject='log-reader')}"}
        response = requests.get(f"http://127.0.0.1:{ports['members']}/api/v1/organisations", headers=headers,
                                timeout=10)
        assert response.status_code == 200
    finally:
        for web in webs.values():
            web.stop()

    lines = (tmp_path / "log" / "members-web.log").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]   # fails on any line that is not JSON
    gunicorn = [r for r in records if r["logger"] == "gunicorn.error"]
    assert any(r["message"].startswith("Starting gunicorn") for r in gunicorn)
    assert any(r["message"].startswith("Booting worker") for r in gunicorn)
    assert all(r["service"] == "members" for r in records)
    access = [r for r in records if r["logger"] == "tvp.access" and r["route"] == "/api/v1/organisations"]
    assert len(access) == 1
    assert not [r for r in records if r["logger"] == "gunicorn.access"], "one access line per request: the app's"
    assert (access[0]["sub"], access[0]["status"]) == ("log-reader", 200)
    assert access[0]["correlation_id"] == response.headers["X-Correlation-Id"]
    assert not [r for r in records if " ran for " in r["message"]]
