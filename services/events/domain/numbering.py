"""Governance meetings are numbered per body in order of start time ("4th Advisory Board Meeting").

Meetings that are not cancelled count, in order of start time. A number becomes
final when the meeting is held or takes its first decision; final numbers never
change, and the meetings after them go on from there.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Numbered:
    id: str
    starts_at: datetime
    final_sequence: int | None = None


def assign_sequences(meetings: list[Numbered]) -> dict[str, int]:
    """Sequence of every (not cancelled) meeting of one body."""
    sequences: dict[str, int] = {}
    following = 1
    for meeting in sorted(meetings, key=lambda m: (m.starts_at, m.id)):
        if meeting.final_sequence is not None:
            sequences[meeting.id] = meeting.final_sequence
            following = max(following, meeting.final_sequence + 1)
        else:
            sequences[meeting.id] = following
            following += 1
    return sequences


def blocking_final(meetings: list[Numbered], starts_at: datetime, moving_id: str | None = None) -> Numbered | None:
    """A meeting with a final number that starts after `starts_at`: placing a meeting there would renumber it."""
    later = [m for m in meetings if m.final_sequence is not None and m.id != moving_id and m.starts_at > starts_at]
    return min(later, key=lambda m: m.starts_at) if later else None


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
