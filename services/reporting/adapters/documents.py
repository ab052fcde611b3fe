"""How the reporting service stores its data (mongoengine, database tvp_reporting).

The documents describe the stored shape and declare the indexes; writes go
through the repositories (adapters/repositories.py) with pymongo, one document
write per change or one transaction, never through mongoengine's `save`
(mongoengine 0.29 has no transactions, and an outbox write must be one write).

Own data (written by the API):
  programme      the programme settings (one document)
  expenditures   eligible expenditure, amounts as decimal strings
  reports        period reports, an aggregate with its own outbox (report.submitted events); the
                 versions of one report (its revisions) share a `lineage`
  report_files   GridFS bucket: the PDF, XLSX and manifest.json frozen when a report is submitted

Consumed history (written by the worker):
  journal            every event reporting consumed, in the order it was applied (`seq`): the
                     history `tvp rebuild` replays (person ids are dropped; reporting needs none)
  projection_state   the journal sequence, the active projection generation, rebuild status

Projections (a generation of collections; generation 0 has the plain names, a rebuild
writes generation n under `<name>_r<n>` and then switches to it):
  member_organisations  membership history and what each organisation adds to OI.1
  meetings              meetings with their live and final attendance counts
  buckets               counters per calendar bucket (Y:/H:/Q:/M:/D:), see domain/rules.py
  reach_marks           one per (SME|organisation, bucket) reached: distinct counts
  reach_first           the first day each organisation/SME was reached: cumulative counts
"""
from __future__ import annotations

from mongoengine import (
    BinaryField,
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    DynamicField,
    IntField,
    StringField,
)
from pymongo.database import Database

from shared.adapters.documents import AggregateDocument, create_declared_indexes
from shared.audit.trail import ensure_audit_indexes
from shared.evidence.store import ensure_evidence_indexes

ALIAS = "reporting"

PROGRAMME = "programme"
EXPENDITURES = "expenditures"
REPORTS = "reports"
REPORT_FILES = "report_files"
JOURNAL = "journal"
STATE = "projection_state"
STATE_ID = "projection"


class _Stored(Document):
    """Every reporting document: the service's connection; fields not declared here are kept."""
    meta = {"abstract": True, "db_alias": ALIAS, "strict": False}


class _Aggregate(AggregateDocument):
    meta = {"abstract": True, "db_alias": ALIAS}


# -- own data ---------------------------------------------------------------------------

class ProgrammeDocument(_Stored):
    """One document (`_id` "programme"); `version` is its ETag. Not an aggregate with events."""
    id = StringField(primary_key=True)
    name = StringField(required=True)
    name_tr = StringField()
    beneficiary = StringField()
    start_date = StringField(required=True)  # ISO date
    end_date = StringField(required=True)
    eu_share = StringField(required=True)    # decimal as text
    national_share = StringField(required=True)
    targets = DictField()
    version = IntField(required=True)
    updated_at = DateTimeField()
    updated_by = StringField()

    meta = {"collection": PROGRAMME}


class ExpenditureDocument(_Stored):
    id = StringField(primary_key=True)
    date = StringField(required=True)  # ISO date
    budget_line = StringField(required=True)
    amount = StringField(required=True)
    currency = StringField(required=True)
    eur_rate = StringField()
    amount_eur = StringField(required=True)
    description = StringField(required=True)
    meeting_id = StringField()
    created_at = DateTimeField(required=True)
    created_by = StringField()

    meta = {"collection": EXPENDITURES, "indexes": [{"fields": ["date", "id"], "name": "by_date"}]}


class ReportDocument(_Aggregate):
    id = StringField(primary_key=True)
    period = StringField(required=True)
    from_ = StringField(db_field="from", required=True)
    to = StringField(required=True)
    kind = StringField(required=True)
    status = StringField(required=True)  # draft | submitted
    content = DictField(required=True)
    sha256 = StringField(required=True)    # of the content while draft, of manifest.json once submitted
    content_sha256 = StringField()
    revision = IntField(required=True)     # 1, then +1 per revision (correction) of a submitted version
    draft_version = IntField()             # +1 per change of a draft: its ETag
    lineage = StringField()                # the first version's id, shared by its revisions
    revision_of = StringField()
    revision_key = StringField()           # "<lineage>|<revision>"
    created_at = DateTimeField(required=True)
    created_by = StringField()
    computed_at = StringField(required=True)  # part of the frozen content, hence text
    submitted_at = DateTimeField()
    submitted_by = StringField()
    submitted_key = StringField()  # "<period>|<kind>", set on submission only

    meta = {"collection": REPORTS, "indexes": [
        {"fields": ["-created_at"], "name": "by_created"},
        # One submitted report per period and kind, under concurrency too.
        {"fields": ["submitted_key"], "unique": True, "sparse": True, "name": "one_submitted_per_period_and_kind"},
        # One revision n+1 of a version n: the versions of a report are a chain, never a tree.
        {"fields": ["revision_key"], "unique": True, "sparse": True, "name": "one_revision_per_version"},
        {"fields": ["lineage", "revision"], "name": "versions"},
    ]}


