"""Use cases on organisations: each one state change plus the events that announce it."""
from __future__ import annotations

import re

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.auth import Principal
from shared.clock import utc_now
from shared.concurrency import Precondition
from shared.contracts import members as contract
from shared.errors import Conflict, NotFound
from shared.ids import new_id
from shared.messaging.outbox import Causation
from shared.permissions import require
from shared.provinces import fold
from shared.web.schemas import find_page

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
from .common import in_transaction, pick, with_retries

COLLECTION = "organisations"
REGISTERED = contract.ORGANISATION_REGISTERED
UPDATED = contract.ORGANISATION_UPDATED
MEMBERSHIP_CHANGED = contract.ORGANISATION_MEMBERSHIP_CHANGED

PAYLOAD_FIELDS = ["id", "name", "short_name", "kind", "province", "region", "district", "tax_number", "nace_code",
                  "size_class", "is_sme", "employees", "email", "website", "status"]
# Internal bookkeeping never shown by the API.
HIDDEN = {"outbox": 0, "outbox_pending": 0, "name_folded": 0, "status_history": 0, "seats_checked_at": 0}


def payload_of(document: dict) -> dict:
    return pick(document, PAYLOAD_FIELDS)


def _tax_number_taken() -> Conflict:
    return Conflict("an organisation with this tax number already exists", {"tax_number": ["already registered"]})


def register_organisation(ctx, data: dict, cause: Causation, actor: str) -> dict:
    check_size_class(data["kind"], data.get("size_class"))
    now = utc_now()
    document = {
        "_id": new_id(),
        **{k: v for k, v in data.items() if v is not None},
        **derived_fields(data["kind"], data["province"], data.get("size_class")),
        "name_folded": folded_name(data["name"], data.get("short_name")),
        "status": "applicant",
        "status_history": [{"action": "apply", "previous_status": None, "status": "applicant", "reason": None,
                            "actor": actor, "at": now}],
        "created_at": now,
        "updated_at": now,
    }
    try:
        events = ctx.outbox.insert(COLLECTION, document, [(REGISTERED, payload_of(document))], cause)
    except DuplicateKeyError:
        raise _tax_number_taken() from None
    return _visible(document) | {"version": len(events)}


def get_organisation(db: Database, organisation_id: str, session=None, projection=None) -> dict:
    found = db[COLLECTION].find_one({"_id": organisation_id}, HIDDEN if projection is None else projection,
                                    session=session)
    if found is None:
        raise NotFound(f"no organisation {organisation_id}")
    return found


def list_organisations(db: Database, query: dict) -> dict:
    filters = {name: query[name] for name in ("kind", "province", "status", "region") if name in query}
    if "is_sme" in query:
        filters["is_sme"] = query["is_sme"]
    if "q" in query:
        # A $regex string, not a compiled pattern: SecantusDB ignores BSON regex values.
        filters["name_folded"] = {"$regex": re.escape(fold(query["q"]))}
    return find_page(db[COLLECTION], filters, HIDDEN, [("name_folded", 1), ("_id", 1)], query["page"],
                     query["page_size"])


def update_organisation(ctx, organisation_id: str, changes: dict, precondition: Precondition | None,
                        cause: Causation, principal: Principal) -> dict:
    require(permissions.can_edit_organisation(principal, organisation_id),
                        "a chamber admin may only change its own organisation")

    def attempt() -> dict:
        current = get_organisation(ctx.db, organisation_id, projection={"outbox": 0})
        if precondition is not None:
            precondition.check(current["version"])
        to_set, to_unset, changed = apply_changes(current, changes)
        if not changed:
            return current
        to_set["updated_at"] = utc_now()
        after = {**{k: v for k, v in current.items() if k not in to_unset}, **to_set}
        payload = payload_of(after) | {"changed": changed}
        try:
            ctx.outbox.update(COLLECTION, organisation_id, current["version"], [(UPDATED, payload)], cause,
                              set_fields=to_set, unset_fields=to_unset,
                              public=public.publication(current, after, ["updated"]))
        except DuplicateKeyError:
            raise _tax_number_taken() from None
        return after | {"version": current["version"] + 1}

    return _visible(with_retries(attempt, precondition))


def change_membership(ctx, organisation_id: str, action: str, reason: str | None,
                      precondition: Precondition | None, cause: Causation, principal: Principal) -> dict:
    """approve | suspend | reinstate | withdraw. Suspending or withdrawing ends the seats of the
    organisation's people (one seat.ended event each) in the same transaction."""
    require(permissions.can_change_membership(principal, organisation_id, action),
                        "only a platform admin decides membership (a chamber admin may withdraw its own)")

    def work(session) -> dict:
        current = get_organisation(ctx.db, organisation_id, session=session, projection={"outbox": 0})
        if precondition is not None:
            precondition.check(current["version"])
        target = next_status(current["status"], action)
        now = utc_now()
        entry = {"action": action, "previous_status": current["status"], "status": target, "reason": reason,
                 "actor": principal.subject, "at": now}
        after = {**current, "status": target, "updated_at": now}
        payload = payload_of(after) | {"action": action, "previous_status": current["status"], "reason": reason,
                                       "actor": principal.subject, "at": now.isoformat()}
        [event] = ctx.outbox.update(COLLECTION, organisation_id, current["version"], [(MEMBERSHIP_CHANGED, payload)],
                                    cause, set_fields={"status": target, "updated_at": now},
                                    push_fields={"status_history": entry}, session=session,
                                    public=public.publication(current, after, ["membership_changed"],
                                                              current.get("status_history", []) + [entry]))
        if target in SEATLESS_STATUSES:
            seats.end_active_seats(ctx, {"organisation_id": organisation_id}, f"organisation {target}",
                                   Causation(cause.correlation_id, event.id), principal.subject, session)
        return after | {"version": current["version"] + 1}

    return _visible(with_retries(lambda: in_transaction(ctx.client, work), precondition))


def membership_history(db: Database, organisation_id: str) -> dict:
    found = get_organisation(db, organisation_id, projection={"status": 1, "status_history": 1, "version": 1})
    return {"organisation_id": organisation_id, "status": found["status"], "version": found["version"],
            "history": found.get("status_history", [])}


def _visible(document: dict) -> dict:
    return {name: value for name, value in document.items() if name not in HIDDEN}
