"""How the events service stores its data (mongoengine, database tvp_events).

`meetings` holds the meeting aggregates, each with its registrations, attendance
and decisions embedded and its own outbox (see shared/messaging/outbox.py). The
`member_*` collections are this service's view of the membership, built only
from the members' event stream (service_layer/membership_handlers.py).

The documents describe the stored shape and declare the indexes; writes go
through the repositories (adapters/repositories.py) with pymongo, since a change
and its events must be one document write (mongoengine 0.29 has no transactions).
Index names are the ones earlier releases created, so existing databases keep them.
"""
from mongoengine import BooleanField, DateTimeField, DictField, IntField, ListField, StringField
from pymongo.database import Database

from shared.adapters.documents import AggregateDocument, ReadModelDocument, create_declared_indexes
from shared.adapters.retention import ensure_retention_indexes
from shared.audit.trail import ensure_audit_indexes
from shared.evidence.store import ensure_evidence_indexes

ALIAS = "events"

MEETINGS = "meetings"
ORGANISATIONS = "member_organisations"
PEOPLE = "member_people"
SEATS = "member_seats"


class _Aggregate(AggregateDocument):
    created_at = DateTimeField(required=True)
    updated_at = DateTimeField(required=True)

    meta = {"abstract": True, "db_alias": ALIAS}


class _ReadModel(ReadModelDocument):
    meta = {"abstract": True, "db_alias": ALIAS}


class MeetingDocument(_Aggregate):
    id = StringField(primary_key=True)
    kind = StringField(required=True)
    title = StringField(required=True)
    description = StringField()
    body = StringField()  # board | advisory_board for governance meetings
    host_organisation_id = StringField(required=True)
    host = DictField()  # the host's organisation reference when scheduled
    province = StringField()
    starts_at = DateTimeField(required=True)
    ends_at = DateTimeField(required=True)
    venue = DictField()
    themes = ListField(StringField())
    capacity = IntField()
    status = StringField(required=True)  # scheduled | cancelled | held
    final_sequence = IntField()
    reschedules = IntField()  # how often it was moved: the SEQUENCE of its calendar entry (adapters/calendar.py)
    registrations = ListField(DictField())
    check_in_codes = DictField()  # registration id → check-in code (domain/check_in.py)
    decisions = ListField(DictField())
    created_by = StringField()
    cancellation = DictField()
    held_at = DateTimeField()
    attendance_summary = DictField()
    quorum = DictField()
    seated_people = ListField(StringField())

    meta = {
        "collection": MEETINGS,
        "indexes": [
            {"fields": ["starts_at", "_id"], "name": "by_start"},
            {"fields": ["body", "status"], "name": "by_body"},
            {"fields": ["host_organisation_id"], "name": "by_host"},
            {"fields": ["kind"], "name": "by_kind"},
            {"fields": ["registrations.person_id"], "name": "by_registered_person"},
            {"fields": ["registrations.id"], "name": "by_registration"},  # a badge names only its registration
        ],
    }


class MemberOrganisationDocument(_ReadModel):
    name = StringField()
    kind = StringField()
    province = StringField()
    size_class = StringField()
    is_sme = BooleanField()
    status = StringField()

    meta = {"collection": ORGANISATIONS}


class MemberPersonDocument(_ReadModel):
    organisation_id = StringField()
    full_name = StringField()  # None once erased
    email = StringField()  # None once erased
    gender = StringField()
    erased = BooleanField()
    erased_at = StringField()

    meta = {"collection": PEOPLE, "indexes": [{"fields": ["organisation_id"], "name": "by_organisation"}]}


class MemberSeatDocument(_ReadModel):
    body = StringField()
    person_id = StringField()
    organisation_id = StringField()
    role = StringField()
    term_start = StringField()  # ISO date
    term_end = StringField()
    status = StringField()  # active | ended
    ended_on = StringField()

    meta = {
        "collection": SEATS,
        "indexes": [{"fields": ["body"], "name": "by_body"}, {"fields": ["person_id"], "name": "by_person"}],
    }


DOCUMENTS = (MeetingDocument, MemberOrganisationDocument, MemberPersonDocument, MemberSeatDocument)
AGGREGATE_COLLECTIONS: list[str] = [MEETINGS]


def ensure_indexes(db: Database) -> None:
    for document in DOCUMENTS:
        create_declared_indexes(db, document)
    ensure_audit_indexes(db)  # the event log and the access log, for GET /api/v1/audit
    ensure_retention_indexes(db)
    ensure_evidence_indexes(db)  # GridFS's fs.files, by meeting
