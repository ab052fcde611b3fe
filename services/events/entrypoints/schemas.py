"""Request and response schemas of the events API."""
from __future__ import annotations

from datetime import datetime, time, timezone

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.clock import PLATFORM_ZONE, parse_moment
from shared.contracts.events import (
    MEETING_KINDS,
    MEETING_STATUSES,
    REGISTRANTS,
    REGISTRATION_SOURCES,
    REGISTRATION_STATUSES,
    THEMES,
)
from shared.contracts.members import GENDERS, MEMBERSHIP_STATUSES, ORGANISATION_KINDS, SIZE_CLASSES
from shared.web.fields import Moment as BoundedMoment
from shared.web.fields import ProvinceField, Timestamp
from shared.web.schemas import PageQuerySchema

from ..domain.clock import EARLIEST, LATEST
from ..domain.notifications import LANGUAGES as NOTIFICATION_LANGUAGES
from ..domain.notifications import STATUSES as NOTIFICATION_STATUSES
from ..domain.notifications import TEMPLATES as NOTIFICATION_TEMPLATES
from ..domain.vocabulary import BODY_PATTERN

ID = validate.Length(min=1, max=100)
MEETING_SORTS = ("starts_at", "-starts_at", "title", "-title")


class Moment(BoundedMoment):
    """An ISO 8601 time between 2000 and 2100 (Europe/Istanbul without an offset), loaded as UTC."""

    def __init__(self, **kwargs):
        super().__init__(earliest=EARLIEST, latest=LATEST, **kwargs)


class DayOrMoment(fields.String):
    """`2026-05-14` (a whole day in Europe/Istanbul) or an ISO 8601 time (Europe/Istanbul without an offset)."""

    def __init__(self, end_of_day: bool = False, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault(
            "pattern", r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$")
        super().__init__(**kwargs)
        self.end_of_day = end_of_day

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            if len(text) == 10:
                day = datetime.strptime(text, "%Y-%m-%d").date()
                moment = datetime.combine(day, time.max if self.end_of_day else time.min, PLATFORM_ZONE)
                moment = moment.astimezone(timezone.utc)
            else:
                moment = parse_moment(text)
        except (ValueError, OverflowError):
            raise ValidationError("not a date (YYYY-MM-DD) or an ISO 8601 time") from None
        if not EARLIEST <= moment < LATEST:
            raise ValidationError("must lie between 2000 and 2100")
        return moment


def _unique(values):
    if len(values) != len(set(values)):
        raise ValidationError("listed twice")


# -- requests ---------------------------------------------------------------------

class _EndsAfterStart:
    """Mixin for a request with starts_at and ends_at."""

    @validates_schema
    def _ends_after_start(self, data, **_):
        if "starts_at" in data and "ends_at" in data and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("must be after starts_at", "ends_at")


class VenueSchema(Schema):
    city = fields.String(validate=validate.Length(min=1, max=100))
    province = ProvinceField()
    address = fields.String(validate=validate.Length(min=1, max=300))


class MeetingCreateSchema(_EndsAfterStart, Schema):
    kind = fields.String(required=True, validate=validate.OneOf(MEETING_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    host_organisation_id = fields.String(required=True, validate=ID)
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    body = fields.String(validate=validate.Regexp(BODY_PATTERN, error="a body code such as wg_symbiosis"),
                         metadata={"description": "Governance body; required for working_group_meeting"})
    venue = fields.Nested(VenueSchema)
    themes = fields.List(fields.String(validate=validate.OneOf(THEMES)), validate=[validate.Length(max=8), _unique])
    capacity = fields.Integer(strict=True, validate=validate.Range(min=1, max=100_000))
    description = fields.String(validate=validate.Length(max=5000))


class RescheduleSchema(_EndsAfterStart, Schema):
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)


class CancelSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class ParticipantSchema(Schema):
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))
    organisation_id = fields.String(validate=ID, metadata={"description": "A member organisation"})
    organisation_name = fields.String(validate=validate.Length(min=1, max=200),
                                      metadata={"description": "An organisation that is not a member"})
    organisation_kind = fields.String(validate=validate.OneOf(ORGANISATION_KINDS))
    size_class = fields.String(validate=validate.OneOf(SIZE_CLASSES))
    province = ProvinceField()
    email = fields.Email(validate=validate.Length(max=254))

    @validates_schema
    def _organisation(self, data, **_):
        if data.get("organisation_id"):
            extra = [n for n in ("organisation_name", "organisation_kind", "size_class") if n in data]
            if extra:
                raise ValidationError({n: ["give either organisation_id or the organisation's details"]
                                       for n in extra})
            return
        missing = [n for n in ("organisation_name", "organisation_kind", "province") if n not in data]
        if data.get("organisation_kind") == "company" and "size_class" not in data:
            missing.append("size_class")
        if missing:
            raise ValidationError({n: ["required without organisation_id"] for n in missing})


class RegistrationCreateSchema(Schema):
    person_id = fields.String(validate=ID, metadata={"description": "A person of a member organisation"})
    participant = fields.Nested(ParticipantSchema, metadata={"description": "Someone who is not a member's person"})

    @validates_schema
    def _one_of(self, data, **_):
        if ("person_id" in data) == ("participant" in data):
            raise ValidationError("give either person_id or participant", "_schema")


class AttendanceCreateSchema(Schema):
    registration_id = fields.String(required=True, validate=ID)


class VotesSchema(Schema):
    for_ = fields.Integer(required=True, strict=True, data_key="for", attribute="for",
                          validate=validate.Range(min=0, max=10_000))
    against = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10_000))
    abstain = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10_000))


class DecisionCreateSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=10_000))
    votes = fields.Nested(VotesSchema)


class MeetingQuerySchema(PageQuerySchema):
    kind = fields.String(validate=validate.OneOf(MEETING_KINDS))
    host = fields.String(validate=ID, metadata={"description": "Host organisation id"})
    theme = fields.String(validate=validate.OneOf(THEMES))
    status = fields.String(validate=validate.OneOf(MEETING_STATUSES))
    body = fields.String(validate=validate.Regexp(BODY_PATTERN))
    from_ = DayOrMoment(data_key="from", attribute="from",
                        metadata={"description": "Starting at or after (date or time)"})
    to = DayOrMoment(end_of_day=True, metadata={"description": "Starting at or before (date or time)"})
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "Title search"})
    sort = fields.String(load_default="starts_at", validate=validate.OneOf(MEETING_SORTS),
                         metadata={"description": "starts_at (default), -starts_at (latest first), title, -title"})


class RegistrationQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(REGISTRATION_STATUSES))
    source = fields.String(validate=validate.OneOf(REGISTRATION_SOURCES))
    attended = fields.Boolean()


class OrganisationQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(MEMBERSHIP_STATUSES))
    kind = fields.String(validate=validate.OneOf(ORGANISATION_KINDS))


# -- responses --------------------------------------------------------------------

class VenueOutSchema(Schema):
    city = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    address = fields.String(allow_none=True)


class QuorumSchema(Schema):
    seated = fields.Integer(required=True, metadata={"description": "Members seated on the body at the start"})
    present = fields.Integer(required=True, metadata={"description": "Of them, present"})
    required = fields.Integer(required=True, metadata={"description": "Majority required"})
    met = fields.Boolean(required=True)


class CancellationSchema(Schema):
    reason = fields.String(required=True)
    at = Timestamp(required=True)


class OrganisationRefSchema(Schema):
    id = fields.String(allow_none=True)
    key = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    size_class = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    is_sme = fields.Boolean()
    member = fields.Boolean()


class AttendanceSummarySchema(Schema):
    attendances = fields.Integer()
    by_gender = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_province = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_organisation_kind = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_size_class = fields.Dict(keys=fields.String(), values=fields.Integer())
    distinct_organisations = fields.Integer()
    distinct_smes = fields.Integer()
    organisations = fields.List(fields.Nested(OrganisationRefSchema))
    smes = fields.List(fields.Nested(OrganisationRefSchema))


class MeetingSchema(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MEETING_KINDS))
    title = fields.String(required=True)
    description = fields.String(allow_none=True)
    body = fields.String(allow_none=True)
    sequence = fields.Integer(allow_none=True, metadata={"description": "Number of a governance meeting in its body"})
    sequence_final = fields.Boolean(required=True)
    numbered_title = fields.String(allow_none=True, metadata={"description": "e.g. 4th Advisory Board Meeting"})
    host_organisation_id = fields.String(required=True)
    host_name = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    starts_at = Timestamp(required=True)
    ends_at = Timestamp(required=True)
    venue = fields.Nested(VenueOutSchema, allow_none=True)
    themes = fields.List(fields.String(), required=True)
    capacity = fields.Integer(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(MEETING_STATUSES))
    registrations_count = fields.Integer(required=True, metadata={"description": "Confirmed registrations"})
    waitlist_count = fields.Integer(required=True)
    invitations_count = fields.Integer(required=True)
    attendance_count = fields.Integer(required=True)
    decisions_count = fields.Integer(required=True)
    quorum = fields.Nested(QuorumSchema, allow_none=True)
    cancellation = fields.Nested(CancellationSchema, allow_none=True)
    held_at = Timestamp(allow_none=True)
    attendance_summary = fields.Nested(AttendanceSummarySchema, allow_none=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)
    version = fields.Integer(required=True)


