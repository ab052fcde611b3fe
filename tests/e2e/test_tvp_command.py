"""`tvp up` as a user runs it: own servers, readiness, data kept across runs, clean stop, clear errors."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from infra.embedded import free_port, port_is_free

pytestmark = pytest.mark.e2e
TVP = str(Path(sys.executable).with_name("tvp"))


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TVP_")}
    env.update(TVP_VAR_DIR=str(tmp_path / "var"), TVP_EMBEDDED_MONGO_PORT=str(free_port()),
               TVP_EMBEDDED_KAFKA_PORT=str(free_port()), TVP_MEMBERS_PORT=str(free_port()),
               TVP_EVENTS_PORT=str(free_port()), TVP_REPORTING_PORT=str(free_port()))
    env.update(extra)
    return env


class Up:
    def __init__(self, env):
        self.env = env
        self.proc = subprocess.Popen([TVP, "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        self.lines = []

    def wait_for(self, text, timeout_s=90):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line and self.proc.poll() is not None:
                break
            self.lines.append(line.rstrip())
            if text in line:
                return line
        raise AssertionError(f"no {text!r} in: {self.lines}")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(60)


def test_up_runs_keeps_data_and_stops_cleanly(tmp_path):
    env = _env(tmp_path)
    members = f"http://127.0.0.1:{env['TVP_MEMBERS_PORT']}"
    up = Up(env)
    try:
        up.wait_for("ready in")
        token = up.wait_for("admin token").split(": ", 1)[1].strip()
        for port in (env["TVP_MEMBERS_PORT"], env["TVP_EVENTS_PORT"], env["TVP_REPORTING_PORT"]):
            assert requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
        created = requests.post(f"{members}/api/v1/organisations", headers={"Authorization": f"Bearer {token}"},
                                json={"name": "Tekirdağ TSO", "kind": "chamber", "province": "tekirdag"}, timeout=10)
        assert created.status_code == 201
        time.sleep(1)  # let the relay log it
    finally:
        assert up.stop() == 0
    # Nothing was left behind: every port is free again.
    for name in ("TVP_MEMBERS_PORT", "TVP_EVENTS_PORT", "TVP_REPORTING_PORT", "TVP_EMBEDDED_MONGO_PORT",
                 "TVP_EMBEDDED_KAFKA_PORT"):
        assert port_is_free(int(env[name])), name

    again = Up(env)
    try:
        replayed = again.wait_for("event logs replayed")
        assert "members 1" in replayed
        again.wait_for("ready in")
        token = again.wait_for("admin token").split(": ", 1)[1].strip()
        found = requests.get(f"{members}/api/v1/organisations/{created.json()['id']}",
                             headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert found.status_code == 200 and found.json()["province"] == "Tekirdağ"
    finally:
        assert again.stop() == 0


def test_a_taken_port_is_one_line_and_a_non_zero_exit(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        env = _env(tmp_path, TVP_EMBEDDED_MONGO_PORT=str(holder.getsockname()[1]))
        result = subprocess.run([TVP, "up"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("tvp: SecantusDB: port") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr + result.stdout


def test_token_command(tmp_path):
    env = _env(tmp_path)
    ok = subprocess.run([TVP, "token", "--role", "auditor"], env=env, capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0 and ok.stdout.count(".") == 2
    bad = subprocess.run([TVP, "token", "--role", "chamber_admin"], env=env, capture_output=True, text=True,
                         timeout=30)
    assert bad.returncode == 1 and bad.stderr.startswith("tvp: ") and "--org" in bad.stderr


def test_up_uses_existing_servers_and_starts_none_of_its_own(tmp_path, servers):
    env = _env(tmp_path, TVP_MONGO_URI=servers.mongo_uri, TVP_KAFKA_BOOTSTRAP=servers.kafka_bootstrap)
    up = Up(env)
    try:
        assert "using" in up.wait_for("MongoDB:") and "using" in up.wait_for("Kafka:")
        up.wait_for("ready in")
        # The embedded ports were never taken, and no database was created under var/.
        assert port_is_free(int(env["TVP_EMBEDDED_MONGO_PORT"]))
        assert port_is_free(int(env["TVP_EMBEDDED_KAFKA_PORT"]))
        assert not (tmp_path / "var" / "mongodb").exists()
        assert requests.get(f"http://127.0.0.1:{env['TVP_EVENTS_PORT']}/readyz", timeout=5).status_code == 200
    finally:
        assert up.stop() == 0
