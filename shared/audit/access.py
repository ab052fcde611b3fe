"""An access request's answer (KVKK Art. 11, GDPR Art. 15), apart from HTTP: who may have it, and its frame.

Each service's `service_layer/data_subject.py` provides `holdings(uow, person_id, principal)`, what it
holds about the person by category, raising NotFound for a person it knows nothing of and Forbidden
(through `may_see_data_subject`) for an asker who may not have it; `access_request` frames it with the
audit entries naming the person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from ..auth import Principal
from ..clock import local_iso, utc_now
from ..permissions import acts_for
from ..service_layer.unit_of_work import UnitOfWork

Holdings = Callable[[UnitOfWork, str, Principal], dict]


def may_see_data_subject(principal: Principal, organisation_id: str | None) -> bool:
    """Who gets an access request's answer about a person of `organisation_id`: platform admins, and the
    chamber admin of that organisation (the person's own chamber acts for the person)."""
    return principal.is_admin or acts_for(principal, organisation_id)


def plain(value: Any) -> Any:
    """A service's holdings as JSON: stored times as ISO 8601 with the platform's offset."""
    if isinstance(value, datetime):
        return local_iso(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def access_request(
    uow: UnitOfWork, service: str, holdings: Holdings, person_id: str, principal: Principal, with_audit: bool = True
) -> dict:
    """The answer to an access request: the service's holdings, its audit entries naming the person.

    A service that sends messages to people lists them under `notifications` in its holdings; they are shown
    apart (null for a service that sends none)."""
    held = holdings(uow, person_id, principal)
    notifications = held.pop("notifications", None)
    return {
        "person_id": person_id,
        "service": service,
        "generated_at": utc_now(),
        "holds": plain(held),
        "notifications": None if notifications is None else plain(notifications),
        "audit": uow.audit_trail.naming(f"person/{person_id}") if with_audit else None,
    }
