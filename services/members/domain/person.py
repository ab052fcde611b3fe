"""People of member organisations: contact data, consents and erasure. Pure rules."""
from __future__ import annotations

from datetime import datetime, timedelta

from shared.errors import Conflict, Unprocessable

# Everything that identifies a person; erased on a KVKK/GDPR erasure request.
IDENTIFYING_FIELDS = ["full_name", "email", "phone", "title", "consents", "gender", "name_folded", "email_key"]
# The same fields as they appear in the payload of person events.
IDENTIFYING_PAYLOAD_FIELDS = ["full_name", "email", "phone", "title", "consents"]
EDITABLE_FIELDS = ["full_name", "email", "title", "phone", "gender", "consents"]
REQUIRED_FIELDS = {"full_name", "email"}
CLOCK_SKEW = timedelta(minutes=5)


def email_key(organisation_id: str, email: str) -> str:
    """One person per e-mail address within an organisation (case-insensitive)."""
    return f"{organisation_id}:{email.strip().lower()}"


def check_organisation_accepts_people(status: str) -> None:
    if status == "withdrawn":
        raise Conflict("the organisation has withdrawn; it can have no new people",
                       {"organisation_id": ["organisation is withdrawn"]})


def check_consents(consents: list[dict], now: datetime) -> None:
    """One consent per purpose; nothing granted or withdrawn in the future; no withdrawal before the grant."""
    errors: dict = {}
    seen: set = set()
    for index, consent in enumerate(consents):
        problems = []
        purpose = consent["purpose"].strip().lower()
        if purpose in seen:
            problems.append(f"purpose {consent['purpose']!r} appears twice")
        seen.add(purpose)
        granted, withdrawn = consent.get("granted_at"), consent.get("withdrawn_at")
        if granted and granted > now + CLOCK_SKEW:
            problems.append("granted_at is in the future")
        if withdrawn and withdrawn > now + CLOCK_SKEW:
            problems.append("withdrawn_at is in the future")
        if granted and withdrawn and withdrawn < granted:
            problems.append("withdrawn_at is before granted_at")
        if problems:
            errors[str(index)] = problems
    if errors:
        raise Unprocessable("the consents are invalid", {"consents": errors})


def apply_changes(current: dict, changes: dict) -> tuple[dict, list[str], list[str]]:
    """Fields to set, fields to clear and names of what changed, for a PATCH of a person."""
    if current.get("status") == "erased":
        raise Conflict("the person was erased")
    for name in REQUIRED_FIELDS:
        if name in changes and changes[name] is None:
            raise Unprocessable(f"{name} cannot be cleared", {name: ["may not be null"]})
    changed = [name for name in EDITABLE_FIELDS if name in changes and changes[name] != current.get(name)]
    to_set = {name: changes[name] for name in changed if changes[name] is not None}
    to_unset = [name for name in changed if changes[name] is None]
    return to_set, to_unset, changed