# -- consumed history --------------------------------------------------------------------

class JournalDocument(_Stored):
    """One per consumed batch: `_id` is the sequence number of its first event, `seq` of its last."""
    id = IntField(primary_key=True)
    seq = IntField(required=True)
    count = IntField(required=True)
    at = DateTimeField(required=True)
    z = BinaryField(required=True)  # the events as zlib-compressed JSON

    meta = {"collection": JOURNAL, "indexes": [{"fields": ["seq"], "name": "by_seq"}]}


class ProjectionStateDocument(_Stored):
    id = StringField(primary_key=True)  # STATE_ID
    seq = IntField()
    generation = IntField()
    rebuilding = BooleanField()
    rebuild_started_at = DateTimeField()
    rebuilt_at = DateTimeField()
    rebuilt_events = IntField()

    meta = {"collection": STATE}


# -- projections (collection names of generation 0; see PROJECTION_DOCUMENTS) -----------

class MemberOrganisationDocument(_Stored):
    id = StringField(primary_key=True)
    meta = {"collection": "member_organisations"}


class MeetingDocument(_Stored):
    id = StringField(primary_key=True)
    day = StringField()  # local calendar day, ISO
    status = StringField()
    meta = {"collection": "meetings", "indexes": [{"fields": ["day"], "name": "by_day"}]}


class BucketDocument(_Stored):
    id = StringField(primary_key=True)  # "Q:2026-3" …, or META
    c = DictField()                     # counters by path
    min_day = StringField()             # META only
    meta = {"collection": "buckets"}


class ReachMarkDocument(_Stored):
    id = StringField(primary_key=True)
    cat = StringField(required=True)
    b = StringField(required=True)
    k = StringField(required=True)
    a = DictField()
    meta = {"collection": "reach_marks", "indexes": [{"fields": ["b", "cat"], "name": "by_bucket"}]}


class ReachFirstDocument(_Stored):
    id = StringField(primary_key=True)
    cat = StringField(required=True)
    k = StringField(required=True)
    day = StringField(required=True)
    a = DynamicField()
    meta = {"collection": "reach_first"}


class MeetingEvidenceDocument(_Stored):
    """A meeting's evidence file as its `meeting.evidence_added` event described it (the bytes stay in the
    events service): kind, filename, content_type, size, sha256, uploaded_at."""
    id = StringField(primary_key=True)  # the evidence id
    meeting_id = StringField(required=True)
    meta = {"collection": "meeting_evidence", "indexes": [{"fields": ["meeting_id"], "name": "by_meeting"}]}


PROJECTION_DOCUMENTS = (MemberOrganisationDocument, MeetingDocument, BucketDocument, ReachMarkDocument,
                        ReachFirstDocument, MeetingEvidenceDocument)
PROJECTIONS = tuple(document._get_collection_name() for document in PROJECTION_DOCUMENTS)
OWN_DOCUMENTS = (ProgrammeDocument, ExpenditureDocument, ReportDocument, JournalDocument, ProjectionStateDocument)

AGGREGATE_COLLECTIONS: list[str] = [REPORTS]


def generation_name(base: str, number: int) -> str:
    return base if number == 0 else f"{base}_r{number}"


def ensure_generation_indexes(db: Database, number: int) -> None:
    for document in PROJECTION_DOCUMENTS:
        create_declared_indexes(db, document, generation_name(document._get_collection_name(), number))


def ensure_indexes(db: Database) -> None:
    for document in OWN_DOCUMENTS:
        create_declared_indexes(db, document)
    ensure_audit_indexes(db)  # the event log and the access log, for GET /api/v1/audit
    ensure_evidence_indexes(db)  # GridFS's fs.files, by expenditure
    state = db[STATE].find_one({"_id": STATE_ID}, {"generation": 1}) or {}
    ensure_generation_indexes(db, state.get("generation", 0))


def active_member_organisations(db: Database):
    """The member organisations of the active projection generation (who a chamber admin's token may name)."""
    state = db[STATE].find_one({"_id": STATE_ID}, {"generation": 1}) or {}
    return db[generation_name(MemberOrganisationDocument._get_collection_name(), state.get("generation", 0))]
