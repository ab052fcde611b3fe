"""Reporting's wiring: every command has its use case, the consumed types are the contract's, and the worker's
batch handler runs the projection in a unit of work joined to the consumer's transaction."""
import dataclasses
import inspect

from services.reporting import bootstrap
from services.reporting.service_layer import commands
from shared.contracts import REGISTRY
from shared.contracts.events import ATTENDANCE_RECORDED, HELD
from shared.contracts.members import ORGANISATION_REGISTERED
from shared.messaging.consumer import BatchContext

from ...integration.reporting.stream import Stream
from .fakes import fake_uow
from .test_projection_use_cases import small_history


def test_every_command_has_its_use_case():
    declared = {c for _, c in inspect.getmembers(commands, inspect.isclass)
                if dataclasses.is_dataclass(c) and c.__module__ == commands.__name__}
    assert declared == set(bootstrap.COMMANDS)


def test_the_worker_consumes_the_members_and_events_streams_a_batch_at_a_time():
    bus = bootstrap.bus(None, None, None)  # nothing connects until a unit of work is made
    assert {ORGANISATION_REGISTERED, HELD, ATTENDANCE_RECORDED} <= set(bus.events)
    assert bus.subscriptions(REGISTRY) == ["tvp.events.meetings", "tvp.members.organisations"]
    assert set(bus.event_handlers()) == set(bus.events)
    uow, sessions = fake_uow(), []

    def joined(session=None):
        sessions.append(session)
        return uow

    handler = dataclasses.replace(bus, unit_of_work=joined).batch_handler()
    events, _ = small_history(Stream())
    handler(events, BatchContext(None, "the-batch-session", None, events))
    assert sessions == ["the-batch-session"]
    assert uow.projections.state()["seq"] == len(events) and len(uow.journal.docs) == 1
