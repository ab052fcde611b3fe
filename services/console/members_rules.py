"""What the members pages offer the signed-in user (forms, action buttons), by the members service's own
predicates and lifecycle table: a page offers what the API would allow, and the API's 403 or 409 stays the
final word (a button shown by mistake still changes nothing)."""

from __future__ import annotations

from services.members.domain import permissions
from services.members.domain.organisation import FINAL_STATUSES, TRANSITIONS
from shared.auth import Principal


def may_register_organisation(user: Principal) -> bool:
    return permissions.can_register_organisation(user)


def may_edit_organisation(user: Principal, organisation: dict) -> bool:
    return organisation["status"] not in FINAL_STATUSES and permissions.can_edit_organisation(user, organisation["id"])


def membership_actions(user: Principal, organisation: dict) -> list[str]:
    """The lifecycle actions possible from the organisation's status that this user may take, in table order."""
    return [action for action, (starts, _target) in TRANSITIONS.items()
            if organisation["status"] in starts and permissions.can_change_membership(user, organisation["id"], action)]


def may_register_people(user: Principal, organisation_id: str | None = None) -> bool:
    """For one organisation, or (without one) for some organisation: a chamber admin registers its own people."""
    if organisation_id is None:
        return user.is_admin or user.role == "chamber_admin"
    return permissions.can_manage_people_of(user, organisation_id)


def may_manage_seats(user: Principal) -> bool:
    return permissions.can_manage_governance(user)
