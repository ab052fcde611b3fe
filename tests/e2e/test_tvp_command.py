"""`tvp up` as a user runs it: own servers, readiness, data kept across runs, clean stop, clear errors."""
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from infra.embedded import free_port, port_is_free, preferred_broker
from shared.auth import ensure_dev_keys

# Only test_up_uses_existing_servers_and_starts_none_of_its_own asks for servers: its stack starts on empty
# databases, publishes nothing and its assertions read nothing from the broker, so the session's broker serves it.
# A whole `tvp up` stack (or the fault suite's) per test, with boot timeouts: under pytest-xdist these files run
# one after another on one worker (tests/support/parallel.py), so that no two such stacks boot at once.
pytestmark = [pytest.mark.e2e, pytest.mark.session_broker, pytest.mark.xdist_group("whole stacks")]
TVP = str(Path(sys.executable).with_name("tvp"))


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TVP_")}
    env.update(TVP_VAR_DIR=str(tmp_path / "var"), TVP_EMBEDDED_MONGO_PORT=str(free_port()),
               TVP_EMBEDDED_KAFKA_PORT=str(free_port()), TVP_MEMBERS_PORT=str(free_port()),
               TVP_EVENTS_PORT=str(free_port()), TVP_REPORTING_PORT=str(free_port()),
               TVP_CONSOLE_PORT=str(free_port()), TVP_MAIL_CATCHER_PORT=str(free_port()))
    env.update(extra)
    return env


