"""Events of the events service (meetings, registrations, attendance, decisions).

All of them concern the meeting aggregate (`subject` = `meeting/<id>`, record key =
the meeting id) and travel on `tvp.events.meetings`. They carry no names, e-mail
addresses or phone numbers: people appear as opaque ids with the attributes the
indicators need (gender, organisation kind, size class, province, SME or not).
An organisation without a member id (an outside participant's) is identified by
`key` = `ext-` + a hash of its folded name, so distinct organisations can be
counted without naming them.
"""

from marshmallow import Schema, fields, validate

from .members import GENDERS, ORGANISATION_KINDS, SIZE_CLASSES

MEETINGS = "tvp.events.meetings"

GOVERNANCE_KINDS = ["board_meeting", "advisory_board_meeting", "working_group_meeting"]
CAPACITY_BUILDING_KINDS = ["workshop", "training", "site_visit", "matchmaking", "conference"]
MEETING_KINDS = GOVERNANCE_KINDS + CAPACITY_BUILDING_KINDS
THEMES = [
    "resource_efficiency",
    "energy_efficiency",
    "industrial_symbiosis",
    "eco_efficiency",
    "green_transition",
    "waste_management",
    "renewable_energy",
    "digitalisation",
]
MEETING_STATUSES = ["scheduled", "held", "cancelled"]
REGISTRATION_STATUSES = ["confirmed", "waitlisted", "cancelled"]
REGISTRATION_SOURCES = ["registration", "invitation"]
REGISTRANTS = ["person", "participant"]

# Governance meeting kinds with a fixed body; working group meetings name theirs.
FIXED_BODY = {"board_meeting": "board", "advisory_board_meeting": "advisory_board"}

PREFIX = "tr.tvp.events.meeting."
SCHEDULED = PREFIX + "scheduled.v2"
SCHEDULED_V1 = PREFIX + "scheduled.v1"  # deprecated: upcast to v2 where read (upcasting.py)
RESCHEDULED = PREFIX + "rescheduled.v1"
CANCELLED = PREFIX + "cancelled.v1"
HELD = PREFIX + "held.v1"
REGISTRATION_CREATED = PREFIX + "registration_created.v1"
REGISTRATION_CANCELLED = PREFIX + "registration_cancelled.v1"
ATTENDANCE_RECORDED = PREFIX + "attendance_recorded.v1"
DECISION_RECORDED = PREFIX + "decision_recorded.v1"
EVIDENCE_ADDED = PREFIX + "evidence_added.v1"

EVIDENCE_KINDS = ["attendance_sheet", "photo", "invoice", "agenda", "minutes", "other"]
EVIDENCE_CONTENT_TYPES = ["application/pdf", "image/jpeg", "image/png"]


class VenuePayload(Schema):
    city = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    address = fields.String(allow_none=True)


class OrganisationRefPayload(Schema):
    """An organisation as the indicators need it; no name."""

    id = fields.String(allow_none=True)
    key = fields.String(required=True)
    kind = fields.String(allow_none=True, validate=validate.OneOf(ORGANISATION_KINDS))
    size_class = fields.String(allow_none=True, validate=validate.OneOf(SIZE_CLASSES))
    province = fields.String(allow_none=True)
    is_sme = fields.Boolean(required=True)
    member = fields.Boolean(required=True)


class QuorumPayload(Schema):
    seated = fields.Integer(required=True)
    present = fields.Integer(required=True)
    required = fields.Integer(required=True)
    met = fields.Boolean(required=True)


