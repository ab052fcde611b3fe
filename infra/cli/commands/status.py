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
                },
                indent=2,
            )
        )
    else:
        _table(state, processes, live)
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
