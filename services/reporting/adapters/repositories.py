"""Reporting's repositories: every query and write the service does, and the only code of it that calls pymongo.

One repository per aggregate or read model, handed out by the unit of work
(bootstrap.py) and bound to its session: `programme`, `expenditures`, `reports`
(an aggregate with an outbox), `report_files` (the files frozen at submission), `journal` (the consumed history) and
`projections` (the projection state, which hands out the active `Generation` of
the projection collections).
"""
from __future__ import annotations

import json
import zlib
from typing import Any, Iterable, Iterator

from bson import Binary
from gridfs import GridFSBucket, NoFile
from pymongo import ASCENDING, ReplaceOne, ReturnDocument, UpdateOne
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.adapters.repository import MongoRepository
from shared.clock import utc_now
from shared.contracts import REGISTRY
from shared.errors import Conflict, DuplicateKey
from shared.evidence.store import EvidenceFiles
from shared.messaging.envelope import CloudEvent
from shared.messaging.outbox import ConcurrencyConflict

from .documents import (
    EXPENDITURES,
    JOURNAL,
    PROGRAMME,
    PROJECTIONS,
    REPORT_FILES,
    REPORTS,
    STATE,
    STATE_ID,
    ensure_generation_indexes,
    generation_name,
)

IN_CHUNK = 100  # SecantusDB answers {"$in": [...]} in time quadratic in the list's length: ask in slices
META = "meta"   # in `buckets`: the earliest day any organisation was reached


def find_in(collection, ids: Iterable, projection: dict | None = None, session: Any = None) -> list[dict]:
    ids = list(ids)
    found: list[dict] = []
    for start in range(0, len(ids), IN_CHUNK):
        found.extend(collection.find({"_id": {"$in": ids[start:start + IN_CHUNK]}}, projection, session=session))
    return found


# -- own data ---------------------------------------------------------------------------

class ProgrammeRepository(MongoRepository):
    collection = PROGRAMME
    noun = "programme"

    def replace(self, document: dict, expected_version: int) -> None:
        """Store the settings read at `expected_version` (0: none stored yet); ConcurrencyConflict if they moved on."""
        try:
            result = self.documents.replace_one({"_id": document["_id"], "version": expected_version}, document,
                                                upsert=expected_version == 0, session=self.session)
        except DuplicateKeyError:  # the upsert of a first version raced with another
            result = None
        if result is None or (result.matched_count == 0 and result.upserted_id is None):
            raise ConcurrencyConflict(f"programme is no longer at version {expected_version}")


class ExpenditureRepository(MongoRepository):
    collection = EXPENDITURES
    noun = "expenditure"
    ORDER = [("date", ASCENDING), ("_id", ASCENDING)]

    def insert(self, document: dict) -> None:
        """Expenditures announce nothing: a plain insert, no outbox."""
        self.documents.insert_one(document, session=self.session)

    def between(self, first_day: str, last_day: str) -> list[dict]:
        return list(self.documents.find({"date": {"$gte": first_day, "$lte": last_day}}, session=self.session)
                    .sort(self.ORDER))


def already_submitted(submitted_key: str) -> Conflict:
    period, kind = submitted_key.split("|")[:2]
    return Conflict(f"a {kind} report for {period} is already submitted")


class ReportRepository(MongoRepository):
    collection = REPORTS
    noun = "report"

    def save(self, aggregate_id, expected_version, events, cause, **changes) -> list[CloudEvent]:
        """As MongoRepository.save; 409 when submitting a second report of a period and kind (a unique index)."""
        try:
            return super().save(aggregate_id, expected_version, events, cause, **changes)
        except DuplicateKey:
            raise already_submitted((changes.get("set_fields") or {}).get("submitted_key", "?|?")) from None

    def change_draft(self, report_id: str, draft_version: int, set_fields: dict) -> None:
        """A draft's new content or narrative, read at `draft_version`; ConcurrencyConflict if submitted or
        changed meanwhile. Drafts announce nothing, so the aggregate's (event) version stays."""
        result = self.documents.update_one({"_id": report_id, "status": "draft", "draft_version": draft_version},
                                           {"$set": set_fields, "$inc": {"draft_version": 1}}, session=self.session)
        if result.matched_count != 1:
            raise ConcurrencyConflict(f"report {report_id} is no longer a draft at version {draft_version}")

    def add_revision(self, document: dict, cause) -> None:
        """A revision's draft; 409 when the version it revises was revised already (a unique index)."""
        try:
            self.add(document, [], cause)
        except DuplicateKey:
            raise Conflict(f"revision {document['revision'] - 1} of this report was revised already; "
                           "revise the latest version") from None

    def versions(self, lineage: str) -> list[dict]:
        """Every version of a report, the first one first."""
        return list(self.documents.find({"$or": [{"lineage": lineage}, {"_id": lineage}]},
                                        {"content": 0, **self.hidden}, session=self.session).sort("revision", 1))

    def submitted_covering(self, day: str) -> dict | None:
        """A submitted report whose period contains `day` (ISO): what freezes that day's expenditure."""
        return self.documents.find_one({"status": "submitted", "from": {"$lte": day}, "to": {"$gte": day}},
                                       {"period": 1, "kind": 1}, session=self.session)

    def delete_draft(self, report_id: str) -> bool:
        return self.documents.delete_one({"_id": report_id, "status": "draft"}, session=self.session).deleted_count == 1


