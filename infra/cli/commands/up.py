"""`tvp up`: the whole stack on this machine, recorded in run.json while it runs."""

import os
import signal
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import click

from shared.clock import utc_now
from shared.messaging.broker import Broker

from ... import embedded, runfile
from ...supervisor import CrashLoop, RestartPolicy, Supervisor
from ..app import example, tvp
from ..console import say
from ..errors import CliError
from ..target import Target

SERVICES = ("members", "events", "reporting")


def create_topics(bootstrap: str, partitions: int, replication_factor: int, broker: Broker) -> list[str]:
    """Every topic of the contract with its declared settings (shared/contracts/topics.py); returns those created."""
    from shared.contracts import topics
    from shared.messaging.kafka import ensure_topics

    try:
        return ensure_topics(bootstrap, topics.ALL, partitions, replication_factor,
                             configs={t.name: t.configs() for t in topics.ALL_SETTINGS}, broker=broker)
    except Exception as exc:  # noqa: BLE001 - any broker failure is one line
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise CliError(f"cannot create topics on Kafka at {bootstrap}: {first}") from None


class Stack:
    """Everything `tvp up` started, supervised while it runs and stopped services first, servers last. `kind` tells
    `tvp status` how to judge readiness: a server by its port, a web process by its /readyz, a worker by being
    alive."""

    def __init__(self, supervisor: Supervisor | None = None):
        # TVP_RESTART_BACKOFF_S: the first restart's wait (doubling up to 10 s); the crash-loop test shortens it.
        policy = RestartPolicy(first_backoff_s=float(os.environ.get("TVP_RESTART_BACKOFF_S", "0.5")))
        self.supervisor = supervisor or Supervisor(policy, report=say)

    def add(self, process: embedded.ManagedProcess, kind: str, after_restart=None) -> embedded.ManagedProcess:
        self.supervisor.watch(process.start(), kind, after_restart)
        return process

    def stop(self) -> None:
        # The services all at once, then the servers they used: one after another, each gunicorn's seconds of
        # draining added up to most of the time `tvp up` took to stop.
        children = self.supervisor.children
        embedded.stop_together([c.process for c in children if c.kind != "server"])
        embedded.stop_together([c.process for c in children if c.kind == "server"])

    @contextmanager
    def workers_paused(self):
        """The workers stopped (SIGSTOP) meanwhile: their relays publish nothing new before the history is back,
        so every topic gets a key's events in their order."""
        workers = [c.process for c in self.supervisor.children if c.kind == "worker" and c.process.alive]
        for worker in workers:
            worker.signal(signal.SIGSTOP)
        try:
            yield
        finally:
            for worker in workers:
                worker.signal(signal.SIGCONT)

    def describe(self) -> list[dict]:
        now = utc_now()
        return [
            {
                "name": c.process.log_file.stem,
                "kind": c.kind,
                "pid": c.process.proc.pid,
                "port": c.process.port,
                "restarts": c.restarts,
                "started_at": (now - timedelta(seconds=self.supervisor.uptime_s(c))).isoformat(timespec="seconds"),
                "log": str(c.process.log_file),
            }
            for c in self.supervisor.children
        ]


def broker_restarted(stack: Stack, bootstrap: str, port: int, make_topics, var_dir, mongo_uri: str):
    """What a restarted embedded broker needs before the services can use it again: its topics and, when it
    forgot its messages (Tansu keeps them in memory), the event history. Apache Kafka kept both under var/."""

    def after_restart(process: embedded.ManagedProcess) -> None:
        try:
            embedded.wait_for_kafka(process, port)
            make_topics()
            if not embedded.broker_keeps_messages(process):
                with stack.workers_paused():
                    counts = replay(var_dir, mongo_uri, bootstrap)
                say("event logs replayed into the restarted broker: " + counts_line(counts))
        except Exception:
            # A broker without its topics or history must not look healthy: it dies again and is retried.
            process.kill()
            raise

    return after_restart


def replay(var_dir, mongo_uri: str, bootstrap: str) -> dict[str, int]:
    """Every service's event log published again; consumers drop what they have already seen."""
    from .replay import replay_event_logs

    return replay_event_logs(Target(var_dir, mongo_uri=mongo_uri, bootstrap=bootstrap), SERVICES, show_progress=False)


