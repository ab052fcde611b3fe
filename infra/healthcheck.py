"""Container health check of a worker: `python -m infra.healthcheck`, exit 0 healthy, 1 not.

A worker has no port to ask, so health is judged from outside: the worker (the
container's PID 1) is running, not stopped or a zombie, and MongoDB and Kafka,
which it cannot work without, answer within the check's budget. Docker restarts a
container whose process exits (restart policy); `unhealthy` is for operators and
orchestrators that act on it.
"""
from __future__ import annotations

import sys
from pathlib import Path


def process_running(pid: int = 1) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X", "T", "t")  # T: stopped (SIGSTOP), as good as dead for its consumers


def problems(timeout_ms: int = 3000) -> list[str]:
    from pymongo import MongoClient

    from shared.config import load_settings
    from shared.messaging.kafka import broker_reachable

    found = [] if process_running() else ["the worker process is not running"]
    settings = load_settings("members")
    client = MongoClient(settings.mongo_uri, serverSelectionTimeoutMS=timeout_ms)
    try:
        client.admin.command("ping")
    except Exception:  # noqa: BLE001 - any failure is "not healthy"; the reason is in the worker's log
        found.append("mongodb")
    finally:
        client.close()
    if not broker_reachable(settings.kafka_bootstrap, timeout_ms)[0]:
        found.append("kafka")
    return found


def main() -> int:
    found = problems()
    print("healthy" if not found else "unhealthy: " + ", ".join(found))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
