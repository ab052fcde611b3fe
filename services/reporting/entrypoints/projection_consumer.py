"""What the reporting worker consumes: the members' organisation events and the events service's meetings.

The projections are updated a batch at a time (service_layer/projector.py); the
runtime hands each batch's fresh events to `project_batch` in one transaction.
"""
from shared.messaging.consumer import BatchContext, HandlerContext
from shared.messaging.envelope import CloudEvent

from ..domain.rules import MEETING_TYPES, ORG_TYPES
from ..service_layer.projector import project_batch


def project_one(event: CloudEvent, ctx: HandlerContext) -> None:
    """Per-event form, for a runtime without the batch hook: a batch of one."""
    project_batch([event], BatchContext(ctx.db, ctx.session, ctx.outbox, [event]))


HANDLERS = {event_type: project_one for event_type in ORG_TYPES + MEETING_TYPES}
BATCH_HANDLER = project_batch
SUBSCRIPTIONS = ["tvp.members.organisations", "tvp.events.meetings"]
