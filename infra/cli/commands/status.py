"""`tvp status`: each process of run.json, alive and ready or not."""

import json
import socket
from datetime import datetime, timezone

import click

from ...runfile import default_var_dir, pid_alive, read
from ..app import example, tvp
from ..console import note, say
from ..errors import NotReady
from ..target import HOW_TO_START


def _port_open(port: int | None) -> bool:
    if not port:
        return False
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _web_ready(port: int | None) -> bool:
    import requests

    try:
        return bool(port) and requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def process_status(process: dict, now: datetime, started_at: datetime | None) -> dict:
    """One process of run.json as it is now: a server is ready when its port answers, a web process when its
    /readyz says so, a worker when it is alive (it has no port)."""
    alive = pid_alive(process.get("pid"))
    kind = process.get("kind", "worker")
    if not alive:
        ready = False
    elif kind == "web":
        ready = _web_ready(process.get("port"))
    elif kind == "server":
        ready = _port_open(process.get("port"))
    else:
        ready = True
    # Since its own (re)start when `tvp up` recorded it; older run files only know when the stack started.
    since = _parse_time(process.get("started_at")) or started_at
    uptime = (now - since).total_seconds() if alive and since else None
    return {
        "name": process.get("name"),
        "kind": kind,
        "pid": process.get("pid"),
        "state": "running" if alive else "dead",
        "restarts": process.get("restarts", 0),
        "uptime_s": None if uptime is None else round(uptime),
        "ready": ready,
        "port": process.get("port"),
    }


def relay_leases(mongo_uri: str | None, databases: dict, processes: list[dict]) -> dict[str, dict]:
    """{service: {token, holder, process}} of each service's relay lease (shared/messaging/lease.py): which worker
    publishes. `process` names the holder among `processes` by its pid (holder ids are host:pid:random). Nothing for
    a database that does not answer within a second: the table of processes is what status is for."""
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    from shared.messaging.lease import LEASES

    if not mongo_uri:
        return {}
    by_pid = {str(p.get("pid")): p.get("name") for p in processes}
    leases: dict[str, dict] = {}
    client: MongoClient = MongoClient(mongo_uri, serverSelectionTimeoutMS=1000, timeoutMS=2000)
    try:
        for service, database in databases.items():
            doc = client[database][LEASES].find_one({"_id": service})
            if doc is None:
                continue
            holder = doc.get("holder")
            pid = holder.split(":")[-2] if holder and holder.count(":") >= 2 else None
            leases[service] = {"token": doc.get("token"), "holder": holder, "process": by_pid.get(pid)}
    except PyMongoError:
        pass
    finally:
        client.close()
    return leases


def _parse_time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


@tvp.command(
    short_help="Show every process of the running stack.",
    epilog=example("tvp status", "tvp status --json | jq '.processes[] | select(.ready | not)'"),
)
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
def status(as_json: bool) -> int:
    """Show every process of the running stack: pid, state, restarts, uptime, readiness.

    Exit code 0 when every process is ready, 3 otherwise (also when no stack
    runs, or its `tvp up` is gone and the run.json is stale).
    """
    var_dir = default_var_dir()
    state = read(var_dir)
    if state is None:
        if as_json:
            say(json.dumps({"running": False, "run_file": str(var_dir / "run.json"), "processes": []}))
        raise NotReady(f"no stack is running (no {var_dir / 'run.json'}): {HOW_TO_START}")
    now = datetime.now(timezone.utc)
    live = state.live
    processes = [process_status(p, now, state.started_at()) for p in state.processes]
    all_ready = live and all(p["ready"] for p in processes)
    databases = state.content.get("databases") or {}
    leases = relay_leases(state.content.get("mongo_uri"), databases, processes) if live else {}
    if as_json:
        say(
            json.dumps(
                {
                    "running": live,
                    "pid": state.pid,
                    "started_at": state.content.get("started_at"),
                    "run_file": str(state.path),
                    "ready": all_ready,
                    "ports": state.content.get("ports"),
                    "mongo_uri": state.content.get("mongo_uri"),
                    "kafka_bootstrap": state.content.get("kafka_bootstrap"),
                    "processes": processes,
                    "relay_leases": leases,
                },
                indent=2,
            )
        )
    else:
        _table(state, processes, live)
        for service, lease in leases.items():
            holder = lease["process"] or lease["holder"] or "nobody (released)"
            note(f"relay lease of {service}: token {lease['token']}, {holder}")
    if not live:
        leftovers = [p["name"] for p in processes if p["state"] == "running"]
        extra = f"; still running: {', '.join(leftovers)}" if leftovers else ""
        raise NotReady(f"the `tvp up` of {state.path} (pid {state.pid}) is not running: the file is stale{extra}")
    if not all_ready:
        raise NotReady("not ready: " + ", ".join(f"{p['name']} {p['state']}" for p in processes if not p["ready"]))
    return 0


def _table(state, processes: list[dict], live: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"tvp up pid {state.pid} ({'running' if live else 'gone'}), since {state.content.get('started_at', '?')}",
        title_justify="left",
    )
    for column in ("process", "pid", "state", "restarts", "uptime", "ready", "port"):
        table.add_column(column, justify="right" if column in ("pid", "restarts", "uptime", "port") else "left")
    for p in processes:
        table.add_row(
            p["name"],
            str(p["pid"]),
            "[green]running[/]" if p["state"] == "running" else "[red]dead[/]",
            str(p["restarts"]),
            _duration(p["uptime_s"]),
            "[green]yes[/]" if p["ready"] else "[red]no[/]",
            str(p["port"] or "-"),
        )
    Console().print(table)
    note(f"MongoDB {state.content.get('mongo_uri')}, Kafka {state.content.get('kafka_bootstrap')}")
