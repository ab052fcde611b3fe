"""Public events: what another chamber may see, on the `tvp.public.*` topics.

Each public event carries the whole public view of one aggregate after a change
(event-carried state transfer): a subscriber keeps the latest record per key,
the newest by `aggregateversion`, and needs nothing else. The view never holds
a person's name, e-mail address, phone number or id, an organisation's tax
number or contact persons; people appear only as counts.

A public event is written by the use case in the same outbox write as the
internal event it accompanies (`Outbox.insert/update(..., public=[...])`), so it
is atomic with the state change, published by the relay, kept in `event_log`
and replayed with the same `id` after a broker restart. It does not count as an
event of the aggregate: its `aggregateversion` is the version the aggregate has
after the change it shows, so it grows with every public event of a key (with
gaps where a change had nothing public in it).

Versioning: a breaking change of a public payload is a new type `...v2` on a new
topic `tvp.public.<area>.v2`; for the deprecation period (`DEPRECATION_MONTHS`)
the use cases write both versions in the same outbox write, and the AsyncAPI
document marks the old channel as deprecated with its sunset date.
"""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema, fields, validate

from .events import MEETING_KINDS, MEETING_STATUSES, THEMES
from .members import MEMBERSHIP_STATUSES, ORGANISATION_KINDS, SIZE_CLASSES

MEMBERS = "tvp.public.members.v1"
MEETINGS = "tvp.public.meetings.v1"
REPORTS = "tvp.public.reports.v1"

ORGANISATION_PUBLISHED = "tr.tvp.members.organisation.published.v1"
MEETING_PUBLISHED = "tr.tvp.events.meeting.published.v1"
REPORT_PUBLISHED = "tr.tvp.reporting.report.published.v1"

# A superseded public topic keeps being served this long after its successor appears.
DEPRECATION_MONTHS = 12


@dataclass(frozen=True)
class PublicTopic:
    topic: str
    title: str
    description: str
    since: str  # first published (ISO date)
    deprecated: bool = False
    sunset: str | None = None  # last day it is served, once deprecated
    successor: str | None = None


TOPICS = {
    MEMBERS: PublicTopic(
        MEMBERS,
        "Member organisations",
        "The platform's member organisations: one record per change of an organisation that is or was a "
        "member (applicants that never became members are not shown). No tax numbers, e-mail addresses "
        "or contact persons.",
        since="2026-11-26",
    ),
    MEETINGS: PublicTopic(
        MEETINGS,
        "Meetings, workshops and trainings",
        "Every meeting with its host, kind, themes, dates, place and status and, once held, its final "
        "registration and attendance counts (by gender, province, organisation kind and size class) and "
        "quorum. People appear only as counts.",
        since="2026-11-26",
    ),
    REPORTS: PublicTopic(
        REPORTS,
        "Submitted period reports",
        "Each report submitted to the programme: its period, its SHA-256 and its indicator table (value, "
        "cumulative value, target, breakdowns), frozen at submission.",
        since="2026-11-26",
    ),
}

# Field names that must never appear in a public payload (checked by the tests, recursively).
FORBIDDEN_FIELDS = {
    "full_name",
    "email",
    "phone",
    "tax_number",
    "person_id",
    "people",
    "contact",
    "contacts",
    "contact_person",
    "participant",
    "seat_id",
    "title_of_person",
    "address",
    "reason",
    "actor",
    "created_by",
    "by",
    "text",
    "description",
}


class Counts(fields.Dict):
    """A breakdown: category -> count."""

    def __init__(self, **kwargs):
        super().__init__(keys=fields.String(), values=fields.Integer(), **kwargs)


class PublicOrganisationPayload(Schema):
    """An organisation as other chambers see it."""

    id = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "the organisation's (legal) name"})
    short_name = fields.String(allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    province = fields.String(required=True)
    district = fields.String(allow_none=True)
    region = fields.String(required=True, metadata={"description": "NUTS-2 region, TR21 for Thrace"})
    nace_code = fields.String(allow_none=True)
    size_class = fields.String(allow_none=True, validate=validate.OneOf(SIZE_CLASSES))
    is_sme = fields.Boolean(required=True)
    website = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(MEMBERSHIP_STATUSES))
    member_since = fields.String(allow_none=True, metadata={"description": "when it was first approved (ISO 8601)"})
    changes = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "what happened (the internal happenings behind this record, "
            "e.g. registered, updated, membership_changed)"
        },
    )


