"""How the members service stores its aggregates (mongoengine, database tvp_members).

The documents describe the stored shape and declare every index (`ensure_indexes`
creates them from here); reads and writes go through the repositories
(adapters/repositories.py) with pymongo, not mongoengine's save: mongoengine 0.29
has no transactions, and a change and its events must be one document write.

Rules that must hold under concurrency are unique indexes, not read-then-write
checks: one organisation per tax number, one person per e-mail address within an
organisation, one active seat per person per body, one active chair per body.
"""

from mongoengine import BooleanField, DateTimeField, DictField, Document, IntField, ListField, StringField
from pymongo.database import Database

from shared.adapters.documents import AggregateDocument, create_declared_indexes
from shared.adapters.retention import ensure_retention_indexes
from shared.audit.trail import ensure_audit_indexes
from shared.clock import utc_now

from .repositories import Bodies

ALIAS = "members"
# The names of the unique indexes a seat assignment tells apart in a DuplicateKey.
ONE_SEAT_PER_PERSON = "one_active_seat_per_person_per_body"
ONE_CHAIR = "one_active_chair_per_body"


class _Aggregate(AggregateDocument):
    created_at = DateTimeField(required=True)
    updated_at = DateTimeField(required=True)

    meta = {"abstract": True, "db_alias": ALIAS}


class OrganisationDocument(_Aggregate):
    id = StringField(primary_key=True)
    name = StringField(required=True)
    name_folded = StringField(required=True)
    short_name = StringField()
    kind = StringField(required=True)
    province = StringField(required=True)
    region = StringField(required=True)
    district = StringField()
    tax_number = StringField()
    nace_code = StringField()
    size_class = StringField()
    is_sme = BooleanField(default=False)
    employees = IntField()
    email = StringField()
    website = StringField()
    status = StringField(required=True)
    status_history = ListField(DictField())
    seats_checked_at = DateTimeField()  # written by seat assignments to serialise them with suspensions

    meta = {
        "collection": "organisations",
        "indexes": [
            {"fields": ["tax_number"], "unique": True, "sparse": True},
            "kind", "province", "status", "name_folded",
        ],
    }


class PersonDocument(_Aggregate):
    id = StringField(primary_key=True)
    organisation_id = StringField(required=True)
    status = StringField(required=True)  # active | erased
    full_name = StringField()
    name_folded = StringField()
    email = StringField()
    email_key = StringField()  # "<organisation id>:<lower-case e-mail>", unset on erasure
    title = StringField()
    phone = StringField()
    gender = StringField()
    consents = ListField(DictField())
    seats_checked_at = DateTimeField()
    erased_at = DateTimeField()

    meta = {
        "collection": "people",
        "indexes": [
            {"fields": ["email_key"], "unique": True, "sparse": True},
            ("organisation_id", "name_folded"),
            "status",
        ],
    }


class BodyDocument(Document):
    """A governance body; `_id` is its code. Not event-sourced: the contract has no body events."""
    id = StringField(primary_key=True)
    name = StringField(required=True)
    name_tr = StringField()
    kind = StringField(required=True)
    description = StringField()
    created_at = DateTimeField(required=True)

    meta = {"collection": "bodies", "db_alias": ALIAS, "strict": False}


class SeatDocument(_Aggregate):
    id = StringField(primary_key=True)
    body = StringField(required=True)
    person_id = StringField(required=True)
    organisation_id = StringField(required=True)
    role = StringField(required=True)
    term_start = StringField(required=True)  # ISO date
    term_end = StringField()
    status = StringField(required=True)  # active | ended
    ended_on = StringField()
    end_reason = StringField()

    meta = {
        "collection": "seats",
        "indexes": [
            ("body", "status", "term_start"), ("organisation_id", "status"), ("person_id", "status"),
            # Partial unique indexes: the rules hold for active seats only (ended ones are history).
            {"fields": ["body", "person_id"], "unique": True, "name": ONE_SEAT_PER_PERSON,
             "partialFilterExpression": {"status": "active"}},
            {"fields": ["body"], "unique": True, "name": ONE_CHAIR,
             "partialFilterExpression": {"status": "active", "role": "chair"}},
        ],
    }


AGGREGATE_COLLECTIONS = ["organisations", "people", "seats"]


def ensure_indexes(db: Database) -> None:
    """Every collection's indexes, as the documents declare them; then the standard bodies."""
    for document in (OrganisationDocument, PersonDocument, BodyDocument, SeatDocument):
        create_declared_indexes(db, document)
    ensure_audit_indexes(db)  # the event log and the access log, for GET /api/v1/audit
    ensure_retention_indexes(db)
    Bodies(db, outbox=None).ensure_standard(utc_now())  # bodies have no events: no outbox needed
