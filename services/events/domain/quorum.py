"""Quorum of a governance meeting: a majority of the members seated at its start must be present."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Quorum:
    seated: int
    present: int
    required: int
    met: bool

    def to_dict(self) -> dict:
        return asdict(self)


def required_for(seated: int) -> int:
    """Absolute majority of the seated members (at least one)."""
    return seated // 2 + 1


def compute(seated_people: set[str], present_people: set[str]) -> Quorum:
    present = len(seated_people & present_people)
    required = required_for(len(seated_people))
    return Quorum(seated=len(seated_people), present=present, required=required,
                  met=bool(seated_people) and present >= required)