class RegistrationSchema(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(REGISTRATION_STATUSES))
    source = fields.String(required=True, validate=validate.OneOf(REGISTRATION_SOURCES))
    registrant = fields.String(required=True, validate=validate.OneOf(REGISTRANTS))
    person_id = fields.String(allow_none=True)
    seat_id = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    full_name = fields.String(allow_none=True, metadata={"description": "Absent once the person is erased"})
    email = fields.String(allow_none=True, metadata={
        "description": "null unless the caller is a platform admin or the chamber admin of the participant's "
                       "organisation"})
    erased = fields.Boolean(required=True)
    gender = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    organisation = fields.Nested(OrganisationRefSchema, required=True)
    waitlist_position = fields.Integer(allow_none=True)
    attended = fields.Boolean(required=True)
    attended_at = Timestamp(allow_none=True)
    created_at = Timestamp(required=True)
    cancelled_at = Timestamp(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    check_in_code = fields.String(allow_none=True, metadata={
        "description": "What the badge's QR code carries (confirmed registrations); null unless the caller may "
                       "see the e-mail"})


class CheckInSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32),
                         metadata={"description": "The badge's code as typed or scanned (case and dashes ignored)"})


class PrintoutQuerySchema(Schema):
    lang = fields.String(load_default="tr", validate=validate.OneOf(("tr", "en")),
                         metadata={"description": "Language of the printout: Turkish (default) or English"})


class DecisionBookQuerySchema(PrintoutQuerySchema):
    body = fields.String(required=True, validate=validate.Regexp(BODY_PATTERN, error="a body code such as board"))
    year = fields.Integer(required=True, strict=False, validate=validate.Range(min=2000, max=2099))


class VotesOutSchema(Schema):
    for_ = fields.Integer(attribute="for", data_key="for")
    against = fields.Integer()
    abstain = fields.Integer()


class DecisionSchema(Schema):
    id = fields.String(required=True)
    n = fields.Integer(required=True)
    number = fields.String(required=True, metadata={"description": "<year>/<sequence>-<n> for governance meetings"})
    text = fields.String(required=True)
    votes = fields.Nested(VotesOutSchema, allow_none=True)
    quorum = fields.Nested(QuorumSchema, allow_none=True)
    at = Timestamp(required=True)


class MemberOrganisationSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    size_class = fields.String(allow_none=True)
    is_sme = fields.Boolean(allow_none=True)
    status = fields.String(allow_none=True)
    version = fields.Integer(required=True)
    may_host = fields.Boolean(required=True, metadata={"description": "Active members may host meetings"})



# -- notifications ------------------------------------------------------------------

class NotificationQuerySchema(PageQuerySchema):
    meeting = fields.String(required=True, validate=ID, metadata={"description": "The meeting's id"})


class NotificationSchema(Schema):
    id = fields.String(required=True)
    meeting_id = fields.String(required=True)
    to = fields.String(allow_none=True, metadata={"description": "The address; null if skipped or erased"})
    recipient = fields.String(required=True, metadata={
        "description": "A member's person id, or registration:<id> for an outside participant"})
    template = fields.String(required=True, validate=validate.OneOf(NOTIFICATION_TEMPLATES))
    language = fields.String(required=True, validate=validate.OneOf(NOTIFICATION_LANGUAGES))
    status = fields.String(required=True, validate=validate.OneOf(NOTIFICATION_STATUSES), metadata={
        "description": "pending (to be sent or tried again), sending, sent, failed (refused, or not sent after "
                       "every try; `last_error` says why) or skipped (`reason`: no consent, erased …)"})
    reason = fields.String(allow_none=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)
    sent_at = Timestamp(allow_none=True)
    created_at = Timestamp(required=True)
    event_id = fields.String(required=True, metadata={
        "description": "The triggering event's id (reminder:<meeting>:<due> for a reminder)"})
    message_id = fields.String(allow_none=True)
