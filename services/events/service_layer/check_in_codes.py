"""The migration that gives registrations confirmed before check-in codes existed their codes.

New confirmations get theirs in the same write (meetings.change_meeting). This runs when the
service starts (create_app's setup) and only looks at scheduled meetings, the only ones that
can still take attendance; it is idempotent, and a code once given is never replaced.
"""
from __future__ import annotations

from shared.service_layer.unit_of_work import UnitOfWork

from ..domain.check_in import missing_codes


def issue_missing_codes(uow: UnitOfWork) -> int:
    """Codes for the confirmed registrations of scheduled meetings that have none; how many were given."""
    given = 0
    for meeting in uow.meetings.scheduled_with_confirmed():
        issued = missing_codes(meeting)
        if issued:
            given += uow.meetings.add_check_in_codes(meeting["_id"], issued)
    return given
