"""The rebuild of reporting's projections as a command (`tvp rebuild`): the only way in for tools outside
the service, so that they never reach into its service layer or adapters."""
from __future__ import annotations

from typing import Callable

from shared.ids import new_id
from shared.messaging.outbox import Causation
from shared.service_layer.messagebus import MessageBus, system_principal

from ..bootstrap import standalone_bus
from ..service_layer.commands import RebuildProjections

Say = Callable[[str], None]
Progress = Callable[[int, int], None]


def rebuild_with(bus: MessageBus, say: Say | None = None, progress: Progress | None = None) -> dict:
    """Rebuild through `bus`; `say` gets the rebuild's messages, `progress` (events done, events in the journal)."""
    return bus.handle(RebuildProjections(progress=progress, say=say), system_principal("reporting"),
                      Causation(new_id()))


def rebuild_projections(mongo_uri: str, database: str, say: Say | None = None,
                        progress: Progress | None = None) -> dict:
    """Rebuild from the journal of `database` at `mongo_uri`. Raises pymongo's errors as they come: the caller
    decides how to show them."""
    with standalone_bus(mongo_uri, database) as bus:
        return rebuild_with(bus, say, progress)
