"""Which stack a command talks to, decided the same way by every command.

Precedence: explicit flags (`--mongo-uri`, `--bootstrap`, `--members URL`...) >
the live `var/run.json` of a running `tvp up` > the TVP_MONGO_URI /
TVP_KAFKA_BOOTSTRAP variables (where the command allows them) > refusal. A
stale run.json (its `tvp up` is gone) is reported and ignored. Every command
says on stderr what it targets and where that came from, so none talks to
another stack silently.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from shared.messaging.broker import Broker

from ..runfile import RunState, default_var_dir, read
from .console import note
from .errors import CliError

HOW_TO_START = "start one with `tvp up`"
SERVICES = ("members", "events", "reporting")


def live_run(var_dir: Path | None = None, quiet: bool = False) -> RunState | None:
    """The running stack's run.json, or None (a stale one is mentioned, then ignored)."""
    state = read(var_dir or default_var_dir())
    if state is None:
        return None
    if not state.live:
        if not quiet:
            note(f"note: ignoring stale {state.path} (its `tvp up`, pid {state.pid}, is not running)")
        return None
    return state


@dataclass
class Target:
    var_dir: Path
    run: RunState | None = None
    mongo_uri: str | None = None
    bootstrap: str | None = None
    origin: dict = field(default_factory=dict)  # what -> where it came from

    def database(self, service: str) -> str:
        """A service's database: the one the running stack uses, else TVP_<SERVICE>_DB, else tvp_<service>."""
        if self.run and service in (self.run.content.get("databases") or {}):
            return self.run.content["databases"][service]
        return os.environ.get(f"TVP_{service.upper()}_DB") or f"tvp_{service}"

    @property
    def broker(self) -> Broker:
        """Which Kafka the bootstrap points at: the running stack's broker, else TVP_BROKER, else Apache Kafka."""
        if self.run and self.origin.get("kafka", "").startswith("from ") and self.run.content.get("kafka_broker"):
            return Broker(self.run.content["kafka_broker"])
        return Broker((os.environ.get("TVP_BROKER") or "kafka").strip().lower())

    def describe(self) -> str:
        parts = []
        if self.mongo_uri:
            parts.append(f"MongoDB {self.mongo_uri} ({self.origin['mongo']})")
        if self.bootstrap:
            parts.append(f"Kafka {self.bootstrap} ({self.origin['kafka']})")
        return ", ".join(parts)


def _origin_of_run(run: RunState) -> str:
    return f"from {run.path}, `tvp up` pid {run.pid}"


def resolve(
    *,
    mongo: bool = False,
    kafka: bool = False,
    mongo_flag: str | None = None,
    bootstrap_flag: str | None = None,
    env_mongo: bool = True,
    env_kafka: bool = True,
    mongo_flag_name: str = "--mongo-uri",
    kafka_flag_name: str = "--bootstrap",
) -> Target:
    var_dir = default_var_dir()
    run = live_run(var_dir)
    target = Target(var_dir=var_dir, run=run)
    if kafka:
        target.bootstrap, target.origin["kafka"] = _pick(
            bootstrap_flag, kafka_flag_name, run, "kafka_bootstrap", "TVP_KAFKA_BOOTSTRAP" if env_kafka else None
        )
    if mongo:
        target.mongo_uri, target.origin["mongo"] = _pick(
            mongo_flag, mongo_flag_name, run, "mongo_uri", "TVP_MONGO_URI" if env_mongo else None
        )
    return target


def _pick(flag: str | None, flag_name: str, run: RunState | None, key: str, env_name: str | None):
    if flag:
        return flag, flag_name
    if run is not None and run.content.get(key):
        return run.content[key], _origin_of_run(run)
    if env_name and os.environ.get(env_name):
        return os.environ[env_name], f"${env_name}"
    allowed = f"pass {flag_name}" + (f" or set {env_name}" if env_name else "")
    raise CliError(f"no running stack (no live {default_var_dir() / 'run.json'}): {HOW_TO_START}, or {allowed}")


def service_urls(flags: dict[str, str | None], services: tuple[str, ...] = SERVICES) -> tuple[dict[str, str], str]:
    """Each service's URL: --NAME flag > the running stack's port > $TVP_NAME_URL; else refuse."""
    run = live_run()
    urls, origins = {}, set()
    for name in services:
        ports = (run.content.get("ports") or {}) if run else {}
        if flags.get(name):
            urls[name], origin = flags[name], f"--{name}"
        elif name in ports:
            urls[name], origin = f"http://127.0.0.1:{ports[name]}", f"from {run.path}, `tvp up` pid {run.pid}"
        elif os.environ.get(f"TVP_{name.upper()}_URL"):
            urls[name], origin = os.environ[f"TVP_{name.upper()}_URL"], f"$TVP_{name.upper()}_URL"
        else:
            raise CliError(f"no running stack and no URL for the {name} service: {HOW_TO_START}, or pass --{name} URL")
        origins.add(origin)
    return urls, "; ".join(sorted(origins))