class MeetingScheduledPayload(Schema):
    """Version 1 (deprecated): two provinces, `province` (the venue's, else the host's) and `venue.province`."""

    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MEETING_KINDS))
    title = fields.String(required=True)
    description = fields.String(allow_none=True)
    body = fields.String(allow_none=True)
    sequence = fields.Integer(allow_none=True)
    host_organisation_id = fields.String(required=True)
    host = fields.Nested(OrganisationRefPayload, required=True)
    province = fields.String(allow_none=True)
    starts_at = fields.String(required=True)
    ends_at = fields.String(required=True)
    venue = fields.Nested(VenuePayload, allow_none=True)
    themes = fields.List(fields.String(validate=validate.OneOf(THEMES)), required=True)
    capacity = fields.Integer(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(MEETING_STATUSES))


PROVINCE_SOURCES = ["venue", "host"]


class LocationPayload(Schema):
    """Where a meeting takes place: the one province it counts for, and whether the venue or the host gave it."""

    city = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    province_source = fields.String(
        allow_none=True,
        validate=validate.OneOf(PROVINCE_SOURCES),
        metadata={"description": "venue: named with the venue; host: the host's province; null: unknown"},
    )


class MeetingScheduledV2Payload(Schema):
    """Version 2: the place is one `location` (v1's `province` and `venue` folded into it)."""

    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MEETING_KINDS))
    title = fields.String(required=True)
    description = fields.String(allow_none=True)
    body = fields.String(allow_none=True)
    sequence = fields.Integer(allow_none=True)
    host_organisation_id = fields.String(required=True)
    host = fields.Nested(OrganisationRefPayload, required=True)
    location = fields.Nested(LocationPayload, required=True)
    starts_at = fields.String(required=True)
    ends_at = fields.String(required=True)
    themes = fields.List(fields.String(validate=validate.OneOf(THEMES)), required=True)
    capacity = fields.Integer(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(MEETING_STATUSES))


class MeetingRescheduledPayload(Schema):
    id = fields.String(required=True)
    starts_at = fields.String(required=True)
    ends_at = fields.String(required=True)
    previous_starts_at = fields.String(required=True)
    previous_ends_at = fields.String(required=True)
    sequence = fields.Integer(allow_none=True)


class MeetingCancelledPayload(Schema):
    id = fields.String(required=True)
    reason = fields.String(required=True)
    at = fields.String(required=True)


class AttendanceSummaryPayload(Schema):
    """The final attendance of a meeting, as counts: no personal data."""

    attendances = fields.Integer(required=True)
    by_gender = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_province = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_organisation_kind = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_size_class = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    distinct_organisations = fields.Integer(required=True)
    distinct_smes = fields.Integer(required=True)
    organisations = fields.List(fields.Nested(OrganisationRefPayload), required=True)
    smes = fields.List(fields.Nested(OrganisationRefPayload), required=True)


class MeetingHeldPayload(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MEETING_KINDS))
    title = fields.String(required=True)
    body = fields.String(allow_none=True)
    sequence = fields.Integer(allow_none=True)
    host_organisation_id = fields.String(required=True)
    province = fields.String(allow_none=True)
    themes = fields.List(fields.String(validate=validate.OneOf(THEMES)), required=True)
    starts_at = fields.String(required=True)
    ends_at = fields.String(required=True)
    held_at = fields.String(required=True)
    registrations = fields.Integer(required=True)
    attendance = fields.Nested(AttendanceSummaryPayload, required=True)
    quorum = fields.Nested(QuorumPayload, allow_none=True)
    decisions = fields.Integer(required=True)


class RegistrationCreatedPayload(Schema):
    id = fields.String(required=True)
    registration_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["confirmed", "waitlisted"]))
    source = fields.String(required=True, validate=validate.OneOf(REGISTRATION_SOURCES))
    registrant = fields.String(required=True, validate=validate.OneOf(REGISTRANTS))
    person_id = fields.String(allow_none=True)
    seat_id = fields.String(allow_none=True)
    gender = fields.String(allow_none=True, validate=validate.OneOf(GENDERS))
    province = fields.String(allow_none=True)
    organisation = fields.Nested(OrganisationRefPayload, required=True)
    waitlist_position = fields.Integer(allow_none=True)


