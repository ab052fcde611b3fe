"""HTTP entrypoint for meetings, their registrations, attendance and decisions.

Each view parses (schemas), builds a command for the bus or a query for a read of
service_layer/views.py, and renders.
"""
from __future__ import annotations

from flask.views import MethodView

from shared.concurrency import Precondition
from shared.web.bus import handle, reading
from shared.web.http import ETAG, IF_MATCH, ApiBlueprint, precondition, with_etag
from shared.web.schemas import ErrorSchema, page_schema
from shared.web.security import current_principal, guarded

from ..service_layer import views
from ..service_layer.commands import (
    CancelMeeting,
    CancelRegistration,
    CheckIn,
    CloseMeeting,
    RecordAttendance,
    RecordDecision,
    Register,
    RescheduleMeeting,
    ScheduleMeeting,
)
from .schemas import (
    AttendanceCreateSchema,
    CancelSchema,
    CheckInSchema,
    DecisionCreateSchema,
    DecisionSchema,
    MeetingCreateSchema,
    MeetingQuerySchema,
    MeetingSchema,
    RegistrationCreateSchema,
    RegistrationQuerySchema,
    RegistrationSchema,
    RescheduleSchema,
)

blp = ApiBlueprint("meetings", __name__, url_prefix="/api/v1/meetings",
                description="Board and advisory board meetings, workshops, trainings and other events")


def _transition(conflict: str):
    """What every change of a meeting's status answers: the meeting, or 404, 409 (`conflict`) or 412."""
    def decorate(func):
        func = blp.alt_response(412, schema=ErrorSchema, description="Stale If-Match")(func)
        func = blp.alt_response(409, schema=ErrorSchema, description=conflict)(func)
        func = blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting")(func)
        func = blp.response(200, MeetingSchema, headers=ETAG)(func)
        return blp.doc(parameters=[IF_MATCH])(func)
    return decorate


def _if_match() -> Precondition | None:
    """The request's If-Match. `*` only asks that the meeting exists, which reading it checks anyway: it names
    no version, so a lost race runs again (as it always did) instead of answering 412."""
    found = precondition()
    return None if found is None or found.any_version else found


def _meeting_response(meeting: dict, status: int = 200):
    return with_etag(views.Presenter(reading()).meeting(meeting), status)


@blp.route("")
class Meetings(MethodView):
    @guarded(blp)
    @blp.arguments(MeetingQuerySchema, location="query")
    @blp.response(200, page_schema(MeetingSchema))
    def get(self, query):
        """List meetings (filters: kind, host, theme, from, to, status, body, q; sort: [-]starts_at, [-]title)"""
        return views.list_meetings(reading(), query, current_principal())

    @guarded(blp)
    @blp.arguments(MeetingCreateSchema)
    @blp.response(201, MeetingSchema, headers=ETAG)
    @blp.alt_response(409, schema=ErrorSchema, description="Would renumber a meeting whose number is final")
    def post(self, data):
        """Schedule a meeting (platform admins may also record past ones)"""
        data = dict(data, themes=tuple(data.get("themes") or ()))
        return _meeting_response(handle(ScheduleMeeting(**data)), 201)


