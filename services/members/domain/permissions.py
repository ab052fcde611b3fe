"""Who may do what: the door of every route (ACCESS, shared/access.py) and the rules beyond it.

platform_admin: everything. chamber_admin: its own organisation and its people
(it cannot approve, suspend or reinstate, nor seat anyone). programme_officer
and auditor: read.
"""
from __future__ import annotations

from shared.access import EVERY_ROLE, allow, privacy_rows, retention_rows
from shared.auth import ROLES, Principal
from shared.permissions import acts_for as _own
from shared.permissions import sees_contact_of

API = "/api/v1"
CONTACT = "e-mail and phone only for platform admins and the person's own chamber admin"

# The door of every route (shared/access.py); one line per route and method. A route added without its line
# stops the service from starting.
ACCESS = {
    ("GET", f"{API}/organisations"): allow(*EVERY_ROLE),
    ("POST", f"{API}/organisations"): allow("chamber_admin"),
    ("POST", f"{API}/organisations/imports"): allow(note="registers many organisations at once: platform admins"),
    ("GET", f"{API}/organisations/export"): allow(*EVERY_ROLE, note="the list as a file: whoever reads the list"),
    ("GET", f"{API}/organisations/{{organisation_id}}"): allow(*EVERY_ROLE),
    ("PATCH", f"{API}/organisations/{{organisation_id}}"): allow("chamber_admin", own=True),
    ("GET", f"{API}/organisations/{{organisation_id}}/membership"): allow(*EVERY_ROLE),
    ("POST", f"{API}/organisations/{{organisation_id}}/membership"): allow(
        "chamber_admin", own=True, note="a chamber admin may only withdraw its own organisation"),
    ("GET", f"{API}/people"): allow(*EVERY_ROLE, own=True, note=f"chamber admins: their own people; {CONTACT}"),
    ("POST", f"{API}/people"): allow("chamber_admin", own=True),
    ("GET", f"{API}/people/{{person_id}}"): allow(*EVERY_ROLE, own=True, note=f"consents and {CONTACT}"),
    ("PATCH", f"{API}/people/{{person_id}}"): allow("chamber_admin", own=True),
    ("DELETE", f"{API}/people/{{person_id}}"): allow("chamber_admin", own=True, note="erasure (KVKK / GDPR)"),
    ("GET", f"{API}/bodies"): allow(*EVERY_ROLE),
    ("POST", f"{API}/bodies"): allow(),
    ("GET", f"{API}/bodies/{{code}}"): allow(*EVERY_ROLE, note="seats show names and organisations, no contact data"),
    ("GET", f"{API}/bodies/{{code}}/history"): allow(*EVERY_ROLE),
    ("POST", f"{API}/bodies/{{code}}/seats"): allow(),
    ("GET", f"{API}/bodies/{{code}}/seats/{{seat_id}}"): allow(*EVERY_ROLE),
    ("POST", f"{API}/bodies/{{code}}/seats/{{seat_id}}/end"): allow(),
    **privacy_rows(),
    **retention_rows(),
}


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


def can_see_contact(principal: Principal, organisation_id: str) -> bool:
    """A person's e-mail and phone: platform admins and the person's own chamber admin only."""
    return sees_contact_of(principal, organisation_id)


def can_manage_governance(principal: Principal) -> bool:
    return principal.is_admin