class RegistrationCancelledPayload(Schema):
    id = fields.String(required=True)
    registration_id = fields.String(required=True)
    person_id = fields.String(allow_none=True)
    previous_status = fields.String(required=True, validate=validate.OneOf(["confirmed", "waitlisted"]))
    reason = fields.String(allow_none=True)
    promoted_registration_id = fields.String(allow_none=True)


class AttendanceRecordedPayload(Schema):
    id = fields.String(required=True)
    registration_id = fields.String(required=True)
    registrant = fields.String(required=True, validate=validate.OneOf(REGISTRANTS))
    person_id = fields.String(allow_none=True)
    seated = fields.Boolean(required=True)
    gender = fields.String(allow_none=True, validate=validate.OneOf(GENDERS))
    province = fields.String(allow_none=True)
    organisation = fields.Nested(OrganisationRefPayload, required=True)
    at = fields.String(required=True)


class VotesPayload(Schema):
    for_ = fields.Integer(required=True, data_key="for")
    against = fields.Integer(required=True)
    abstain = fields.Integer(required=True)


class DecisionRecordedPayload(Schema):
    id = fields.String(required=True)
    decision_id = fields.String(required=True)
    number = fields.String(required=True)
    n = fields.Integer(required=True)
    sequence = fields.Integer(allow_none=True)
    text = fields.String(required=True)
    votes = fields.Nested(VotesPayload, allow_none=True)
    quorum = fields.Nested(QuorumPayload, allow_none=True)
    at = fields.String(required=True)


class EvidenceAddedPayload(Schema):
    """A file was added to a meeting's evidence (kept by the events service, downloadable from its
    `GET /api/v1/evidence/{evidence_id}`); what a report needs to list it and check its bytes. No uploader."""

    id = fields.String(required=True)
    evidence_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(EVIDENCE_KINDS))
    filename = fields.String(required=True)
    content_type = fields.String(required=True, validate=validate.OneOf(EVIDENCE_CONTENT_TYPES))
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    uploaded_at = fields.String(required=True)


def register(registry) -> None:
    registry.register(
        SCHEDULED_V1,
        MEETINGS,
        MeetingScheduledPayload,
        "Deprecated by scheduled.v2 (no longer produced; read through its upcaster): a meeting was scheduled.",
    )
    registry.register(
        SCHEDULED,
        MEETINGS,
        MeetingScheduledV2Payload,
        "A meeting, workshop or training was scheduled (or a past one recorded); its place in one `location`.",
    )
    registry.register(RESCHEDULED, MEETINGS, MeetingRescheduledPayload, "A meeting moved to other times.")
    registry.register(CANCELLED, MEETINGS, MeetingCancelledPayload, "A scheduled meeting was cancelled.")
    registry.register(
        HELD,
        MEETINGS,
        MeetingHeldPayload,
        "A meeting was held and closed: its final attendance summary and quorum, without personal data.",
    )
    registry.register(
        REGISTRATION_CREATED,
        MEETINGS,
        RegistrationCreatedPayload,
        "Someone was registered for (or, for governance meetings, invited to) a meeting.",
    )
    registry.register(
        REGISTRATION_CANCELLED,
        MEETINGS,
        RegistrationCancelledPayload,
        "A registration or invitation was cancelled; the first on the waiting list may be promoted.",
    )
    registry.register(ATTENDANCE_RECORDED, MEETINGS, AttendanceRecordedPayload, "A registered participant attended.")
    registry.register(
        DECISION_RECORDED, MEETINGS, DecisionRecordedPayload, "A governance meeting took a numbered decision."
    )
    registry.register(
        EVIDENCE_ADDED,
        MEETINGS,
        EvidenceAddedPayload,
        "A file (attendance sheet, photo, invoice …) was added to a meeting's evidence: its id, kind, name, type, "
        "size and SHA-256; the bytes stay in the events service.",
    )