def counts_line(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def database_restarted(port: int):
    def after_restart(process: embedded.ManagedProcess) -> None:
        embedded.wait_for_mongo(process, port)

    return after_restart


@tvp.command(
    short_help="Start MongoDB, Kafka and the three services.",
    epilog=example(
        "tvp up",
        "TVP_BROKER=tansu tvp up",
        "TVP_VAR_DIR=/tmp/tvp TVP_MEMBERS_PORT=9001 tvp up",
        "TVP_MONGO_URI=mongodb://db:27017/ TVP_KAFKA_BOOTSTRAP=kafka:9092 tvp up",
        "tvp up --workers 3",
    ),
)
@click.option(
    "--workers",
    type=click.IntRange(1, 16),
    default=1,
    show_default=True,
    help="worker processes per service (one relay publishes at a time, under a lease; the consumers share the "
    "partitions)",
)
def up(workers: int) -> int:
    """Start MongoDB, Kafka, the three services and the console; Ctrl-C (or `tvp stop`) stops them all.

    Starts SecantusDB and a broker (Apache Kafka where Java is present, else or with TVP_BROKER=tansu Tansu)
    unless TVP_MONGO_URI / TVP_KAFKA_BOOTSTRAP name servers to use, creates the
    topics, publishes the event logs again into an embedded broker that starts
    empty, starts each service (web under gunicorn + `--workers` workers) and the console
    (port 8000, TVP_CONSOLE_PORT) and, once all are ready, writes var/run.json
    for the other commands. Logs are in var/log/ (`tvp logs`).
    """
    var_dir = runfile.default_var_dir()
    existing = runfile.read(var_dir)
    if existing is not None and existing.live:
        raise CliError(
            f"a stack is already running (`tvp up` pid {existing.pid}, {existing.path}): "
            "`tvp status` shows it, `tvp stop` stops it"
        )
    log_dir = var_dir / "log"
    env = {"TVP_VAR_DIR": str(var_dir)}
    stack = Stack()
    stopping = threading.Event()

    def _on_signal(_signum, _frame):
        stopping.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    started, started_at = time.monotonic(), runfile.now_iso()
    wrote = False
    from shared.config import load_settings

    try:
        mongo_uri = os.environ.get("TVP_MONGO_URI")
        mongo_starting = None
        if mongo_uri:
            say(f"MongoDB: using {mongo_uri}")
        else:
            # Started here, waited for once the broker is starting too: the two start side by side.
            mongo_port = int(os.environ.get("TVP_EMBEDDED_MONGO_PORT", "27017"))
            mongo = stack.add(
                embedded.embedded_mongo(mongo_port, var_dir / "mongodb", log_dir),
                "server",
                database_restarted(mongo_port),
            )
            mongo_uri = embedded.mongo_uri(mongo_port)
            mongo_starting = mongo, mongo_port
        # What is said about the broker before the database is ready waits for the database's line.
        broker_notices: list[str] = []

        def database_ready() -> None:
            if mongo_starting is not None:
                embedded.wait_for_mongo(*mongo_starting)
                say(f"MongoDB: SecantusDB on 127.0.0.1:{mongo_starting[1]}, data in {var_dir / 'mongodb'}")
            for notice in broker_notices:
                say(notice)

        bootstrap = os.environ.get("TVP_KAFKA_BOOTSTRAP")
        # A broker given by TVP_KAFKA_BOOTSTRAP is Apache Kafka unless TVP_BROKER says otherwise.
        own_broker, kept_messages = not bootstrap, False
        kind = embedded.broker_kind(os.environ.get("TVP_BROKER") or "kafka")
        topic_settings = load_settings("members", var_dir=var_dir)

        def make_topics() -> list[str]:
            """Every topic with its settings, on the broker chosen below (also after a restart of our own)."""
            return create_topics(bootstrap, topic_settings.topic_partitions,
                                 topic_settings.topic_replication_factor, Broker(kind))

        if bootstrap:
            database_ready()
            say(f"Kafka: using {bootstrap}")
        else:
            port = int(os.environ.get("TVP_EMBEDDED_KAFKA_PORT", "9092"))
            kind = embedded.choose_broker(os.environ.get("TVP_BROKER"), broker_notices.append)
            bootstrap = f"127.0.0.1:{port}"
            kafka = stack.add(
                embedded.embedded_broker(kind, port, log_dir, var_dir / "kafka"),
                "server",
                broker_restarted(stack, bootstrap, port, make_topics, var_dir, mongo_uri),
            )
            database_ready()
            embedded.wait_for_kafka(kafka, port)
            kept_messages = embedded.broker_keeps_messages(kafka)
            where = f", data in {var_dir / 'kafka'}" if kind == "kafka" else ""
            say(f"Kafka: {embedded.BROKERS[kind]} on {bootstrap}{where}")
        # The services learn which broker they talk to (Tansu needs workarounds); a given bootstrap is Kafka.
        env.update(TVP_MONGO_URI=mongo_uri, TVP_KAFKA_BOOTSTRAP=bootstrap, TVP_BROKER=kind)
        from shared.auth import TokenIssuer, ensure_dev_keys
        from shared.contracts import topics

        settings = load_settings("members", mongo_uri=mongo_uri, kafka_bootstrap=bootstrap, var_dir=var_dir)
        created = make_topics()
        say(f"topics: {len(created)} created, {len(topics.ALL) - len(created)} already there")
        databases = {name: load_settings(name).mongo_db for name in SERVICES}
        if own_broker and not kept_messages:
            # The embedded broker forgot everything when it stopped (Tansu), or starts from empty storage
            # (Apache Kafka's first start): put the event history back. A broker that kept its messages
            # already has it, and a replay would publish every event twice.
            counts = replay(var_dir, mongo_uri, bootstrap)
            if any(counts.values()):
                say("event logs replayed: " + counts_line(counts))
        # Only `tvp up` makes the development key pair; `tvp token` refuses without it.
        ensure_dev_keys(settings.jwt_private_key_file, settings.jwt_public_key_file)
        if not settings.jwt_private_key_file.exists():
            raise CliError(f"no private key at {settings.jwt_private_key_file}: only its owner can issue tokens")
        issuer = TokenIssuer(settings.jwt_private_key_file.read_bytes(), settings.jwt_issuer)
        smtp_url = os.environ.get("TVP_SMTP_URL")
        if smtp_url:
            say(f"mail: sending through {smtp_url}")
        else:
            # A mail catcher, so that nothing leaves this machine: each mail becomes var/mail/<time>-<id>.eml.
            mail_port = int(os.environ.get("TVP_MAIL_CATCHER_PORT", "8025"))
            catcher = stack.add(embedded.mail_catcher_process(mail_port, var_dir / "mail", log_dir), "server")
            embedded.wait_for_mail_catcher(catcher, mail_port)
            smtp_url = f"smtp://127.0.0.1:{mail_port}"
            say(f"mail: catcher on {smtp_url}, messages in {var_dir / 'mail'}")
        env["TVP_SMTP_URL"] = smtp_url
        # Reporting reads the meetings' evidence files from events for a report's package: on events' own port.
        env.setdefault("TVP_EVENTS_URL", f"http://127.0.0.1:{load_settings('events').port}")
        webs, ports = [], {}
        for name in SERVICES:
            port = load_settings(name).port
            web, worker = embedded.service_processes(name, port, env, log_dir)
            stack.add(web, "web")
            stack.add(worker, "worker")
            for slot in range(2, workers + 1):
                stack.add(embedded.worker_process(name, env, log_dir, slot), "worker")
            webs.append((name, web, port))
            ports[name] = port
        for _name, web, port in webs:
            embedded.wait_ready(web, port, timeout_s=60)
        # The console last: its /readyz asks the three services.
        console_port = load_settings("console").port
        console = stack.add(embedded.console_process(console_port, dict(ports), env, log_dir), "web")
        embedded.wait_ready(console, console_port, timeout_s=60)
        ports["console"] = console_port
        databases["console"] = load_settings("console").mongo_db
        run = {
                "pid": os.getpid(),
                "started_at": started_at,
                "ports": ports,
                "mongo_uri": mongo_uri,
                "kafka_bootstrap": bootstrap,
                "kafka_broker": kind,
                "smtp_url": smtp_url,
                "var_dir": str(var_dir),
                "databases": databases,
                "log_dir": str(log_dir),
                "jwt_private_key_file": str(settings.jwt_private_key_file),
                "jwt_issuer": settings.jwt_issuer,
        }
        runfile.write(var_dir, {**run, "processes": stack.describe()})
        wrote = True
        say(f"ready in {time.monotonic() - started:.1f}s")
        for name, _, port in webs:
            say(f"  {name:<10} http://127.0.0.1:{port}/api/v1/docs")
        say(f"  {'console':<10} http://127.0.0.1:{console_port}/ (sign in: `tvp login-link --role platform_admin`)")
        say(f"admin token (12 h): {issuer.issue('platform_admin', subject='admin')}")
        say(
            f"logs in {log_dir} (`tvp logs`); state in {runfile.run_file(var_dir)}; Ctrl-C or `tvp stop` stops "
            "everything"
        )
        while not stopping.is_set():
            try:
                restarted = stack.supervisor.tick()
            except CrashLoop as exc:
                raise CliError(str(exc)) from None
            if restarted:
                runfile.write(var_dir, {**run, "processes": stack.describe()})
            stopping.wait(0.2)
        say("stopping…")
        return 0
    finally:
        stack.stop()
        if wrote:
            # Nothing it describes runs any more, whether the stop was asked for or forced by a dead process.
            runfile.remove(var_dir, os.getpid())