class ReportFileRepository(MongoRepository):
    """The files a submission freezes (the PDF, the XLSX, manifest.json), in the GridFS bucket `report_files`,
    named by report, submission attempt and file (package.file_id): written before the submission's
    conditional write, read in chunks so a package is streamed.

    GridFS takes no part in transactions (pymongo refuses), so the files are written outside the request's
    transaction, if any: a submission that then loses leaves files under its own attempt's names, which no
    report names, and never overwrites those of the submission that won."""
    collection = REPORT_FILES
    noun = "report file"

    @property
    def bucket(self) -> GridFSBucket:
        return GridFSBucket(self.db, bucket_name=REPORT_FILES)

    def put(self, file_id: str, filename: str, data: bytes, content_type: str) -> None:
        try:
            self.bucket.delete(file_id)  # the same attempt run again (a lost race): the same bytes, rewritten
        except NoFile:
            pass
        self.bucket.upload_from_stream_with_id(file_id, filename, data, metadata={"content_type": content_type})

    def exists(self, file_id: str) -> bool:
        return self.db[f"{REPORT_FILES}.files"].count_documents({"_id": file_id}, limit=1) > 0

    def read(self, file_id: str) -> bytes:
        return b"".join(self.chunks(file_id))

    def chunks(self, file_id: str) -> Iterator[bytes]:
        try:
            stream = self.bucket.open_download_stream(file_id)
        except NoFile:
            raise Conflict(f"the frozen file {file_id} is missing") from None
        with stream:
            while chunk := stream.readchunk():
                yield chunk


# -- consumed history --------------------------------------------------------------------

def _journal_body(event: CloudEvent) -> dict:
    body = event.to_dict()
    if "person_id" in body["data"]:
        body["data"] = dict(body["data"], person_id=None)  # reporting keeps no person ids
    return body


def journal_entry(events: list[CloudEvent], last_seq: int) -> dict:
    """One journal document per batch: the events in the order applied, compressed JSON."""
    raw = json.dumps([_journal_body(e) for e in events], ensure_ascii=False, separators=(",", ":"))
    return {"_id": last_seq - len(events) + 1, "seq": last_seq, "count": len(events),
            "at": utc_now(), "z": Binary(zlib.compress(raw.encode("utf-8"), 6))}


def journal_events(entry: dict) -> list[CloudEvent]:
    """The events of a journal entry, each as the current version of its type: a journal written before a
    payload changed version replays into the same projections as one written after."""
    return [CloudEvent(**REGISTRY.current(body)) for body in json.loads(zlib.decompress(entry["z"]).decode("utf-8"))]


class JournalRepository(MongoRepository):
    collection = JOURNAL
    noun = "journal entry"

    def append(self, events: list[CloudEvent], last_seq: int) -> None:
        self.documents.insert_one(journal_entry(events, last_seq), session=self.session)

    def after(self, seq: int, entries: int) -> tuple[list[CloudEvent], int, int]:
        """The events of up to `entries` journal entries after `seq`, the sequence of the last one read, and
        how many entries were read."""
        found = list(self.documents.find({"seq": {"$gt": seq}}, session=self.session).sort("seq", 1).limit(entries))
        events = [event for entry in found for event in journal_events(entry)]
        return events, (found[-1]["seq"] if found else seq), len(found)


# -- projections -------------------------------------------------------------------------

