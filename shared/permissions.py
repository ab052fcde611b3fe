"""How every service refuses: pure `can_<verb>(principal, ...) -> bool` predicates live in each service's
domain/permissions.py; use cases (service_layer) call `require(permissions.can_…(…), message)`.
The role gate at the door (shared.web.security.requires) stays in the entrypoints."""

from __future__ import annotations

from .auth import Principal
from .errors import Forbidden


def require(allowed: bool, message: str) -> None:
    """403 with `message` unless `allowed`."""
    if not allowed:
        raise Forbidden(message)


def acts_for(principal: Principal, organisation_id: str | None) -> bool:
    """Whether the principal is a chamber admin of that organisation."""
    return (
        principal.role == "chamber_admin"
        and bool(principal.organisation_id)
        and principal.organisation_id == organisation_id
    )


def sees_contact_of(principal: Principal, organisation_id: str | None) -> bool:
    """Whether the principal may see the contact data (e-mail, phone) of a person of that organisation:
    platform admins and the person's own chamber admin; programme officers and auditors never."""
    return principal.is_admin or acts_for(principal, organisation_id)
