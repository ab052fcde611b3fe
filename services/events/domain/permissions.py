"""Who may do what with meetings, beyond the role check at the door (shared.web.security.requires).

platform_admin: everything. chamber_admin: the meetings its organisation hosts (no governance
meetings), and its own people's registrations anywhere. programme_officer and auditor: read.
"""
from __future__ import annotations

from shared.auth import Principal
from shared.permissions import acts_for


def can_manage_meeting(principal: Principal, meeting: dict) -> bool:
    return principal.is_admin or acts_for(principal, meeting["host_organisation_id"])


def can_schedule_meetings(principal: Principal) -> bool:
    return principal.role in {"platform_admin", "chamber_admin"}


def can_schedule_for_body(principal: Principal, body: str | None) -> bool:
    """Governance meetings (those of a body) are the platform's to schedule."""
    return principal.is_admin or body is None


def can_host_from(principal: Principal, host_organisation_id: str) -> bool:
    return principal.is_admin or acts_for(principal, host_organisation_id)


def can_record_past_meetings(principal: Principal) -> bool:
    return principal.is_admin


def can_register_for(principal: Principal, meeting: dict, registrant_organisation: str | None) -> bool:
    """The meeting's managers register anyone; a chamber admin its own organisation's people."""
    return can_manage_meeting(principal, meeting) or acts_for(principal, registrant_organisation)


def can_see_registration(principal: Principal, meeting: dict, registration: dict) -> bool:
    """A chamber admin sees the registrations of the meetings it hosts and of its own organisation."""
    if principal.role != "chamber_admin" or can_manage_meeting(principal, meeting):
        return True
    return (registration.get("organisation") or {}).get("id") == principal.organisation_id
