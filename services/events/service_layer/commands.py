"""The commands of the events service: what the HTTP layer parsed, one frozen dataclass per use case.

`precondition` is the request's If-Match where the contract honours it (changes of a
meeting's status); the bus answers 412 instead of retrying when such a command lost a race.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from shared.concurrency import Precondition


@dataclass(frozen=True)
class ScheduleMeeting:
    kind: str
    title: str
    host_organisation_id: str
    starts_at: datetime
    ends_at: datetime
    body: str | None = None
    venue: dict | None = None
    themes: tuple[str, ...] = ()
    capacity: int | None = None
    description: str | None = None


@dataclass(frozen=True)
class RescheduleMeeting:
    meeting_id: str
    starts_at: datetime
    ends_at: datetime
    precondition: Precondition | None = None


@dataclass(frozen=True)
class CancelMeeting:
    meeting_id: str
    reason: str
    precondition: Precondition | None = None


@dataclass(frozen=True)
class CloseMeeting:
    meeting_id: str
    precondition: Precondition | None = None


@dataclass(frozen=True)
class Register:
    """A member's person (`person_id`) or an outside participant (`participant`), never both."""
    meeting_id: str
    person_id: str | None = None
    participant: dict | None = field(default=None, hash=False)


@dataclass(frozen=True)
class CancelRegistration:
    meeting_id: str
    registration_id: str
    reason: str | None = None


@dataclass(frozen=True)
class RecordAttendance:
    meeting_id: str
    registration_id: str


@dataclass(frozen=True)
class CheckIn:
    """Attendance by the code of a badge (domain/check_in.py)."""
    meeting_id: str
    code: str


@dataclass(frozen=True)
class RecordDecision:
    meeting_id: str
    text: str
    votes: dict | None = field(default=None, hash=False)
