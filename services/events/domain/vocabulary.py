"""The events service's vocabulary: meeting kinds, themes and the governance bodies they belong to."""
from __future__ import annotations

from shared.contracts.events import FIXED_BODY, GOVERNANCE_KINDS

BODY_PATTERN = r"^[a-z][a-z0-9_-]{1,49}$"  # as members names bodies


def is_governance(kind: str) -> bool:
    return kind in GOVERNANCE_KINDS


def body_of(kind: str, body: str | None) -> str | None:
    """The governance body a meeting of this kind belongs to, or a ValueError naming the problem."""
    if kind in FIXED_BODY:
        if body not in (None, FIXED_BODY[kind]):
            raise ValueError(f"a {kind} belongs to the body {FIXED_BODY[kind]!r}")
        return FIXED_BODY[kind]
    if kind == "working_group_meeting":
        if not body:
            raise ValueError("a working group meeting needs the working group's body code")
        if body in FIXED_BODY.values():
            raise ValueError(f"{body!r} is not a working group; use the {body}_meeting kind")
        return body
    if body is not None:
        raise ValueError(f"a {kind} belongs to no governance body")
    return None
