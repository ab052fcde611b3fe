"""Stopping the test stacks' processes quickly."""
from __future__ import annotations

import signal
import subprocess
import time

from infra.embedded import ManagedProcess, ServiceStack


def stop_together(processes: list[ManagedProcess], timeout_s: float = 15.0) -> None:
    """SIGTERM to every process at once, then wait for each (SIGKILL past `timeout_s`). A stack stops in the time
    of its slowest process instead of the sum of all: each gunicorn takes seconds to drain its workers, and
    ServiceStack stops its processes one after another."""
    running = [p for p in processes if p.alive]
    for process in running:
        process.signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for process in running:
        try:
            process.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def stop_stacks(stacks: list[ServiceStack]) -> None:
    stop_together([process for stack in stacks for process in stack.processes])


def discard_broker(servers) -> None:
    """End a test's own broker whose storage is thrown away with it: a kill, not Apache Kafka's clean shutdown
    (seconds of controlled shutdown that nothing after it reads)."""
    servers.kafka.kill()
