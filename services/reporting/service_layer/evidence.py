"""Evidence: the expenditures' files (kept here) and the evidence of a report's period.

An expenditure's supporting files (invoices, mostly) are stored in reporting's database (shared/evidence). An
expenditure whose day lies in a submitted report's period is frozen: it takes no more files (409), since the
submitted report and its package must stay what they were.

A report lists the evidence of its period (`evidence_of_period`): the files of the meetings held in the period
(known from the events service's `meeting.evidence_added` events, projector.py; the bytes stay there) and the
files of the period's expenditures. Each entry carries its SHA-256 and a way to open its bytes; a meeting's
file is fetched from the events service as it is read and checked against the SHA-256 of its event (reporting
does not copy the bytes on the event: 20 MiB files do not belong on the event stream, and a copy would double
what is stored, with a second place to erase from).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol

from shared.auth import Principal
from shared.clock import local_iso
from shared.errors import Conflict, NotFound
from shared.evidence.flow import store_then_attach
from shared.evidence.integrity import verified
from shared.evidence.uploads import Upload
from shared.permissions import require

from ..domain import permissions
from ..domain.periods import Period
from . import expenditures

OWNER = "expenditure"
MEETING = "meeting"


def _check_not_frozen(uow, expenditure: dict) -> None:
    submitted = uow.reports.submitted_covering(expenditure["date"])
    if submitted is not None:
        raise Conflict(f"expenditure {expenditure['_id']} of {expenditure['date']} belongs to the submitted "
                       f"{submitted['kind']} report for {submitted['period']}: it takes no more evidence")


def add(uow, expenditure_id: str, upload: Upload, principal: Principal) -> dict:
    """Store the upload as the expenditure's evidence: 404, 409 (frozen), 413/415/422 (the file)."""
    require(permissions.can_add_expenditure_evidence(principal),
            "only programme officers and platform admins add evidence to expenditures")
    expenditure = expenditures.get(uow, expenditure_id)
    _check_not_frozen(uow, expenditure)
    # Checked again once the file is written: a report of the period may have been submitted meanwhile.
    return store_then_attach(uow.evidence, upload, owner_type=OWNER, owner_id=expenditure_id,
                             uploaded_by=principal.subject, attach=lambda stored: _check_not_frozen(uow, expenditure))


# -- reads ------------------------------------------------------------------------------

def listing(uow, expenditure_id: str, query: dict) -> dict:
    expenditures.get(uow, expenditure_id)  # 404 if unknown
    return uow.evidence.page_of_owner(OWNER, expenditure_id, query["page"], query["page_size"])


def one(uow, evidence_id: str) -> dict:
    stored = uow.evidence.get(evidence_id)
    if stored["owner_type"] != OWNER:
        raise NotFound(f"no evidence file {evidence_id}")
    return stored


class MeetingFiles(Protocol):
    """Where a meeting's evidence bytes come from (adapters/events_evidence.py: the events service's API)."""

    def chunks(self, evidence_id: str) -> Iterator[bytes]: ...


@dataclass(frozen=True)
class EvidenceEntry:
    """One file of a period's evidence. `open()` yields its bytes, checked against `sha256` and `size` as they
    pass (shared.evidence.integrity.EvidenceMismatch at the end if they differ)."""

    id: str
    source: str  # "meeting" | "expenditure"
    owner_id: str  # the meeting's or the expenditure's id
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: str
    open: Callable[[], Iterator[bytes]] = field(repr=False, compare=False)

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in ("id", "source", "owner_id", "kind", "filename",
                                                       "content_type", "size", "sha256", "uploaded_at")}


def _unavailable(evidence_id: str) -> Iterator[bytes]:
    raise RuntimeError(f"no way to open meeting evidence {evidence_id}: evidence_of_period needs meeting_files")
    yield b""  # pragma: no cover - makes this a generator


def evidence_of_period(uow, period: Period, meeting_files: MeetingFiles | None = None) -> list[EvidenceEntry]:
    """The evidence of the period: the files of its held meetings, then those of its expenditures, each in the
    order uploaded. `meeting_files` opens a meeting's file (EventsEvidence as the caller); without it, only
    the expenditures' files can be opened."""
    gen = uow.projections.active()
    meeting_ids = sorted(m["_id"] for m in gen.held_meetings(period.start.isoformat(), period.end.isoformat()))
    entries: list[EvidenceEntry] = []
    for doc in gen.evidence_of_meetings(meeting_ids):
        def open_meeting_file(doc=doc) -> Iterator[bytes]:
            source = meeting_files.chunks(doc["_id"]) if meeting_files else _unavailable(doc["_id"])
            return verified(source, doc["sha256"], doc["size"])

        entries.append(EvidenceEntry(doc["_id"], MEETING, doc["meeting_id"], doc["kind"], doc["filename"],
                                     doc["content_type"], doc["size"], doc["sha256"], doc["uploaded_at"],
                                     open_meeting_file))
    spent_ids = [e["_id"] for e in expenditures.in_range(uow, period.start, period.end)]
    for stored in uow.evidence.of_owners(OWNER, spent_ids):
        def open_expenditure_file(stored=stored) -> Iterator[bytes]:
            return verified(uow.evidence.chunks(stored["id"]), stored["sha256"], stored["size"])

        entries.append(EvidenceEntry(stored["id"], OWNER, stored["owner_id"], stored["kind"], stored["filename"],
                                     stored["content_type"], stored["size"], stored["sha256"],
                                     _iso(stored["uploaded_at"]), open_expenditure_file))
    return entries


def _iso(moment) -> str:
    return local_iso(moment)
