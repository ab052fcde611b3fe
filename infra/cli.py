"""`tvp`: run the platform on this machine and operate it.

  tvp up                 start MongoDB, Kafka and the three services; Ctrl-C stops all
  tvp token --role R     print a bearer token
  tvp topics create      create every topic (idempotent)
  tvp replay             publish the services' event logs again (after a broker restart)
  tvp subscribe TOPIC    follow a public topic (NDJSON or a table), resuming where it stopped
  tvp asyncapi           write the AsyncAPI 3 document of the event streams (docs/asyncapi.yaml)
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

from shared.auth import ROLES, TokenIssuer, ensure_dev_keys
from shared.config import SERVICE_PORTS, load_settings
from shared.contracts import topics

from . import embedded
from .embedded import StartupError

SERVICES = list(SERVICE_PORTS)


def _say(text: str) -> None:
    print(text, flush=True)


def _issuer(settings) -> TokenIssuer:
    ensure_dev_keys(settings.jwt_private_key_file, settings.jwt_public_key_file)
    if not settings.jwt_private_key_file.exists():
        raise StartupError(f"no private key at {settings.jwt_private_key_file}: only its owner can issue tokens")
    return TokenIssuer(settings.jwt_private_key_file.read_bytes(), settings.jwt_issuer)


def cmd_token(args) -> int:
    settings = load_settings("members")
    try:
        _say(_issuer(settings).issue(args.role, args.org, args.subject, ttl_s=args.hours * 3600))
    except ValueError as exc:
        raise StartupError(str(exc)) from None
    return 0


def cmd_topics(args) -> int:
    settings = load_settings("members")
    created = embedded_topics(settings.kafka_bootstrap, settings.topic_partitions)
    _say(f"topics: {len(created)} created, {len(topics.ALL) - len(created)} already there")
    return 0


def embedded_topics(bootstrap: str, partitions: int) -> list[str]:
    from shared.messaging.kafka import ensure_topics
    try:
        return ensure_topics(bootstrap, topics.ALL, partitions)
    except Exception as exc:  # noqa: BLE001
        raise StartupError(f"cannot create topics on Kafka at {bootstrap}: {exc}") from None


def replay_event_logs(mongo_uri: str, bootstrap: str, services: list[str] | None = None,
                      show_progress: bool = True) -> dict[str, int]:
    """Put every published event back on its topic; consumers drop what they have seen."""
    from pymongo import MongoClient

    from shared.contracts import REGISTRY
    from shared.messaging.kafka import make_producer
    from shared.messaging.outbox import EVENT_LOG
    from shared.messaging.relay import OutboxRelay

    client = MongoClient(mongo_uri, serverSelectionTimeoutMS=3000)
    counts = {}
    try:
        for name in services or SERVICES:
            db = client[load_settings(name, mongo_uri=mongo_uri).mongo_db]
            relay = OutboxRelay(db, [], REGISTRY, lambda: make_producer(bootstrap))
            total = db[EVENT_LOG].estimated_document_count()

            def progress(done, name=name, total=total):
                if show_progress and total >= 1000:
                    print(f"\r  replaying {name}: {done}/{total}", end="", file=sys.stderr, flush=True)
            try:
                counts[name] = relay.replay(progress=progress)
                if show_progress and total >= 1000:
                    print(file=sys.stderr)
            finally:
                relay.close()
    finally:
        client.close()
    return counts


def cmd_asyncapi(args) -> int:
    from shared.asyncapi import build_document, to_json, to_yaml
    from shared.contracts import REGISTRY

    document = build_document(REGISTRY)
    text = to_json(document) if args.format == "json" else to_yaml(document)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            raise StartupError(f"{args.output} is out of date: run `tvp asyncapi --output {args.output}`")
        _say(f"{args.output} is current")
        return 0
    if str(args.output) == "-":
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        _say(f"wrote {args.output}: {len(document['channels'])} channels, "
             f"{len(document['components']['messages'])} messages")
    return 0


def cmd_replay(args) -> int:
    settings = load_settings("members")
    counts = replay_event_logs(settings.mongo_uri, settings.kafka_bootstrap, args.service)
    _say("replayed: " + ", ".join(f"{name} {n} events" for name, n in counts.items()))
    return 0


def cmd_demo(args) -> int:
    from .demo import DemoError, run_demo

    settings = load_settings("members")
    urls = {name: getattr(args, name) or os.environ.get(f"TVP_{name.upper()}_URL") or
            f"http://127.0.0.1:{load_settings(name).port}" for name in SERVICES}
    token = _issuer(settings).issue("platform_admin", subject="demo", ttl_s=3600)
    out_dir = Path(args.out) if args.out else settings.var_dir / "demo"
    try:
        run_demo(urls, token, say=_say, force=args.force, out_dir=out_dir)
    except DemoError as exc:
        raise StartupError(str(exc)) from None
    return 0


def cmd_rebuild(args) -> int:
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    from services.reporting.service_layer.rebuild import rebuild

    settings = load_settings("reporting")
    client = MongoClient(settings.mongo_uri, serverSelectionTimeoutMS=3000)
    try:
        rebuild(client, client[settings.mongo_db], progress=_say)
    except PyMongoError as exc:
        raise StartupError(f"cannot rebuild: MongoDB at {settings.mongo_uri}: {str(exc)[:200]}") from None
    finally:
        client.close()
    return 0


class Stack:
    """Everything `tvp up` started, stopped in reverse order."""

    def __init__(self):
        self.processes: list[embedded.ManagedProcess] = []

    def add(self, process):
        self.processes.append(process.start())
        return process

    def stop(self):
        for process in reversed(self.processes):
            process.stop()

    def first_dead(self):
        return next((p for p in self.processes if not p.alive), None)


def cmd_up(args) -> int:
    var_dir = Path(os.environ.get("TVP_VAR_DIR", "var")).resolve()
    log_dir = var_dir / "log"
    env = {"TVP_VAR_DIR": str(var_dir)}
    stack = Stack()
    stopping = threading.Event()

    def _on_signal(signum, _frame):
        stopping.set()
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    started = time.monotonic()
    try:
        mongo_uri = os.environ.get("TVP_MONGO_URI")
        if mongo_uri:
            _say(f"MongoDB: using {mongo_uri}")
        else:
            port = int(os.environ.get("TVP_EMBEDDED_MONGO_PORT", "27017"))
            mongo = stack.add(embedded.embedded_mongo(port, var_dir / "mongodb", log_dir))
            embedded.wait_for_mongo(mongo, port)
            mongo_uri = embedded.mongo_uri(port)
            _say(f"MongoDB: SecantusDB on 127.0.0.1:{port}, data in {var_dir / 'mongodb'}")
        bootstrap = os.environ.get("TVP_KAFKA_BOOTSTRAP")
        own_broker = not bootstrap
        if bootstrap:
            _say(f"Kafka: using {bootstrap}")
        else:
            port = int(os.environ.get("TVP_EMBEDDED_KAFKA_PORT", "9092"))
            kafka = stack.add(embedded.embedded_kafka(port, log_dir))
            embedded.wait_for_kafka(kafka, port)
            bootstrap = f"127.0.0.1:{port}"
            _say(f"Kafka: Tansu broker on {bootstrap} (messages in memory)")
        env.update(TVP_MONGO_URI=mongo_uri, TVP_KAFKA_BOOTSTRAP=bootstrap)
        settings = load_settings("members", mongo_uri=mongo_uri, kafka_bootstrap=bootstrap, var_dir=var_dir)
        created = embedded_topics(bootstrap, settings.topic_partitions)
        _say(f"topics: {len(created)} created, {len(topics.ALL) - len(created)} already there")
        if own_broker:
            # The embedded broker forgot everything when it stopped: put the event history back.
            counts = replay_event_logs(mongo_uri, bootstrap)
            if any(counts.values()):
                _say("event logs replayed: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        issuer = _issuer(settings)
        webs = []
        for name in SERVICES:
            port = load_settings(name).port
            web, worker = embedded.service_processes(name, port, env, log_dir)
            stack.add(web)
            stack.add(worker)
            webs.append((name, web, port))
        for name, web, port in webs:
            embedded.wait_ready(web, port, timeout_s=60)
        _say(f"ready in {time.monotonic() - started:.1f}s")
        for name, _, port in webs:
            _say(f"  {name:<10} http://127.0.0.1:{port}/api/v1/docs")
        _say(f"admin token (12 h): {issuer.issue('platform_admin', subject='admin')}")
        _say(f"logs in {log_dir}; Ctrl-C stops everything")
        while not stopping.is_set():
            dead = stack.first_dead()
            if dead is not None:
                raise StartupError(dead.died_message())
            stopping.wait(0.5)
        _say("stopping…")
        return 0
    finally:
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tvp", description="Thrace Productivity Platform on this machine")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start MongoDB, Kafka and the three services (Ctrl-C stops)")
    up.set_defaults(func=cmd_up)
    token = sub.add_parser("token", help="print a bearer token")
    token.add_argument("--role", required=True, choices=ROLES)
    token.add_argument("--org", help="organisation id (required for chamber_admin)")
    token.add_argument("--subject", help="who the token is for")
    token.add_argument("--hours", type=int, default=12)
    token.set_defaults(func=cmd_token)
    topics_cmd = sub.add_parser("topics", help="manage Kafka topics")
    topics_cmd.add_argument("action", choices=["create"])
    topics_cmd.set_defaults(func=cmd_topics)
    replay = sub.add_parser("replay", help="publish the event logs again (after the embedded broker restarted)")
    replay.add_argument("--service", action="append", choices=SERVICES)
    replay.set_defaults(func=cmd_replay)
    demo = sub.add_parser("demo", help="fill an empty platform with demo data through the services' APIs")
    for name in SERVICES:
        demo.add_argument(f"--{name}", metavar="URL", help=f"the {name} service (default http://127.0.0.1:port, "
                                                           f"or TVP_{name.upper()}_URL)")
    demo.add_argument("--force", action="store_true", help="add the demo data even if the platform is not empty")
    demo.add_argument("--out", help="where to save the demo report's PDF, XLSX and CSV (default var/demo)")
    demo.set_defaults(func=cmd_demo)
    rebuild_cmd = sub.add_parser("rebuild", help="rebuild the reporting projections from reporting's journal")
    rebuild_cmd.set_defaults(func=cmd_rebuild)
    from . import subscribe as subscribe_command
    subscribe_command.add_parser(sub)
    asyncapi = sub.add_parser("asyncapi", help="write the AsyncAPI 3 document generated from the event registry")
    asyncapi.add_argument("--output", type=Path, default=Path("docs/asyncapi.yaml"), help="file, or - for stdout")
    asyncapi.add_argument("--format", choices=["yaml", "json"], default="yaml")
    asyncapi.add_argument("--check", action="store_true", help="fail if the file differs from the registry")
    asyncapi.set_defaults(func=cmd_asyncapi)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except StartupError as exc:
        print(f"tvp: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
