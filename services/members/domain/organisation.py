"""Organisations and their membership lifecycle: pure rules, no I/O."""
from __future__ import annotations

from shared.contracts.members import ORGANISATION_KINDS, SIZE_CLASSES, is_sme  # noqa: F401 - re-exported vocabulary
from shared.errors import Conflict, Unprocessable
from shared.provinces import fold, region_of

# action -> (statuses it may start from, status it leads to)
TRANSITIONS = {
    "approve": ({"applicant"}, "active"),
    "suspend": ({"active"}, "suspended"),
    "reinstate": ({"suspended"}, "active"),
    "withdraw": ({"applicant", "active", "suspended"}, "withdrawn"),
}
FINAL_STATUSES = {"withdrawn"}
# Statuses whose people lose their seats on governance bodies.
SEATLESS_STATUSES = {"suspended", "withdrawn"}

# What a PATCH may change; the first three may not be cleared.
EDITABLE_FIELDS = ["name", "kind", "province", "short_name", "district", "tax_number", "nace_code", "size_class",
                   "employees", "email", "website"]
REQUIRED_FIELDS = {"name", "kind", "province"}


def next_status(current: str, action: str) -> str:
    if action not in TRANSITIONS:
        raise Unprocessable(f"unknown membership action {action!r}", {"action": [f"one of {', '.join(TRANSITIONS)}"]})
    allowed_from, target = TRANSITIONS[action]
    if current not in allowed_from:
        raise Conflict(f"cannot {action} an organisation that is {current}",
                       {"action": [f"not allowed while the organisation is {current}"]})
    return target


def check_size_class(kind: str, size_class: str | None) -> None:
    if kind == "company" and not size_class:
        raise Unprocessable("a company needs its size class", {"size_class": ["required for companies"]})


def derived_fields(kind: str, province: str, size_class: str | None) -> dict:
    return {"region": region_of(province), "is_sme": is_sme(kind, size_class)}


def folded_name(name: str, short_name: str | None) -> str:
    """What the name search looks in: name and short name, lower-case, without diacritics."""
    return fold(name + " " + (short_name or ""))


def apply_changes(current: dict, changes: dict) -> tuple[dict, list[str], list[str]]:
    """The fields to set, the fields to clear and the names of what changed, for a PATCH of `current`.

    `changes` holds only fields the client sent; None clears an optional field.
    Raises Unprocessable when the result would break a rule (a company without size class).
    """
    if current.get("status") in FINAL_STATUSES:
        raise Conflict(f"the organisation is {current['status']}; it can no longer be changed")
    for name in REQUIRED_FIELDS:
        if name in changes and changes[name] is None:
            raise Unprocessable(f"{name} cannot be cleared", {name: ["may not be null"]})
    changed = [name for name in EDITABLE_FIELDS if name in changes and changes[name] != current.get(name)]
    merged = {**current, **{name: changes[name] for name in changed}}
    check_size_class(merged["kind"], merged.get("size_class"))
    to_set = {name: merged[name] for name in changed if merged[name] is not None}
    to_unset = [name for name in changed if merged[name] is None]
    if changed:
        to_set.update(derived_fields(merged["kind"], merged["province"], merged.get("size_class")))
        to_set["name_folded"] = folded_name(merged["name"], merged.get("short_name"))
    return to_set, to_unset, changed
