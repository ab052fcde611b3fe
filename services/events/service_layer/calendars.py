"""The calendar reads: one meeting's `.ics` and the public feed (adapters/calendar.py writes them)."""
from __future__ import annotations

import hashlib
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


# The last feed this process built and what it was built from (a fingerprint of the meetings' ids and
# `updated_at`): anyone may ask for the feed without a token, and drawing 2,000 entries takes seconds
# (benchmarks/printouts.py) while reading them is cheap. Every change of a meeting moves its `updated_at`,
# so the same fingerprint means the same bytes. One tuple, swapped whole: threads never see half of it.
_last_feed: tuple[str, bytes] = ("", b"")


def _fingerprint(meetings: list[dict]) -> str:
    digest = hashlib.sha256()
    for m in meetings:
        digest.update(f"{m['_id']}|{m['updated_at'].isoformat()}\n".encode())
    return digest.hexdigest()


def public_calendar(uow: UnitOfWork) -> bytes:
    """Every meeting of the last year and the future, as the public meetings topic shows it."""
    meetings = uow.meetings.for_calendar(utc_now() - FEED_PAST, FEED_LIMIT)
    global _last_feed
    fingerprint, (built_from, body) = _fingerprint(meetings), _last_feed
    if fingerprint != built_from:
        body = calendar_bytes((entry_of_public_view(view(m), m) for m in meetings), name=FEED_NAME)
        _last_feed = (fingerprint, body)  # a race builds it twice, harmlessly
    return body
