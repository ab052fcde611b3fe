"""Organisations and their membership lifecycle."""
from __future__ import annotations

from shared.contracts.members import ORGANISATION_KINDS, SIZE_CLASSES  # noqa: F401 - re-exported vocabulary
from shared.errors import Conflict

from .provinces import region_of

SME_CLASSES = {"micro", "small", "medium"}

# action -> (statuses it may start from, status it leads to)
TRANSITIONS = {
    "approve": ({"applicant"}, "active"),
    "suspend": ({"active"}, "suspended"),
    "reinstate": ({"suspended"}, "active"),
    "withdraw": ({"applicant", "active", "suspended"}, "withdrawn"),
}


def is_sme(kind: str, size_class: str | None) -> bool:
    return kind == "company" and size_class in SME_CLASSES


def next_status(current: str, action: str) -> str:
    allowed_from, target = TRANSITIONS[action]
    if current not in allowed_from:
        raise Conflict(f"cannot {action} an organisation that is {current}")
    return target


def derived_fields(kind: str, province: str, size_class: str | None) -> dict:
    return {"region": region_of(province), "is_sme": is_sme(kind, size_class)}
