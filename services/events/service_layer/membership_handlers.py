"""Turns the members' events into this service's view of the membership.

Organisations, people and seats are kept each at the version of its latest
event (the repositories' `apply`), so redelivered or replayed events change
nothing and events of different aggregates may arrive in any order: nothing here
needs another aggregate to be known first. A seat that changes updates the
invitations of the body's meetings that have not started; a person's erasure
removes the name and e-mail address this service kept.

Each handler runs in a unit of work joined to the consumer's batch transaction: a
meeting that moved on meanwhile raises ConcurrencyConflict, and the consumer
retries the whole event.
"""
from __future__ import annotations

from shared.auth import Principal
from shared.clock import utc_now
from shared.contracts import members
from shared.messaging.envelope import CloudEvent
from shared.messaging.outbox import Causation
from shared.service_layer.unit_of_work import UnitOfWork

from .invitations import reconcile
from .meetings import change_meeting

ORGANISATION_FIELDS = ("name", "kind", "province", "size_class", "is_sme", "status")
# `consents` decides who gets meeting mails (domain/notifications.py); absent from older events: None, unknown.
PERSON_FIELDS = ("organisation_id", "full_name", "email", "gender", "consents")
SEAT_FIELDS = ("body", "person_id", "organisation_id", "role", "term_start", "term_end")


def organisation_changed(uow: UnitOfWork, event: CloudEvent, principal: Principal, cause: Causation) -> None:
    fields = {name: event.data[name] for name in ORGANISATION_FIELDS if name in event.data}
    uow.member_organisations.apply(event, fields)


def person_changed(uow: UnitOfWork, event: CloudEvent, principal: Principal, cause: Causation) -> None:
    current = uow.member_people.find(event.aggregate_id)
    if current and current.get("erased"):
        return  # erasure is final
    fields = {name: event.data.get(name) for name in PERSON_FIELDS}
    uow.member_people.apply(event, dict(fields, erased=False))


def person_erased(uow: UnitOfWork, event: CloudEvent, principal: Principal, cause: Causation) -> None:
    """Keep the opaque id, organisation and gender (the counts need them); drop the name and e-mail."""
    fields = {"organisation_id": event.data["organisation_id"], "full_name": None, "email": None,
              "consents": None, "erased": True, "erased_at": event.data.get("at")}
    if not uow.member_people.apply(event, fields):
        # Already past this version (a replay): the erasure still holds.
        uow.member_people.forget_names(event.aggregate_id)
    # Outside-participant data is not a member's person; registrations of members' people keep no names.


def seat_changed(uow: UnitOfWork, event: CloudEvent, principal: Principal, cause: Causation) -> None:
    ended = event.type == members.SEAT_ENDED
    fields = {name: event.data.get(name) for name in SEAT_FIELDS}
    fields.update(status="ended" if ended else "active", ended_on=event.data.get("ended_on") if ended else None)
    if uow.member_seats.apply(event, fields):
        update_invitations(uow, event.data["body"], cause)


def update_invitations(uow: UnitOfWork, body: str, cause: Causation) -> None:
    """Reconcile the invitations of the body's meetings that have not started with the seats view."""
    now = utc_now()
    for meeting_id in uow.meetings.upcoming_ids_of_body(body, now):
        change_meeting(uow, meeting_id, lambda meeting: (reconcile(uow, meeting, now), None), cause, now=now)


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