@blp.route("/<meeting_id>")
class MeetingById(MethodView):
    @guarded(blp)
    @blp.response(200, MeetingSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting")
    def get(self, meeting_id):
        """Get a meeting with its counts and, for governance meetings, its quorum"""
        return _meeting_response(views.get_meeting(reading(), {"meeting_id": meeting_id}, current_principal()))


@blp.route("/<meeting_id>/reschedule")
class Reschedule(MethodView):
    @guarded(blp)
    @blp.arguments(RescheduleSchema)
    @_transition("Not scheduled, or already under way")
    def post(self, data, meeting_id):
        """Move a scheduled meeting to other times"""
        return _meeting_response(handle(RescheduleMeeting(meeting_id, data["starts_at"], data["ends_at"],
                                                          _if_match())))


@blp.route("/<meeting_id>/cancel")
class Cancel(MethodView):
    @guarded(blp)
    @blp.arguments(CancelSchema)
    @_transition("Not scheduled, or already under way")
    def post(self, data, meeting_id):
        """Cancel a scheduled meeting, with a reason"""
        return _meeting_response(handle(CancelMeeting(meeting_id, data["reason"], _if_match())))


@blp.route("/<meeting_id>/close")
class Close(MethodView):
    @guarded(blp)
    @_transition("Not scheduled, or not started yet")
    def post(self, meeting_id):
        """Close a meeting that was held: attendance becomes final and the quorum is fixed"""
        return _meeting_response(handle(CloseMeeting(meeting_id, _if_match())))


def _one_registration(meeting: dict, registration: dict) -> dict:
    return views.present_registrations(reading(), [registration], current_principal(),
                                       meeting.get("check_in_codes"))[0]


@blp.route("/<meeting_id>/registrations")
class Registrations(MethodView):
    @guarded(blp)
    @blp.arguments(RegistrationQuerySchema, location="query")
    @blp.response(200, page_schema(RegistrationSchema))
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting")
    def get(self, query, meeting_id):
        """List a meeting's registrations and invitations (a chamber admin sees its own people's)"""
        return views.list_registrations(reading(), dict(query, meeting_id=meeting_id), current_principal())

    @guarded(blp)
    @blp.arguments(RegistrationCreateSchema)
    @blp.response(201, RegistrationSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting")
    @blp.alt_response(409, schema=ErrorSchema, description="Already registered, or the meeting is not scheduled")
    def post(self, data, meeting_id):
        """Register a member's person or an outside participant (waitlisted beyond capacity)"""
        meeting, registration = handle(Register(meeting_id, data.get("person_id"), data.get("participant")))
        return _one_registration(meeting, registration)


@blp.route("/<meeting_id>/registrations/<registration_id>")
class RegistrationById(MethodView):
    @guarded(blp)
    @blp.response(200, RegistrationSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting or registration")
    def get(self, meeting_id, registration_id):
        """Get a registration"""
        query = {"meeting_id": meeting_id, "registration_id": registration_id}
        return _one_registration(*views.get_registration(reading(), query, current_principal()))

    @guarded(blp)
    @blp.response(200, RegistrationSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting or registration")
    @blp.alt_response(409, schema=ErrorSchema, description="Already cancelled, attended, or meeting not scheduled")
    def delete(self, meeting_id, registration_id):
        """Cancel a registration; the first on the waiting list takes the place"""
        return _one_registration(*handle(CancelRegistration(meeting_id, registration_id)))


@blp.route("/<meeting_id>/attendance")
class Attendance(MethodView):
    @guarded(blp)
    @blp.arguments(AttendanceCreateSchema)
    @blp.response(201, RegistrationSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting")
    @blp.alt_response(409, schema=ErrorSchema, description="Before the start, after closing, or not confirmed")
    def post(self, data, meeting_id):
        """Record that a registered participant attended (from the start until the meeting is closed)"""
        return _one_registration(*handle(RecordAttendance(meeting_id, data["registration_id"])))


@blp.route("/<meeting_id>/check-in")
class CheckInByCode(MethodView):
    @guarded(blp)
    @blp.arguments(CheckInSchema)
    @blp.response(201, RegistrationSchema)
    @blp.alt_response(200, schema=RegistrationSchema, description="Already checked in: nothing changed")
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting")
    @blp.alt_response(409, schema=ErrorSchema, description="Before the start, after closing, or not confirmed")
    @blp.alt_response(422, schema=ErrorSchema, description="No registration of this meeting has the code")
    def post(self, data, meeting_id):
        """Record attendance by a badge's check-in code (rules of `attendance`; scanning twice changes nothing)"""
        meeting, registration, recorded = handle(CheckIn(meeting_id, data["code"]))
        return _one_registration(meeting, registration), 201 if recorded else 200


@blp.route("/<meeting_id>/decisions")
class Decisions(MethodView):
    @guarded(blp)
    @blp.response(200, DecisionSchema(many=True))
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting")
    def get(self, meeting_id):
        """The meeting's decisions in order"""
        return views.list_decisions(reading(), {"meeting_id": meeting_id}, current_principal())

    @guarded(blp)
    @blp.arguments(DecisionCreateSchema)
    @blp.response(201, DecisionSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting")
    @blp.alt_response(409, schema=ErrorSchema, description="Not being held or held, or no quorum")
    def post(self, data, meeting_id):
        """Record a decision (governance meetings: only with quorum; numbered <year>/<sequence>-<n>)"""
        _, decision = handle(RecordDecision(meeting_id, data["text"], data.get("votes")))
        return decision
