"""Turns the members' events into this service's view of the membership.

Organisations, people and seats are kept each at the version of its latest
event (apply_if_newer), so redelivered or replayed events change nothing and
events of different aggregates may arrive in any order: nothing here needs
another aggregate to be known first. A seat that changes updates the
invitations of the body's meetings that have not started; a person's erasure
removes the name and e-mail address this service kept.
"""
from __future__ import annotations

from shared.clock import utc_now
from shared.contracts import members
from shared.messaging.consumer import HandlerContext
from shared.messaging.envelope import CloudEvent
from shared.messaging.projection import apply_if_newer

from ..adapters.documents import MEETINGS, ORGANISATIONS, PEOPLE, SEATS
from ..service_layer.invitations import reconcile
from ..service_layer.meetings import mutate

ORGANISATION_FIELDS = ("name", "kind", "province", "size_class", "is_sme", "status")
PERSON_FIELDS = ("organisation_id", "full_name", "email", "gender")
SEAT_FIELDS = ("body", "person_id", "organisation_id", "role", "term_start", "term_end")


def organisation_changed(event: CloudEvent, ctx: HandlerContext) -> None:
    fields = {name: event.data[name] for name in ORGANISATION_FIELDS if name in event.data}
    apply_if_newer(ctx.db[ORGANISATIONS], event, fields, ctx.session)


def person_changed(event: CloudEvent, ctx: HandlerContext) -> None:
    current = ctx.db[PEOPLE].find_one({"_id": event.aggregate_id}, {"erased": 1}, session=ctx.session)
    if current and current.get("erased"):
        return  # erasure is final
    fields = {name: event.data.get(name) for name in PERSON_FIELDS}
    apply_if_newer(ctx.db[PEOPLE], event, dict(fields, erased=False), ctx.session)


def person_erased(event: CloudEvent, ctx: HandlerContext) -> None:
    """Keep the opaque id, organisation and gender (the counts need them); drop the name and e-mail."""
    people = ctx.db[PEOPLE]
    fields = {"organisation_id": event.data["organisation_id"], "full_name": None, "email": None,
              "erased": True, "erased_at": event.data.get("at")}
    if not apply_if_newer(people, event, fields, ctx.session):
        # Already past this version (a replay): the erasure still holds.
        people.update_one({"_id": event.aggregate_id}, {"$set": {"full_name": None, "email": None, "erased": True}},
                          session=ctx.session)
    # Outside-participant data is not a member's person; registrations of members' people keep no names.


def seat_changed(event: CloudEvent, ctx: HandlerContext) -> None:
    ended = event.type == members.SEAT_ENDED
    fields = {name: event.data.get(name) for name in SEAT_FIELDS}
    fields.update(status="ended" if ended else "active", ended_on=event.data.get("ended_on") if ended else None)
    if apply_if_newer(ctx.db[SEATS], event, fields, ctx.session):
        update_invitations(ctx, event.data["body"])


def update_invitations(ctx: HandlerContext, body: str) -> None:
    now = utc_now()
    upcoming = ctx.db[MEETINGS].find({"body": body, "status": "scheduled", "starts_at": {"$gt": now}}, {"_id": 1},
                                     session=ctx.session)
    for meeting_id in [m["_id"] for m in upcoming]:
        mutate(ctx.db, ctx.outbox, meeting_id, lambda meeting: (reconcile(ctx.db, meeting, now, ctx.session), None),
               ctx.cause, session=ctx.session, now=now)


HANDLERS = {
    members.ORGANISATION_REGISTERED: organisation_changed,
    members.ORGANISATION_UPDATED: organisation_changed,
    members.ORGANISATION_MEMBERSHIP_CHANGED: organisation_changed,
    members.PERSON_REGISTERED: person_changed,
    members.PERSON_UPDATED: person_changed,
    members.PERSON_ERASED: person_erased,
    members.SEAT_ASSIGNED: seat_changed,
    members.SEAT_ENDED: seat_changed,
}
SUBSCRIPTIONS = [members.ORGANISATIONS, members.PEOPLE, members.SEATS]
