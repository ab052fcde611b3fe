"""Revisions: the correction of a submitted report without touching it.

A revision is a new draft version of the report (`revision` n+1, `revision_of` the version it corrects, the
reason, that version's SHA-256 as `previous_sha256`), computed from today's figures and starting from the
corrected version's narrative. Submitting it freezes its own package, whose manifest names
`previous_sha256`: the versions form a hash chain. Only the latest version can be revised (a unique index
on `<lineage>|<revision>`), so the chain never forks; the corrected version is never written again.
"""
from __future__ import annotations

from shared.auth import Principal
from shared.errors import Conflict
from shared.messaging.outbox import Causation

from ..domain import narrative
from ..domain.periods import parse_period
from .commands import ReviseReport
from .reports import get, new_draft


def revise(uow, command: ReviseReport, principal: Principal, cause: Causation) -> dict:
    previous = get(uow, command.report_id)
    if previous["status"] != "submitted":
        raise Conflict("only a submitted report can be revised; a draft is corrected by editing it")
    lineage = previous.get("lineage") or previous["_id"]
    document = new_draft(uow, parse_period(previous["period"]), previous["kind"], principal,
                         revision=previous.get("revision", 1) + 1, lineage=lineage)
    document.update(revision_of=previous["_id"], previous_sha256=previous["sha256"], reason=command.reason,
                    previous_submitted_at=previous.get("submitted_at"),
                    narrative=narrative.complete(previous.get("narrative")))
    uow.reports.add_revision(document, cause)
    return get(uow, document["_id"])
