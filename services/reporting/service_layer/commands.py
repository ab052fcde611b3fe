"""What reporting is asked to do: one frozen dataclass per command, as the HTTP layer (or `tvp rebuild`) parsed it.

The message bus (bootstrap.py) runs each in its use case, `handler(uow, command, principal, cause)`;
`precondition` is the parsed If-Match where the contract honours it (412 when stale).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Callable

from shared.concurrency import Precondition


@dataclass(frozen=True)
class UpdateProgramme:
    name: str
    start_date: date
    end_date: date
    eu_share: Decimal
    national_share: Decimal
    name_tr: str | None = None
    beneficiary: str | None = None
    targets: dict = field(default_factory=dict)
    precondition: Precondition | None = None


@dataclass(frozen=True)
class RecordExpenditure:
    date: date
    budget_line: str
    amount: Decimal
    currency: str
    description: str
    eur_rate: Decimal | None = None
    meeting_id: str | None = None


@dataclass(frozen=True)
class CreateReport:
    period: str
    kind: str


@dataclass(frozen=True)
class RecomputeReport:
    report_id: str


@dataclass(frozen=True)
class SubmitReport:
    report_id: str
    prepared: Any = None  # package.Rendered: the files rendered before the command runs (else it renders them)


@dataclass(frozen=True)
class UpdateReport:
    """A draft's narrative: {section: {"tr": …, "en": …}}."""
    report_id: str
    narrative: dict
    precondition: Precondition | None = None


@dataclass(frozen=True)
class ReviseReport:
    """A correction of a submitted report: a new draft version of it, with the reason why."""
    report_id: str
    reason: str


@dataclass(frozen=True)
class DeleteReport:
    report_id: str


@dataclass(frozen=True)
class RebuildProjections:
    """Replay the journal into a new projection generation. `progress(events done, events in the journal)`
    drives a progress bar; `say` gets what is worth a line of its own."""
    progress: Callable[[int, int], None] | None = None
    say: Callable[[str], None] | None = None
    chunk: int = 4  # journal entries (batches of up to 500 events each) replayed at a time
