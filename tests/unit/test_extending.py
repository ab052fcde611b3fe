"""docs/extending.md's sample event type, end to end: its declaration and its handler are all it takes.

The sample is declared in a registry of its own (the real one stays untouched for the other
tests), exactly as `shared/contracts/members.py` declares its types; everything else — the
topic, the dead-letter topic, the AsyncAPI channel and message, the type table of
docs/events.md, the consumer's subscription and dispatch — follows from the registry and the
handler table, with no further edit.
"""
from marshmallow import Schema, fields

from services.events import bootstrap as events_bootstrap
from shared.asyncapi import build_document, types_table
from shared.contracts import events, members, public, reporting, topics
from shared.messaging.registry import EventRegistry
from shared.messaging.topics import dead_letter_topic
from shared.service_layer.messagebus import MessageBus

from .events.fakes import fake_uow

# -- file 1: the declaration (shared/contracts/members.py) ------------------------------------------
NOTES = "tvp.members.notes"
ORGANISATION_NOTED = "tr.tvp.members.organisation.noted.v1"


class OrganisationNotedPayload(Schema):
    id = fields.String(required=True)
    note = fields.String(required=True)


def register_sample(registry: EventRegistry) -> None:
    registry.register(ORGANISATION_NOTED, NOTES, OrganisationNotedPayload, "A note was added to an organisation.")


# -- file 2: the handler (services/events/service_layer/membership_handlers.py) ---------------------
def organisation_noted(uow, event, principal, cause):
    uow.member_organisations.apply(event, {"note": event.data["note"]})


SAMPLE_HANDLERS = {**events_bootstrap.EVENTS, ORGANISATION_NOTED: organisation_noted}


def _registry() -> EventRegistry:
    registry = EventRegistry()
    for module in (members, events, reporting, public):
        module.register(registry)
    register_sample(registry)
    return registry


def test_the_topic_and_its_documents_follow_from_the_declaration():
    registry = _registry()
    internal, _, dead_letter = topics.declared(registry)
    assert NOTES in internal and NOTES not in topics.ALL  # created by `tvp topics create` once declared
    assert dead_letter_topic("members") in dead_letter
    document = build_document(registry)
    assert NOTES in document["channels"] and ORGANISATION_NOTED in document["components"]["messages"]
    assert f"| `{NOTES}` | `{ORGANISATION_NOTED}` | A note was added to an organisation. |" in types_table(registry)


def test_the_consumer_subscribes_and_dispatches_from_the_handler_table():
    registry = _registry()
    uow = fake_uow()
    bus = MessageBus("events", lambda session=None: uow, {}, SAMPLE_HANDLERS)
    assert NOTES in bus.subscriptions(registry)
    event = registry.validate(registry.build(ORGANISATION_NOTED, "org-1", 3, {"id": "org-1", "note": "ISO 50001"},
                                             correlation_id="c-1").to_dict())
    bus.event_handlers()[ORGANISATION_NOTED](event, _Context(session="batch"))
    assert uow.member_organisations.get("org-1")["note"] == "ISO 50001"


class _Context:
    def __init__(self, session):
        self.session = session
        self.cause = None
