"""Use cases on organisations: each one state change plus the events that announce it."""
from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from shared.auth import Principal
from shared.clock import utc_now
from shared.contracts import members as contract
from shared.errors import Conflict, DuplicateKey
from shared.ids import new_id
from shared.messaging.outbox import Causation
from shared.permissions import require
from shared.provinces import fold
from shared.service_layer.unit_of_work import UnitOfWork

from ..domain import permissions
from ..domain.organisation import (
    SEATLESS_STATUSES,
    apply_changes,
    check_size_class,
    derived_fields,
    folded_name,
    next_status,
)
from . import public, seats
from .commands import (
    ChangeMembership,
    GetMembershipHistory,
    GetOrganisation,
    ListOrganisations,
    ListOrganisationsToExport,
    RegisterOrganisation,
    UpdateOrganisation,
)
from .common import pick

REGISTERED = contract.ORGANISATION_REGISTERED
UPDATED = contract.ORGANISATION_UPDATED
MEMBERSHIP_CHANGED = contract.ORGANISATION_MEMBERSHIP_CHANGED

PAYLOAD_FIELDS = ["id", "name", "short_name", "kind", "province", "region", "district", "tax_number", "nace_code",
                  "size_class", "is_sme", "employees", "email", "website", "status"]
# Internal bookkeeping never shown by the API.
HIDDEN = {"outbox": 0, "outbox_pending": 0, "name_folded": 0, "status_history": 0, "seats_checked_at": 0}
EVERYTHING_BUT_OUTBOX = {"outbox": 0}
# The orders a list may ask for (`sort`, "-" first for descending), by the stored field each one reads; the
# name sorts by its folded form so that "Çorlu" comes with the C's, as the name search matches it.
SORT_FIELDS = {"name": "name_folded", "province": "province", "status": "status", "created_at": "created_at"}
ORGANISATION_SORTS = [prefix + name for name in SORT_FIELDS for prefix in ("", "-")]


def payload_of(document: dict) -> dict:
    return pick(document, PAYLOAD_FIELDS)


def _tax_number_taken() -> Conflict:
    return Conflict("an organisation with this tax number already exists", {"tax_number": ["already registered"]})


def register_organisation(uow: UnitOfWork, command: RegisterOrganisation, principal: Principal,
                          cause: Causation) -> dict:
    data = command.details
    check_size_class(data["kind"], data.get("size_class"))
    now = utc_now()
    document = {
        "_id": new_id(),
        **{k: v for k, v in data.items() if v is not None},
        **derived_fields(data["kind"], data["province"], data.get("size_class")),
        "name_folded": folded_name(data["name"], data.get("short_name")),
        "status": "applicant",
        "status_history": [{"action": "apply", "previous_status": None, "status": "applicant", "reason": None,
                            "actor": principal.subject, "at": now}],
        "created_at": now,
        "updated_at": now,
    }
    try:
        events = uow.organisations.add(document, [(REGISTERED, payload_of(document))], cause)
    except DuplicateKey:
        raise _tax_number_taken() from None
    return _visible(document) | {"version": len(events)}


def update_organisation(uow: UnitOfWork, command: UpdateOrganisation, principal: Principal,
                        cause: Causation) -> dict:
    organisation_id = command.organisation_id
    require(permissions.can_edit_organisation(principal, organisation_id),
            "a chamber admin may only change its own organisation")
    current = uow.organisations.get(organisation_id, EVERYTHING_BUT_OUTBOX)
    if command.precondition is not None:
        command.precondition.check(current["version"])
    to_set, to_unset, changed = apply_changes(current, dict(command.changes))
    if not changed:
        return _visible(current)
    to_set["updated_at"] = utc_now()
    after = {**{k: v for k, v in current.items() if k not in to_unset}, **to_set}
    payload = payload_of(after) | {"changed": changed}
    try:
        uow.organisations.save(organisation_id, current["version"], [(UPDATED, payload)], cause,
                               set_fields=to_set, unset_fields=to_unset,
                               public=public.publication(current, after, ["updated"]))
    except DuplicateKey:
        raise _tax_number_taken() from None
    return _visible(after | {"version": current["version"] + 1})


def change_membership(uow: UnitOfWork, command: ChangeMembership, principal: Principal, cause: Causation) -> dict:
    """approve | suspend | reinstate | withdraw. Suspending or withdrawing ends the seats of the
    organisation's people (one seat.ended event each) in the same transaction."""
    organisation_id, action = command.organisation_id, command.action
    require(permissions.can_change_membership(principal, organisation_id, action),
            "only a platform admin decides membership (a chamber admin may withdraw its own)")
    with uow.atomic():
        current = uow.organisations.get(organisation_id, EVERYTHING_BUT_OUTBOX)
        if command.precondition is not None:
            command.precondition.check(current["version"])
        target = next_status(current["status"], action)
        now = utc_now()
        entry = {"action": action, "previous_status": current["status"], "status": target,
                 "reason": command.reason, "actor": principal.subject, "at": now}
        after = {**current, "status": target, "updated_at": now}
        payload = payload_of(after) | {"action": action, "previous_status": current["status"],
                                       "reason": command.reason, "actor": principal.subject, "at": now.isoformat()}
        [event] = uow.organisations.save(organisation_id, current["version"], [(MEMBERSHIP_CHANGED, payload)], cause,
                                         set_fields={"status": target, "updated_at": now},
                                         push_fields={"status_history": entry},
                                         public=public.publication(current, after, ["membership_changed"],
                                                                   current.get("status_history", []) + [entry]))
        if target in SEATLESS_STATUSES:
            seats.end_active_seats(uow, {"organisation_id": organisation_id}, f"organisation {target}",
                                   cause.caused_by(event.id), principal.subject)
    return _visible(after | {"version": current["version"] + 1})


# -- reads ----------------------------------------------------------------------------------------

def get_organisation(uow: UnitOfWork, query: GetOrganisation, principal: Principal) -> dict:
    return uow.organisations.get(query.organisation_id)


def list_organisations(uow: UnitOfWork, query: ListOrganisations, principal: Principal) -> dict:
    return uow.organisations.page(_selection(query.filters), _order(query.sort), query.page, query.page_size)


def export_organisations(uow: UnitOfWork, query: ListOrganisationsToExport, principal: Principal) -> Iterator[dict]:
    """Every organisation the list's filters select, in the list's order: what an export file holds."""
    return uow.organisations.every(_selection(query.filters), _order(query.sort))


def _selection(wanted: Mapping[str, Any]) -> dict:
    filters = {name: wanted[name] for name in ("kind", "province", "status", "region", "is_sme") if name in wanted}
    if "q" in wanted:
        # A $regex string, not a compiled pattern: SecantusDB ignores BSON regex values.
        filters["name_folded"] = {"$regex": re.escape(fold(wanted["q"]))}
    return filters


def _order(sort: str) -> list[tuple[str, int]]:
    """The sort the list asked for, then the name and the id: equal values keep one order from page to page."""
    name = sort.lstrip("-")
    ties = [(field, 1) for field in ("name_folded", "_id") if field != SORT_FIELDS[name]]
    return [(SORT_FIELDS[name], -1 if sort.startswith("-") else 1), *ties]


def membership_history(uow: UnitOfWork, query: GetMembershipHistory, principal: Principal) -> dict:
    found = uow.organisations.get(query.organisation_id, {"status": 1, "status_history": 1, "version": 1})
    return {"organisation_id": query.organisation_id, "status": found["status"], "version": found["version"],
            "history": found.get("status_history", [])}


def _visible(document: dict) -> dict:
    return {name: value for name, value in document.items() if name not in HIDDEN}