class Generation:
    """One generation of the projection collections, read and written in a session."""

    def __init__(self, db: Database, number: int = 0, session: Any = None):
        self.db = db
        self.number = number
        self.session = session

    @property
    def key(self) -> tuple:
        """Names this generation in caches that outlive a unit of work."""
        return self.db.name, self.number

    def _collection(self, base: str):
        return self.db[generation_name(base, self.number)]

    def _by_id(self, base: str, ids: Iterable, projection: dict | None = None) -> dict:
        return {d["_id"]: d for d in find_in(self._collection(base), ids, projection, self.session)}

    def _replace(self, base: str, documents: dict) -> None:
        if documents:
            self._collection(base).bulk_write([ReplaceOne({"_id": i}, d, upsert=True) for i, d in documents.items()],
                                              ordered=False, session=self.session)

    # organisations, meetings, first reach: read by id, replaced whole
    def organisations(self, ids: Iterable, projection: dict | None = None) -> dict:
        return self._by_id("member_organisations", ids, projection)

    def save_organisations(self, documents: dict) -> None:
        self._replace("member_organisations", documents)

    def meetings(self, ids: Iterable) -> dict:
        return self._by_id("meetings", ids)

    def save_meetings(self, documents: dict) -> None:
        self._replace("meetings", documents)

    # meetings' evidence: one document per file, as its event described it, written once
    def save_meeting_evidence(self, documents: dict) -> None:
        self._replace("meeting_evidence", documents)

    def evidence_of_meetings(self, meeting_ids: list[str]) -> list[dict]:
        found: list[dict] = []
        for start in range(0, len(meeting_ids), IN_CHUNK):
            found.extend(self._collection("meeting_evidence").find(
                {"meeting_id": {"$in": meeting_ids[start:start + IN_CHUNK]}}, session=self.session))
        return sorted(found, key=lambda d: (d.get("uploaded_at") or "", d["_id"]))

    def firsts(self, ids: Iterable) -> dict:
        return self._by_id("reach_first", ids)

    def save_firsts(self, documents: dict) -> None:
        self._replace("reach_first", documents)

    def meeting_known(self, meeting_id: str) -> bool:
        return self._collection("meetings").count_documents({"_id": meeting_id}, limit=1, session=self.session) > 0

    def held_meetings(self, first_day: str, last_day: str) -> list[dict]:
        return list(self._collection("meetings").find(
            {"day": {"$gte": first_day, "$lte": last_day}, "status": "held"}, session=self.session))

    def meetings_reaching(self, first_day: str, last_day: str) -> list[dict]:
        """The meetings of the days, cancelled ones left out, with whom they reached."""
        return list(self._collection("meetings").find(
            {"day": {"$gte": first_day, "$lte": last_day}, "status": {"$ne": "cancelled"}},
            {"kind": 1, "day": 1, "reached": 1}, session=self.session))

    # reach marks: inserted once, never changed
    def existing_marks(self, ids: Iterable) -> set:
        return {d["_id"] for d in find_in(self._collection("reach_marks"), ids, {"_id": 1}, self.session)}

    def add_marks(self, marks: list[dict]) -> None:
        if marks:
            self._collection("reach_marks").insert_many(marks, ordered=False, session=self.session)

    def marks_in(self, buckets: list[str]) -> list[dict]:
        return list(self._collection("reach_marks").find({"b": {"$in": buckets}}, {"cat": 1, "k": 1, "b": 1, "a": 1},
                                                         session=self.session))

    # bucket counters
    def buckets_and_first_reach(self, ids: Iterable) -> tuple[dict, str | None]:
        """The buckets asked for by id, and the earliest day anyone was reached (in one round trip)."""
        found = {d["_id"]: d for d in self._collection("buckets").find({"_id": {"$in": sorted({*ids, META})}},
                                                                       session=self.session)}
        return {b: d for b, d in found.items() if b != META}, (found.get(META) or {}).get("min_day")

    def add_to_buckets(self, counters: dict[str, dict[str, int]]) -> None:
        """Add each bucket's counters (by path); buckets are created as needed."""
        if counters:
            self._collection("buckets").bulk_write(
                [UpdateOne({"_id": bucket}, {"$inc": {f"c.{p}": n for p, n in paths.items()}}, upsert=True)
                 for bucket, paths in sorted(counters.items())], ordered=False, session=self.session)

    def note_first_reach(self, day: str) -> None:
        self._collection("buckets").update_one({"_id": META}, {"$min": {"min_day": day}}, upsert=True,
                                               session=self.session)

    # life cycle
    def drop(self) -> None:
        for base in PROJECTIONS:
            self.db.drop_collection(generation_name(base, self.number))

    def ensure_indexes(self) -> None:
        ensure_generation_indexes(self.db, self.number)


class ProjectionRepository(MongoRepository):
    """The projection state (journal sequence, active generation, rebuild) and the generations it names."""
    collection = STATE
    noun = "projection state"

    def state(self) -> dict:
        return self.documents.find_one({"_id": STATE_ID}, session=self.session) or {}

    def generation(self, number: int) -> Generation:
        return Generation(self.db, number, self.session)

    def active(self) -> Generation:
        return self.generation(self.state().get("generation", 0))

    def advance(self, events: int) -> dict:
        """Number `events` more consumed events; the state after."""
        return self.documents.find_one_and_update({"_id": STATE_ID}, {"$inc": {"seq": events}}, upsert=True,
                                                  return_document=ReturnDocument.AFTER, session=self.session)

    def start_rebuild(self) -> dict:
        """From now on the worker only journals; the state after."""
        return self.documents.find_one_and_update(
            {"_id": STATE_ID}, {"$set": {"rebuilding": True, "rebuild_started_at": utc_now()}}, upsert=True,
            return_document=ReturnDocument.AFTER, session=self.session)

    def switch_to(self, number: int, rebuilt_events: int) -> None:
        """Make generation `number` the active one and hand projecting back to the worker."""
        self.documents.update_one({"_id": STATE_ID}, {"$set": {
            "generation": number, "rebuilding": False, "rebuilt_at": utc_now(), "rebuilt_events": rebuilt_events}},
            session=self.session)


REPOSITORIES = {
    "programme": ProgrammeRepository,
    "expenditures": ExpenditureRepository,
    "reports": ReportRepository,
    "report_files": ReportFileRepository,
    "journal": JournalRepository,
    "projections": ProjectionRepository,
    "evidence": EvidenceFiles,  # the expenditures' evidence files (GridFS)
}
