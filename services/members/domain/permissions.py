"""Who may do what, beyond the role check at the door (shared.web.security.requires).

platform_admin: everything. chamber_admin: its own organisation and its people
(it cannot approve, suspend or reinstate, nor seat anyone). programme_officer
and auditor: read.
"""
from __future__ import annotations

from shared.auth import ROLES, Principal
from shared.permissions import acts_for as _own


def can_register_organisation(principal: Principal) -> bool:
    return principal.role in {"platform_admin", "chamber_admin"}


def can_edit_organisation(principal: Principal, organisation_id: str) -> bool:
    return principal.is_admin or _own(principal, organisation_id)


def can_change_membership(principal: Principal, organisation_id: str, action: str) -> bool:
    """Admins decide membership; a chamber may only withdraw its own organisation."""
    return principal.is_admin or (action == "withdraw" and _own(principal, organisation_id))


def can_manage_people_of(principal: Principal, organisation_id: str) -> bool:
    return principal.is_admin or _own(principal, organisation_id)


def can_read_person(principal: Principal, organisation_id: str) -> bool:
    if principal.role == "chamber_admin":
        return _own(principal, organisation_id)
    return principal.role in ROLES  # every role reads


def can_read_consents(principal: Principal, organisation_id: str) -> bool:
    return principal.is_admin or _own(principal, organisation_id)


def can_manage_governance(principal: Principal) -> bool:
    return principal.is_admin
