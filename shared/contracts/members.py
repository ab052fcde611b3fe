"""Events of the members service."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

ORGANISATIONS = "tvp.members.organisations"
PEOPLE = "tvp.members.people"
SEATS = "tvp.members.seats"

ORGANISATION_KINDS = [
    "chamber",
    "commodity_exchange",
    "public_body",
    "development_agency",
    "university",
    "industrial_zone",
    "company",
    "ngo",
]
SIZE_CLASSES = ["micro", "small", "medium", "large"]
MEMBERSHIP_STATUSES = ["applicant", "active", "suspended", "withdrawn"]
GENDERS = ["female", "male", "other", "undisclosed"]
SEAT_ROLES = ["chair", "vice_chair", "member"]
MEMBERSHIP_ACTIONS = ["approve", "suspend", "reinstate", "withdraw"]
# The classes that make a company an SME (KOBİ): everything below "large".
SME_CLASSES = frozenset({"micro", "small", "medium"})

ORGANISATION_REGISTERED = "tr.tvp.members.organisation.registered.v1"
ORGANISATION_UPDATED = "tr.tvp.members.organisation.updated.v1"
ORGANISATION_MEMBERSHIP_CHANGED = "tr.tvp.members.organisation.membership_changed.v1"
ORGANISATION_TYPES = (ORGANISATION_REGISTERED, ORGANISATION_UPDATED, ORGANISATION_MEMBERSHIP_CHANGED)
PERSON_REGISTERED = "tr.tvp.members.person.registered.v1"
PERSON_UPDATED = "tr.tvp.members.person.updated.v1"
PERSON_ERASED = "tr.tvp.members.person.erased.v1"
SEAT_ASSIGNED = "tr.tvp.members.seat.assigned.v1"
SEAT_ENDED = "tr.tvp.members.seat.ended.v1"


def is_sme(kind: str | None, size_class: str | None) -> bool:
    """Whether an organisation counts as an SME: a company of an SME size class."""
    return kind == "company" and size_class in SME_CLASSES


class OrganisationPayload(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    short_name = fields.String(allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    province = fields.String(required=True)
    region = fields.String(required=True)
    district = fields.String(allow_none=True)
    tax_number = fields.String(allow_none=True)
    nace_code = fields.String(allow_none=True)
    size_class = fields.String(allow_none=True, validate=validate.OneOf(SIZE_CLASSES))
    is_sme = fields.Boolean(required=True)
    employees = fields.Integer(allow_none=True)
    email = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(MEMBERSHIP_STATUSES))


class OrganisationUpdatedPayload(OrganisationPayload):
    changed = fields.List(fields.String(), required=True)


class MembershipChangedPayload(OrganisationPayload):
    """The organisation as it is after the change, plus what changed and why."""

    action = fields.String(required=True, validate=validate.OneOf(MEMBERSHIP_ACTIONS))
    previous_status = fields.String(required=True, validate=validate.OneOf(MEMBERSHIP_STATUSES))
    reason = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    at = fields.String(required=True)


class ConsentPayload(Schema):
    """One consent as the members service keeps it (purposes: docs/privacy.md)."""

    purpose = fields.String(required=True)
    granted_at = fields.String(required=True)
    withdrawn_at = fields.String(allow_none=True)
    text_version = fields.String(allow_none=True)


class PersonPayload(Schema):
    """Internal topic only. `full_name`, `email` and `consents` are null in the event log once the person is
    erased. `consents` is absent from events written before it was carried (read as unknown, not as none)."""

    id = fields.String(required=True)
    organisation_id = fields.String(required=True)
    full_name = fields.String(required=True, allow_none=True)
    email = fields.String(required=True, allow_none=True)
    title = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    gender = fields.String(allow_none=True, validate=validate.OneOf(GENDERS))
    consents = fields.List(fields.Nested(ConsentPayload), allow_none=True)


class PersonUpdatedPayload(PersonPayload):
    changed = fields.List(fields.String(), required=True)


class PersonErasedPayload(Schema):
    """Remove everything that identifies person `id`; keep anonymous counts."""

    id = fields.String(required=True)
    organisation_id = fields.String(required=True)
    at = fields.String(required=True)


class SeatPayload(Schema):
    id = fields.String(required=True)
    body = fields.String(required=True)
    person_id = fields.String(required=True)
    organisation_id = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(SEAT_ROLES))
    term_start = fields.String(required=True)
    term_end = fields.String(allow_none=True)


class SeatEndedPayload(SeatPayload):
    ended_on = fields.String(required=True)
    reason = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)


def register(registry) -> None:
    registry.register(
        ORGANISATION_REGISTERED, ORGANISATIONS, OrganisationPayload, "A new organisation applied for membership."
    )
    registry.register(
        ORGANISATION_UPDATED, ORGANISATIONS, OrganisationUpdatedPayload, "An organisation's details changed."
    )
    registry.register(
        ORGANISATION_MEMBERSHIP_CHANGED,
        ORGANISATIONS,
        MembershipChangedPayload,
        "An organisation was approved, suspended, reinstated or withdrawn.",
    )
    registry.register(PERSON_REGISTERED, PEOPLE, PersonPayload, "A person of a member organisation was registered.")
    registry.register(PERSON_UPDATED, PEOPLE, PersonUpdatedPayload, "A person's details changed.")
    registry.register(
        PERSON_ERASED,
        PEOPLE,
        PersonErasedPayload,
        "A person's identifying data was erased (KVKK/GDPR); remove yours.",
        tombstone=True,  # then a null record of the person's key: compaction removes the person from Kafka
    )
    registry.register(SEAT_ASSIGNED, SEATS, SeatPayload, "A person took a seat on a governance body.")
    registry.register(SEAT_ENDED, SEATS, SeatEndedPayload, "A seat on a governance body ended.")