class Up:
    """`tvp up` as a child, its output read by a thread so that a wait's deadline holds even when it is silent."""

    def __init__(self, env):
        self.env = env
        self.proc = subprocess.Popen([TVP, "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        self.lines = []
        self._output: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self._output.put(line)
        self._output.put(None)  # end of output: tvp up exited

    def wait_for(self, text, timeout_s=90):
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._output.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                self._output.put(None)
                break
            self.lines.append(line.rstrip())
            if text in line:
                return line
        raise AssertionError(f"no {text!r} in: {self.lines}")

    def rest(self, timeout_s=30) -> list[str]:
        """The lines not yet read, up to the end of the output (tvp up has exited)."""
        lines = []
        while (line := self._output.get(timeout=timeout_s)) is not None:
            lines.append(line.rstrip())
        self._output.put(None)
        return lines

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(60)


def test_up_runs_keeps_data_and_stops_cleanly(tmp_path):
    """On Tansu, the fallback broker that forgets: the second run replays the event logs into it (Apache Kafka
    keeps them: test_tvp_up_apache_kafka.py)."""
    env = _env(tmp_path, TVP_BROKER="tansu")
    members = f"http://127.0.0.1:{env['TVP_MEMBERS_PORT']}"
    up = Up(env)
    try:
        up.wait_for("ready in")
        token = up.wait_for("admin token").split(": ", 1)[1].strip()
        for port in (env["TVP_MEMBERS_PORT"], env["TVP_EVENTS_PORT"], env["TVP_REPORTING_PORT"],
                     env["TVP_CONSOLE_PORT"]):
            assert requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
        created = requests.post(f"{members}/api/v1/organisations", headers={"Authorization": f"Bearer {token}"},
                                json={"name": "Tekirdağ TSO", "kind": "chamber", "province": "tekirdag"}, timeout=10)
        assert created.status_code == 201
        time.sleep(1)  # let the relay log it
    finally:
        assert up.stop() == 0
    # Nothing was left behind: every port is free again.
    for name in ("TVP_MEMBERS_PORT", "TVP_EVENTS_PORT", "TVP_REPORTING_PORT", "TVP_CONSOLE_PORT",
                 "TVP_EMBEDDED_MONGO_PORT", "TVP_EMBEDDED_KAFKA_PORT", "TVP_MAIL_CATCHER_PORT"):
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
    assert result.stderr.startswith("error: SecantusDB: port") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr + result.stdout


def test_token_command(tmp_path):
    env = _env(tmp_path)
    refused = subprocess.run([TVP, "token", "--role", "auditor"], env=env, capture_output=True, text=True, timeout=30)
    assert refused.returncode == 1 and refused.stderr.startswith("error: no signing key at ")
    # The key pair `tvp up` makes (only it does).
    ensure_dev_keys(tmp_path / "var" / "keys" / "jwt-private.pem", tmp_path / "var" / "keys" / "jwt-public.pem")
    ok = subprocess.run([TVP, "token", "--role", "auditor"], env=env, capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0 and ok.stdout.count(".") == 2
    bad = subprocess.run([TVP, "token", "--role", "chamber_admin"], env=env, capture_output=True, text=True,
                         timeout=30)
    assert bad.returncode == 1 and bad.stderr.startswith("error: ") and "--org" in bad.stderr


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


def tvp(env, *args, timeout_s=60):
    return subprocess.run([TVP, *args], env=env, capture_output=True, text=True, timeout=timeout_s)


def test_run_json_status_logs_and_stop_of_a_running_stack(tmp_path):
    env = _env(tmp_path)
    var = tmp_path / "var"
    up = Up(env)
    try:
        up.wait_for("ready in")
        run = json.loads((var / "run.json").read_text())
        assert run["pid"] == up.proc.pid and run["var_dir"] == str(var)
        assert run["ports"] == {s: int(env[f"TVP_{s.upper()}_PORT"])
                                for s in ("members", "events", "reporting", "console")}
        assert run["mongo_uri"] == f"mongodb://127.0.0.1:{env['TVP_EMBEDDED_MONGO_PORT']}/?directConnection=true"
        assert run["kafka_bootstrap"] == f"127.0.0.1:{env['TVP_EMBEDDED_KAFKA_PORT']}"
        assert run["kafka_broker"] == preferred_broker()  # Apache Kafka wherever Java can run it
        assert run["started_at"].endswith("+00:00")
        names = ["mongodb", "kafka", "mail-catcher", "members-web", "members-worker", "events-web", "events-worker",
                 "reporting-web", "reporting-worker", "console-web"]
        assert [p["name"] for p in run["processes"]] == names
        assert all(p["restarts"] == 0 and p["pid"] > 0 for p in run["processes"])

        status = tvp(env, "status", "--json")
        assert status.returncode == 0, status.stderr
        report = json.loads(status.stdout)
        assert report["ready"] and [(p["name"], p["state"], p["ready"]) for p in report["processes"]] == [
            (name, "running", True) for name in names]

        logs = tvp(env, "logs", "members")
        assert logs.returncode == 0
        sources = {line.split("|", 1)[0].strip() for line in logs.stdout.splitlines()}
        assert sources == {"members-web", "members-worker"}, sources
        assert "worker running" in logs.stdout and "Booting worker" in logs.stdout

        second = tvp(env, "up")
        assert second.returncode == 1 and second.stderr.startswith(f"error: a stack is already running (`tvp up` "
                                                                   f"pid {up.proc.pid}")

        follower = subprocess.Popen([TVP, "logs", "events", "-f", "-n", "0"], env=env, stdout=subprocess.PIPE,
                                    text=True)
        try:
            lines = []
            reader = threading.Thread(target=lambda: lines.extend(follower.stdout), daemon=True)
            reader.start()
            # The line is written again until the follower shows it: a follower still starting (-n 0) misses
            # what came before it, and a fixed wait was too short on a loaded machine and too long on an idle one.
            deadline = time.monotonic() + 30
            while not any("a line written while following" in line for line in lines) \
                    and time.monotonic() < deadline:
                with open(tmp_path / "var" / "log" / "events-worker.log", "a") as log:
                    log.write("a line written while following\n")
                time.sleep(0.3)
            assert any(line.startswith("events-worker") and "a line written while following" in line
                       for line in lines), lines
        finally:
            follower.terminate()
            follower.wait(10)

        # Another command reads run.json: it targets this stack, and says so.
        topics = tvp(env, "topics", "create")
        assert topics.returncode == 0 and f"Kafka {run['kafka_bootstrap']} (from {var / 'run.json'}" in topics.stderr

        stopped = tvp(env, "stop")
        assert stopped.returncode == 0, stopped.stderr
        assert stopped.stdout.startswith(f"stopped `tvp up` (pid {up.proc.pid})")
        assert up.proc.wait(10) == 0
        assert not (var / "run.json").exists()
        for name in ("TVP_MEMBERS_PORT", "TVP_EMBEDDED_MONGO_PORT", "TVP_EMBEDDED_KAFKA_PORT"):
            assert port_is_free(int(env[name])), name
        after = tvp(env, "status", "--json")
        assert after.returncode == 3 and after.stderr.startswith("error: no stack is running")
    finally:
        if up.proc.poll() is None:
            up.stop()


def test_a_crash_loop_stops_the_stack_with_one_line_and_status_is_3(tmp_path):
    """A killed process is restarted (tests/e2e/test_tvp_up_supervision.py); one that keeps dying is a crash
    loop: after 5 restarts within 60 s, `tvp up` stops everything, names the process and exits 1."""
    # The restarts wait 0.05 s doubling (1.55 s in all) instead of 0.5 s doubling (15.5 s): the loop is the same.
    # On Tansu, which starts in a moment where Apache Kafka's JVM takes seconds: the loop is the supervisor's,
    # whatever the broker (test_tvp_up_supervision.py heals a killed process on both).
    env = _env(tmp_path, TVP_RESTART_BACKOFF_S="0.05", TVP_BROKER="tansu")
    run_file = tmp_path / "var" / "run.json"
    up = Up(env)

    def worker_pid() -> int:
        return next(p["pid"] for p in json.loads(run_file.read_text())["processes"] if p["name"] == "events-worker")
    try:
        up.wait_for("ready in")
        assert tvp(env, "status", "--json").returncode == 0
        for restart in range(1, 6):
            killed = worker_pid()
            os.kill(killed, signal.SIGKILL)
            up.wait_for(f"events worker restarted (restart {restart})", timeout_s=30)
            deadline = time.monotonic() + 10
            while worker_pid() == killed and time.monotonic() < deadline:
                time.sleep(0.1)
        os.kill(worker_pid(), signal.SIGKILL)
        assert up.proc.wait(60) == 1
        rest = up.rest()
        assert any(line.startswith("error: events worker is in a crash loop (5 restarts within 60s), giving up: "
                                   "killed by signal 9") for line in rest), rest
        assert not run_file.exists()
        assert tvp(env, "status").returncode == 3
    finally:
        if up.proc.poll() is None:
            up.stop()
