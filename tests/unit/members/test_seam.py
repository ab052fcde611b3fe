"""Members' bus: its tables cover every command, and members handles no events (tests/unit/test_seam_boundaries.py
checks that only adapters/ talks to MongoDB)."""
import dataclasses

from services.members import bootstrap
from services.members.service_layer import commands
from services.members.worker import SPEC
from shared.retention.runner import RunRetention


def test_every_command_has_its_handler_and_members_handles_no_events():
    written = {c for c in vars(commands).values()
               if dataclasses.is_dataclass(c) and c.__module__ == commands.__name__ and not c.__name__.startswith(
                   ("Get", "List", "Page"))}
    assert set(bootstrap.COMMANDS) == written | {RunRetention}  # the retention run's command is shared
    assert bootstrap.EVENTS == {}
    tables = SPEC.bus(None, None, None)  # the worker's bus, without a connection: only its tables are read
    assert (tables.event_handlers(), tables.subscriptions(SPEC.registry), tables.batch_handler()) == ({}, [], None)