class PublicQuorumPayload(Schema):
    seated = fields.Integer(required=True)
    present = fields.Integer(required=True)
    required = fields.Integer(required=True)
    met = fields.Boolean(required=True)


class PublicAttendancePayload(Schema):
    """Final attendance of a held meeting, as counts only."""

    attendances = fields.Integer(required=True)
    by_gender = Counts(required=True)
    by_province = Counts(required=True)
    by_organisation_kind = Counts(required=True)
    by_size_class = Counts(required=True)
    distinct_organisations = fields.Integer(required=True)
    distinct_smes = fields.Integer(required=True)


class PublicMeetingPayload(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MEETING_KINDS))
    title = fields.String(required=True)
    body = fields.String(allow_none=True, metadata={"description": "governance body, for governance meetings"})
    sequence = fields.Integer(allow_none=True, metadata={"description": "number of a governance meeting in its body"})
    host_organisation_id = fields.String(
        required=True, metadata={"description": "id of the host on tvp.public.members.v1"}
    )
    city = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    starts_at = fields.String(required=True)
    ends_at = fields.String(required=True)
    themes = fields.List(fields.String(validate=validate.OneOf(THEMES)), required=True)
    capacity = fields.Integer(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(MEETING_STATUSES))
    registrations = fields.Integer(
        required=True, allow_none=True, metadata={"description": "confirmed registrations; null until held"}
    )
    waitlisted = fields.Integer(required=True, allow_none=True, metadata={"description": "null until held"})
    held_at = fields.String(allow_none=True)
    attendance = fields.Nested(
        PublicAttendancePayload, allow_none=True, metadata={"description": "null until the meeting is held"}
    )
    quorum = fields.Nested(PublicQuorumPayload, allow_none=True)
    decisions = fields.Integer(required=True, metadata={"description": "number of decisions taken"})
    changes = fields.List(fields.String(), required=True)


class PublicIndicatorPayload(Schema):
    code = fields.String(required=True)
    name = fields.String(allow_none=True, metadata={"description": "what the indicator counts"})
    unit = fields.String(allow_none=True)
    value = fields.Float(allow_none=True)
    cumulative = fields.Float(allow_none=True)
    target = fields.Float(allow_none=True)
    percent_of_target = fields.Float(allow_none=True)
    breakdowns = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Float()),
        required=True,
        metadata={"description": "dimension -> category -> value"},
    )


class PublicReportPayload(Schema):
    id = fields.String(required=True)
    period = fields.String(required=True, metadata={"description": "e.g. 2026-Q3, 2026-H2, 2026"})
    kind = fields.String(required=True, validate=validate.OneOf(["interim", "final"]))
    period_start = fields.String(allow_none=True)
    period_end = fields.String(allow_none=True)
    submitted_at = fields.String(required=True)
    sha256 = fields.String(
        required=True,
        metadata={
            "description": "SHA-256 of the frozen report: since v2 of its package's manifest.json, which lists "
            "the content's SHA-256"
        },
    )
    indicators = fields.List(fields.Nested(PublicIndicatorPayload), required=True)
    changes = fields.List(fields.String(), required=True)
    revision = fields.Integer(allow_none=True, metadata={"description": "1, or n+1 for a correction of version n"})
    previous_sha256 = fields.String(allow_none=True, metadata={"description": "the sha256 of the version corrected"})


def register(registry) -> None:
    registry.register(
        ORGANISATION_PUBLISHED,
        MEMBERS,
        PublicOrganisationPayload,
        "The public view of a member organisation after a change.",
    )
    registry.register(
        MEETING_PUBLISHED,
        MEETINGS,
        PublicMeetingPayload,
        "The public view of a meeting after a change (counts only, no people).",
    )
    registry.register(
        REPORT_PUBLISHED,
        REPORTS,
        PublicReportPayload,
        "A period report was submitted to the programme: its frozen indicator table.",
    )
