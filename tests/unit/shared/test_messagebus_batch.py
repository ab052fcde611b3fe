"""The message bus's optional batch handler and the unit of work's retried transaction (fake side)."""
import pytest

from shared.audit.actor import actor_of
from shared.contracts import REGISTRY
from shared.messaging.consumer import BatchContext
from shared.messaging.outbox import Causation
from shared.service_layer.messagebus import MessageBus, system_principal

from ..fake_uow import FakeRepository, FakeUnitOfWork

REGISTERED = "tr.tvp.members.organisation.registered.v1"


def _event(org_id: str, correlation_id: str):
    return REGISTRY.build(REGISTERED, org_id, 1, {"id": org_id, "name": "Keşan TSO", "kind": "chamber",
                                                  "province": "Edirne", "region": "TR21", "is_sme": False,
                                                  "status": "applicant"}, correlation_id=correlation_id)


def test_no_batch_handler_unless_one_is_given():
    assert MessageBus("members", lambda session=None: FakeUnitOfWork(), {}, {}).batch_handler() is None


def test_the_batch_handler_runs_once_per_batch_as_the_system_in_the_consumers_session():
    seen = []

    def factory(session=None):
        seen.append(("session", session))
        return FakeUnitOfWork()

    def batch(uow, events, principal, cause):
        seen.append((principal, cause, [e.id for e in events]))

    bus = MessageBus("reporting", factory, {}, {REGISTERED: lambda *args: None}, batch=batch)
    events = [_event("o1", "corr-1"), _event("o2", "corr-2")]
    bus.batch_handler()(events, BatchContext(None, "the-batch-session", None, events))
    assert seen == [("session", "the-batch-session"),
                    (system_principal("reporting"),
                     Causation("corr-2", events[1].id, actor=actor_of(system_principal("reporting"))),
                     [e.id for e in events])]


def test_fake_transaction_commits_the_work_or_rolls_it_back():
    uow = FakeUnitOfWork(things=FakeRepository())
    assert uow.transaction(lambda: uow.things.add({"_id": "a"}, [], Causation("c"))) == []
    with pytest.raises(ZeroDivisionError):
        uow.transaction(lambda: (uow.things.add({"_id": "b"}, [], Causation("c")), 1 / 0))
    assert set(uow.things.docs) == {"a"}
