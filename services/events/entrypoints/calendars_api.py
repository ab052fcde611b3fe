"""HTTP entrypoint for calendars: a meeting's `.ics` (token) and the public feed (no token)."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView

from shared.web.bus import reading
from shared.web.files import file_response
from shared.web.http import ApiBlueprint
from shared.web.schemas import ErrorSchema
from shared.web.security import current_principal, guarded

from ..service_layer import calendars

ICS = "text/calendar"
ICS_DOC = {"responses": {"200": {"description": "An iCalendar (RFC 5545) file",
                                 "content": {ICS: {"schema": {"type": "string"}}}}}}
# Calendar apps poll a feed every few minutes to hours: let them and proxies keep it a little.
FEED_MAX_AGE_S = 300

blp = ApiBlueprint("calendars", __name__, url_prefix="/api/v1",
                   description="Meetings as iCalendar files: one meeting's and the public feed")


def _ics(body: bytes, filename: str, disposition: str = "attachment") -> Response:
    return file_response(body, f"{ICS}; charset=utf-8", filename, disposition)


@blp.route("/meetings/<meeting_id>/calendar.ics")
class MeetingCalendar(MethodView):
    @guarded(blp)
    @blp.doc(**ICS_DOC)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting")
    def get(self, meeting_id):
        """The meeting as an .ics file (stable UID, SEQUENCE rising with each reschedule, cancellations)"""
        body = calendars.meeting_calendar(reading(), {"meeting_id": meeting_id}, current_principal())
        return _ics(body, f"meeting-{meeting_id}.ics")


@blp.route("/public/calendar.ics")
class PublicCalendar(MethodView):
    @blp.doc(**ICS_DOC, security=[])
    def get(self):
        """The public calendar feed (no token): the meetings of the last year and the future, with only what
        the public meetings topic shows"""
        response = _ics(calendars.public_calendar(reading()), "tvp-meetings.ics", "inline")
        response.headers["Cache-Control"] = f"public, max-age={FEED_MAX_AGE_S}"
        return response
