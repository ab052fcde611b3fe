"""The calendar reads: one meeting's `.ics` and the public feed (adapters/calendar.py writes them)."""
from __future__ import annotations

from datetime import timedelta

from shared.auth import Principal
from shared.clock import utc_now
from shared.service_layer.unit_of_work import UnitOfWork

from ..adapters.calendar import calendar_bytes, entry_of_public_view, meeting_ics
from .membership import organisation_names
from .public import view

# The feed keeps the recent past (a calendar shows what was held) without growing for ever.
FEED_PAST = timedelta(days=366)
FEED_LIMIT = 2000
FEED_NAME = "Trakya Verimlilik Platformu"


def meeting_calendar(uow: UnitOfWork, query: dict, principal: Principal) -> bytes:
    """The meeting's `.ics`, for whoever may read the meeting (GET /meetings/{id} has the same door)."""
    meeting = uow.meetings.get(query["meeting_id"])
    host = organisation_names(uow, [meeting["host_organisation_id"]]).get(meeting["host_organisation_id"])
    return meeting_ics(meeting, host_name=host)


def public_calendar(uow: UnitOfWork) -> bytes:
    """Every meeting of the last year and the future, as the public meetings topic shows it."""
    meetings = uow.meetings.for_calendar(utc_now() - FEED_PAST, FEED_LIMIT)
    return calendar_bytes((entry_of_public_view(view(m), m) for m in meetings), name=FEED_NAME)
