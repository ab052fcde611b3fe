"""Turns the members' events into this service's view of the membership."""
from shared.messaging.consumer import HandlerContext
from shared.messaging.envelope import CloudEvent
from shared.messaging.projection import apply_if_newer

VIEW = "member_organisations"
ORGANISATION_FIELDS = ("name", "kind", "province", "size_class", "is_sme", "status")


def organisation_changed(event: CloudEvent, ctx: HandlerContext) -> None:
    fields = {name: event.data[name] for name in ORGANISATION_FIELDS if name in event.data}
    apply_if_newer(ctx.db[VIEW], event, fields, ctx.session)


HANDLERS = {
    "tr.tvp.members.organisation.registered.v1": organisation_changed,
    "tr.tvp.members.organisation.updated.v1": organisation_changed,
    "tr.tvp.members.organisation.membership_changed.v1": organisation_changed,
}
SUBSCRIPTIONS = ["tvp.members.organisations", "tvp.members.people", "tvp.members.seats"]
