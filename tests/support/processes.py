"""Stopping the test stacks' processes quickly."""
from __future__ import annotations

from infra.embedded import ServiceStack, stop_together


def stop_stacks(stacks: list[ServiceStack]) -> None:
    """Every process of every stack at once, not stack after stack."""
    stop_together([process for stack in stacks for process in stack.processes])


def discard_broker(servers) -> None:
    """End a test's own broker whose storage is thrown away with it: a kill, not Apache Kafka's clean shutdown
    (seconds of controlled shutdown that nothing after it reads)."""
    servers.kafka.kill()
