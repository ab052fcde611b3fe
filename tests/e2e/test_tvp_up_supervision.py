"""`tvp up` heals itself: a process killed with -9 is started again (an in-memory broker with the event logs
replayed), the data is still there, status counts it."""
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from infra.embedded import preferred_broker
from infra.runfile import pid_alive

from .test_tvp_command import TVP, Up, _env

# A whole `tvp up` stack (or the fault suite's) per test, with boot timeouts: under pytest-xdist these files run
# one after another on one worker (tests/support/parallel.py), so that no two such stacks boot at once.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("whole stacks")]


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


def wait_for_log(path: Path, text: str, times: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().count(text) >= times:
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not {times} times in {path}")


@pytest.mark.parametrize("broker", ["kafka", "tansu"])
def test_killed_worker_database_and_broker_come_back_and_status_counts_the_restarts(tmp_path, broker):
    if broker == "kafka" and preferred_broker() != "kafka":
        pytest.skip("no Java or Maven here to run Apache Kafka; the Tansu case runs")
    env = _env(tmp_path, TVP_BROKER=broker)
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
        # The new worker up and running before the database goes: one that dies starting without a database is
        # restarted again, a correct heal but not the one counted below.
        wait_for_log(Path(env["TVP_VAR_DIR"]) / "log" / "members-worker.log", "worker running", times=2)
        database = process(before, "mongodb")
        os.kill(database["pid"], signal.SIGKILL)
        up.wait_for("SecantusDB restarted", timeout_s=30)

        os.kill(process(before, "kafka")["pid"], signal.SIGKILL)
        if broker == "tansu":
            # Tansu forgot every message: the event logs go back in before the workers go on.
            replayed = up.wait_for("event logs replayed into the restarted broker", timeout_s=60)
            assert "members " in replayed and "events " in replayed and "reporting " in replayed
        else:
            # Apache Kafka kept its messages under var/: it comes back with them, and nothing is replayed.
            up.wait_for("Apache Kafka restarted", timeout_s=60)

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
