"""The shared seam: the message bus's dispatch and retries, and the fakes the services' unit tests stand on."""
from dataclasses import dataclass

import pytest

from shared.audit.actor import actor_of
from shared.auth import Principal
from shared.errors import Conflict, DuplicateKey, NotFound, PreconditionFailed
from shared.messaging.outbox import Causation, ConcurrencyConflict
from shared.service_layer.messagebus import MessageBus, system_principal

from ..fake_uow import FakeRepository, FakeUnitOfWork

REGISTERED = "tr.tvp.members.organisation.registered.v1"
ADMIN = Principal("admin-1", "platform_admin")
CAUSE = Causation("corr-1")


class FakeOrganisations(FakeRepository):
    collection = "organisations"
    noun = "organisation"
    unique = ("tax_number",)


def _org(org_id="o1", **extra):
    return {"_id": org_id, "name": "Keşan TSO", "kind": "chamber", "province": "Edirne", "region": "TR21",
            "is_sme": False, "status": "applicant", **extra}


def _payload(document):
    return {k: document[k] for k in ("name", "kind", "province", "region", "is_sme", "status")} | {
        "id": document["_id"]}


@dataclass(frozen=True)
class Rename:
    organisation_id: str
    name: str
    precondition: object = None


def test_fake_repository_versions_events_and_unique_keys():
    organisations = FakeOrganisations()
    uow = FakeUnitOfWork(organisations=organisations)
    [event] = uow.organisations.add(_org(tax_number="1"), [(REGISTERED, _payload(_org()))], CAUSE)
    assert (event.aggregateversion, event.correlationid, uow.types()) == (1, "corr-1", [REGISTERED])
    assert uow.organisations.get("o1")["version"] == 1
    with pytest.raises(DuplicateKey):
        uow.organisations.add(_org("o2", tax_number="1"), [], CAUSE)
    with pytest.raises(ConcurrencyConflict):
        uow.organisations.save("o1", 0, [], CAUSE, set_fields={"name": "x"})
    with pytest.raises(NotFound):
        uow.organisations.get("nope")


def test_fake_atomic_block_rolls_back_every_repository():
    uow = FakeUnitOfWork(organisations=FakeOrganisations([_org(version=1)]))
    with pytest.raises(RuntimeError):
        with uow.atomic():
            uow.organisations.save("o1", 1, [(REGISTERED, _payload(_org()))], CAUSE, set_fields={"name": "Yeni"})
            raise RuntimeError("the second write failed")
    assert uow.organisations.get("o1")["name"] == "Keşan TSO"
    assert uow.events == []


def test_bus_reruns_a_command_that_lost_a_race_from_a_fresh_unit_of_work():
    made, calls = [], []

    def factory(session=None):
        made.append(FakeUnitOfWork())
        return made[-1]

    def rename(uow, command, principal, cause):
        calls.append(uow)
        if len(calls) < 3:
            raise ConcurrencyConflict("moved on")
        return command.name

    bus = MessageBus("members", factory, {Rename: rename}, {})
    assert bus.handle(Rename("o1", "Yeni"), ADMIN, CAUSE) == "Yeni"
    assert len(calls) == 3 and calls == made  # a new unit of work per attempt


def test_bus_answers_412_when_the_named_version_is_gone_and_409_when_races_go_on():
    def always_conflict(uow, command, principal, cause):
        raise ConcurrencyConflict("moved on")

    bus = MessageBus("members", lambda session=None: FakeUnitOfWork(), {Rename: always_conflict}, {},
                     retry_for_s=0.05)
    with pytest.raises(PreconditionFailed):
        bus.handle(Rename("o1", "x", precondition="v1"), ADMIN, CAUSE)
    with pytest.raises(Conflict):
        bus.handle(Rename("o1", "x"), ADMIN, CAUSE)


def test_event_handlers_run_joined_to_the_consumers_session_as_the_system():
    seen = {}

    def factory(session=None):
        seen["session"] = session
        return FakeUnitOfWork()

    def on_registered(uow, event, principal, cause):
        seen.update(principal=principal, cause=cause, event=event.id)

    from shared.contracts import REGISTRY

    bus = MessageBus("events", factory, {}, {REGISTERED: on_registered})
    event = REGISTRY.build(REGISTERED, "o1", 1, _payload(_org()), correlation_id="corr-9")
    bus.handle_event(event, session="the-batch-session")
    assert seen == {"session": "the-batch-session", "principal": system_principal("events"),
                    "cause": Causation("corr-9", event.id, actor=actor_of(system_principal("events"))),
                    "event": event.id}
    assert bus.subscriptions(REGISTRY) == ["tvp.members.organisations"]
