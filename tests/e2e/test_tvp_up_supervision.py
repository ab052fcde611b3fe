"""`tvp up` heals itself: a process killed with -9 is started again (an in-memory broker with the event logs
replayed), the data is still there, status counts it."""
import json
import os
import signal
import subprocess
import time

import pytest
import requests

from infra.runfile import pid_alive

from .test_tvp_command import TVP, Up, _env

pytestmark = pytest.mark.e2e


def status(env) -> tuple[int, dict]:
    result = subprocess.run([TVP, "status", "--json"], env=env, capture_output=True, text=True, timeout=30)
    return result.returncode, json.loads(result.stdout)


def process(report: dict, name: str) -> dict:
    return next(p for p in report["processes"] if p["name"] == name)


def wait_until_ready_again(env, timeout_s: float = 60) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        code, report = status(env)
        if code == 0:
            return report
        time.sleep(0.5)
    raise AssertionError(f"not ready again after {timeout_s}s: {report}")


def test_killed_worker_database_and_broker_come_back_and_status_counts_the_restarts(tmp_path):
    # Tansu: the broker that forgets its messages, so a restart must replay the event logs (Apache Kafka, the
    # default since issue 14, keeps them and prints no replay line, which this test would wait for forever).
    env = _env(tmp_path, TVP_BROKER="tansu")
    members = f"http://127.0.0.1:{env['TVP_MEMBERS_PORT']}"
    up = Up(env)
    try:
        up.wait_for("ready in")
        auth = {"Authorization": "Bearer " + up.wait_for("admin token").split(": ", 1)[1].strip()}
        code, before = status(env)
        assert code == 0 and all(p["restarts"] == 0 for p in before["processes"])

        worker = process(before, "members-worker")
        os.kill(worker["pid"], signal.SIGKILL)
        up.wait_for("members worker restarted", timeout_s=30)
        database = process(before, "mongodb")
        os.kill(database["pid"], signal.SIGKILL)
        up.wait_for("SecantusDB restarted", timeout_s=30)

        broker = process(before, "kafka")
        os.kill(broker["pid"], signal.SIGKILL)
        replayed = up.wait_for("event logs replayed into the restarted broker", timeout_s=60)
        assert "members " in replayed and "events " in replayed and "reporting " in replayed

        after = wait_until_ready_again(env)
        assert process(after, "members-worker")["restarts"] == 1
        assert process(after, "members-worker")["pid"] != worker["pid"]
        assert process(after, "mongodb")["restarts"] == 1
        assert process(after, "kafka")["restarts"] == 1
        assert process(after, "members-web")["restarts"] == 0
        assert process(after, "mongodb")["uptime_s"] < process(after, "members-web")["uptime_s"]
        assert not pid_alive(worker["pid"]) and not pid_alive(database["pid"])

        created = requests.post(f"{members}/api/v1/organisations", headers=auth,
                                json={"name": "Kırklareli TSO", "kind": "chamber", "province": "kirklareli"},
                                timeout=10)
        assert created.status_code == 201, created.text
        table = subprocess.run([TVP, "status"], env=env, capture_output=True, text=True, timeout=30)
        assert table.returncode == 0 and "restarts" in table.stdout
    finally:
        assert up.stop() == 0
