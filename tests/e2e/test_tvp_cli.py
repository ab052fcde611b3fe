"""`tvp` as a user runs it, without MongoDB or Kafka: help, version, refusals, and status/stop read from a run.json.

The processes a run.json describes are stand-ins (`sleep`), so that killing one is deterministic."""
import json
import os
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest

from infra import runfile
from infra.embedded import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e  # a process per test: kept out of the unit suite's time budget
COMMANDS = ["up", "token", "topics", "topics create", "replay", "demo", "rebuild", "subscribe", "asyncapi",
            "status", "stop", "logs", "chamber", "chamber add", "chamber remove", "chamber show",
            "retention", "retention run", "login-link"]


def tvp(*args: str, var_dir: Path, timeout_s: float = 30, **extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TVP_")}
    env.update(TVP_VAR_DIR=str(var_dir), **extra)
    return subprocess.run([sys.executable, "-m", "infra.cli", *args], capture_output=True, text=True,
                          timeout=timeout_s, cwd=ROOT, env=env)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr
    assert lines and lines[-1].startswith("error: "), result.stderr
    return lines[-1]


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_help_has_a_description_and_an_example(command, tmp_path):
    result = tvp(*command.split(), "--help", var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    usage, _, rest = result.stdout.partition("\n\n")
    assert usage.startswith("Usage: tvp")
    assert rest.strip() and not rest.startswith("Options:"), "a description under the usage line"
    examples = result.stdout.split("Examples:", 1)[1]
    assert f"tvp {command}".strip() in examples


def test_version_is_the_package_version(tmp_path):
    result = tvp("--version", var_dir=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"tvp {metadata.version('tvp-platform')}"


def test_a_wrong_command_line_is_one_error_line(tmp_path):
    result = tvp("token", "--role", "nobody", var_dir=tmp_path)
    assert result.returncode == 2 and "nobody" in one_error_line(result)
    assert result.stderr.count("\n") == 1


def test_chamber_add_refuses_without_a_password_in_the_environment(tmp_path):
    result = tvp("chamber", "add", "kirklareli-tso", "--bootstrap", f"127.0.0.1:{free_port()}", var_dir=tmp_path)
    assert result.returncode != 0 and "TVP_KAFKA_PASSWORD" in one_error_line(result)


def test_token_refuses_without_a_key_pair_and_makes_none(tmp_path):
    result = tvp("token", "--role", "auditor", var_dir=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    line = one_error_line(result)
    assert line == (f"error: no signing key at {tmp_path / 'keys' / 'jwt-private.pem'}: start the stack with "
                    "`tvp up` first, or set TVP_JWT_PRIVATE_KEY_FILE")
    assert not (tmp_path / "keys").exists()


def test_replay_without_a_stack_needs_an_explicit_bootstrap(tmp_path):
    # An environment variable is not enough for replay: only the flag.
    result = tvp("replay", var_dir=tmp_path, TVP_KAFKA_BOOTSTRAP="127.0.0.1:9092",
                 TVP_MONGO_URI="mongodb://127.0.0.1:1/")
    assert result.returncode == 1
    line = one_error_line(result)
    assert "tvp up" in line and "--bootstrap" in line


def test_replay_with_bootstrap_prints_its_targets_first(tmp_path):
    mongo = f"mongodb://127.0.0.1:{free_port()}/?serverSelectionTimeoutMS=500"
    bootstrap = f"127.0.0.1:{free_port()}"
    result = tvp("replay", "--bootstrap", bootstrap, "--service", "members", var_dir=tmp_path, TVP_MONGO_URI=mongo,
                 TVP_MEMBERS_DB="somewhere_members")
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (f"replay: databases somewhere_members on MongoDB {mongo} ($TVP_MONGO_URI), "
                        f"Kafka {bootstrap} (--bootstrap)")
    assert result.returncode == 1 and one_error_line(result).startswith(f"error: cannot replay: MongoDB at {mongo}")
    assert len(lines) == 2


@pytest.mark.parametrize("args", [["rebuild"], ["topics", "create"], ["subscribe", "tvp.public.members.v1"],
                                  ["demo"]])
def test_commands_that_need_a_stack_say_how_to_get_one(args, tmp_path):
    result = tvp(*args, var_dir=tmp_path)
    assert result.returncode == 1
    line = one_error_line(result)
    assert "`tvp up`" in line and "--" in line


@pytest.fixture
def stand_ins():
    """Two processes to describe in a run.json."""
    processes = [subprocess.Popen(["sleep", "120"]) for _ in range(2)]
    yield processes
    for process in processes:
        process.kill()
        process.wait()


def write_run(var_dir: Path, pid: int, processes) -> None:
    runfile.write(var_dir, {
        "pid": pid, "started_at": runfile.now_iso(), "ports": {}, "mongo_uri": "mongodb://127.0.0.1:1/",
        "kafka_bootstrap": "127.0.0.1:1", "var_dir": str(var_dir),
        "processes": [{"name": f"w{n}", "kind": "worker", "pid": p.pid, "restarts": 0} for n, p in
                      enumerate(processes)]})


def test_status_is_0_when_all_are_ready_and_3_once_one_is_killed(tmp_path, stand_ins):
    write_run(tmp_path, os.getpid(), stand_ins)
    ready = tvp("status", "--json", var_dir=tmp_path)
    assert ready.returncode == 0, ready.stderr
    report = json.loads(ready.stdout)
    assert report["running"] and report["ready"]
    assert [(p["name"], p["state"], p["ready"], p["restarts"]) for p in report["processes"]] == [
        ("w0", "running", True, 0), ("w1", "running", True, 0)]
    assert all(p["uptime_s"] is not None for p in report["processes"])
    stand_ins[1].send_signal(signal.SIGKILL)
    stand_ins[1].wait()
    broken = tvp("status", "--json", var_dir=tmp_path)
    assert broken.returncode == 3
    states = {p["name"]: (p["state"], p["ready"]) for p in json.loads(broken.stdout)["processes"]}
    assert states == {"w0": ("running", True), "w1": ("dead", False)}
    assert one_error_line(broken) == "error: not ready: w1 dead"
    table = tvp("status", var_dir=tmp_path)
    assert table.returncode == 3 and "w1" in table.stdout and "dead" in table.stdout


def test_status_without_a_stack_is_3_with_a_clear_line(tmp_path):
    result = tvp("status", var_dir=tmp_path)
    assert result.returncode == 3
    assert one_error_line(result) == f"error: no stack is running (no {tmp_path / 'run.json'}): start one with `tvp up`"


def test_a_run_json_whose_tvp_up_is_dead_is_stale_and_ignored(tmp_path, stand_ins):
    gone = subprocess.Popen(["true"])
    gone.wait()
    write_run(tmp_path, gone.pid, stand_ins[:0])
    status = tvp("status", var_dir=tmp_path)
    assert status.returncode == 3 and "stale" in one_error_line(status)
    rebuild = tvp("rebuild", var_dir=tmp_path)  # never talks to the dead stack's servers
    assert rebuild.returncode == 1
    assert "ignoring stale" in rebuild.stderr and "tvp up" in one_error_line(rebuild)
    stopped = tvp("stop", var_dir=tmp_path)
    assert stopped.returncode == 0 and "stale" in stopped.stdout
    assert not (tmp_path / "run.json").exists()


def test_stop_signals_tvp_up_and_waits_for_it(tmp_path, stand_ins):
    # A stand-in for `tvp up` that takes a moment to stop after SIGTERM.
    up = subprocess.Popen([sys.executable, "-c", "import signal, sys, time\n"
                           "signal.signal(signal.SIGTERM, lambda *a: (time.sleep(1), sys.exit(0)))\n"
                           "time.sleep(120)"])
    time.sleep(0.5)
    write_run(tmp_path, up.pid, stand_ins)
    started = time.monotonic()
    result = tvp("stop", var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 1 and up.poll() == 0
    assert result.stdout.startswith(f"stopped `tvp up` (pid {up.pid})") and "w0, w1" in result.stdout


def test_run_file_is_replaced_atomically_and_removed_only_by_its_owner(tmp_path):
    runfile.write(tmp_path, {"pid": 1})
    runfile.write(tmp_path, {"pid": 2})
    assert json.loads((tmp_path / "run.json").read_text()) == {"pid": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]  # no temp file left behind
    runfile.remove(tmp_path, 1)
    assert (tmp_path / "run.json").exists()
    runfile.remove(tmp_path, 2)
    assert not (tmp_path / "run.json").exists()


def test_an_unexpected_error_is_one_line_and_its_traceback_goes_to_a_file(tmp_path):
    (tmp_path / "run.json").mkdir()  # unreadable as a file: read() treats it as no run.json
    result = tvp("asyncapi", "--output", str(tmp_path / "missing" / "dir" / "out.yaml"), var_dir=tmp_path)
    assert result.returncode == 1
    line = one_error_line(result)
    assert line.startswith("error: unexpected FileNotFoundError") and "--debug" in line
    assert "Traceback" in (tmp_path / "log" / "tvp-errors.log").read_text()
    debug = tvp("--debug", "asyncapi", "--output", str(tmp_path / "missing" / "out.yaml"), var_dir=tmp_path)
    assert "Traceback" in debug.stderr and debug.stderr.strip().splitlines()[-1].startswith("error: unexpected")
