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
from mongoengine import BooleanField, DateTimeField, DictField, Document, IntField, ListField, StringField
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
NOTIFICATIONS = "notifications"
REMINDERS = "reminders"


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
    consents = ListField(DictField())  # purpose, granted_at, withdrawn_at, text_version; None if never told
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


class NotificationDocument(Document):
    """One mail owed for one triggering event to one recipient with one template (services/events/domain/
    notifications.py): written by the notifications consumer with its processed-event record, sent by the mail
    sender (service_layer/mail_sender.py). `context` is what the mail shows, fixed when the event arrived."""

    id = StringField(primary_key=True)  # notification_id(event_id, recipient, template)
    event_id = StringField(required=True)
    event_type = StringField()
    meeting_id = StringField(required=True)
    recipient = StringField(required=True)  # a person id, or "registration:<id>" for an outside participant
    person_id = StringField()
    to = StringField()  # None once the person is erased
    template = StringField(required=True)
    language = StringField(required=True)
    context = DictField()
    status = StringField(required=True)  # pending | sending | sent | failed | skipped
    reason = StringField()  # why skipped
    attempts = IntField(default=0)
    next_attempt_at = DateTimeField()
    lease_until = DateTimeField()
    last_error = StringField()
    message_id = StringField()
    created_at = DateTimeField(required=True)
    sent_at = DateTimeField()

    meta = {
        "collection": NOTIFICATIONS, "db_alias": ALIAS, "strict": False,
        "indexes": [
            {"fields": ["event_id", "recipient", "template"], "name": "one_per_event_recipient_template",
             "unique": True},
            {"fields": ["status", "next_attempt_at"], "name": "due"},
            {"fields": ["meeting_id", "created_at"], "name": "by_meeting"},
            {"fields": ["person_id"], "name": "by_person"},
        ],
    }


class ReminderDocument(Document):
    """A meeting's reminder, due 24 h before it starts (`_id` = the meeting id): moved by a reschedule, removed by
    a cancellation, claimed with a lease by the mail sender, `done` once its notifications are written."""

    id = StringField(primary_key=True)
    due_at = DateTimeField(required=True)
    starts_at = DateTimeField(required=True)
    status = StringField(required=True)  # pending | claimed | done
    lease_until = DateTimeField()
    done_at = DateTimeField()

    meta = {"collection": REMINDERS, "db_alias": ALIAS, "strict": False,
            "indexes": [{"fields": ["status", "due_at"], "name": "due"}]}


DOCUMENTS = (MeetingDocument, MemberOrganisationDocument, MemberPersonDocument, MemberSeatDocument,
             NotificationDocument, ReminderDocument)
AGGREGATE_COLLECTIONS: list[str] = [MEETINGS]


def ensure_indexes(db: Database) -> None:
    for document in DOCUMENTS:
        create_declared_indexes(db, document)
    ensure_audit_indexes(db)  # the event log and the access log, for GET /api/v1/audit
    ensure_retention_indexes(db)
    ensure_evidence_indexes(db)  # GridFS's fs.files, by meeting
