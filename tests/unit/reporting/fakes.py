"""In-memory fakes of reporting's repositories (services/reporting/adapters/repositories.py), for unit tests
of its use cases and event handlers: the same query methods, in plain Python.

The projection generations live inside the `FakeProjections` documents, so that
`FakeUnitOfWork.atomic()` rolls them back with everything else.
"""
from __future__ import annotations

import copy
import uuid

from pymongo.errors import DuplicateKeyError

from services.reporting.adapters.repositories import already_submitted, journal_entry, journal_events
from services.reporting.service_layer.programme import ID as PROGRAMME_ID
from shared.clock import utc_now
from shared.errors import Conflict, DuplicateKey
from shared.messaging.outbox import ConcurrencyConflict

from ..fake_uow import FakeRepository, FakeUnitOfWork

STATE_ID = "projection"


class FakeProgramme(FakeRepository):
    collection = "programme"
    noun = "programme"

    def replace(self, document: dict, expected_version: int) -> None:
        if (self.docs.get(document["_id"]) or {}).get("version", 0) != expected_version:
            raise ConcurrencyConflict(f"programme is no longer at version {expected_version}")
        self.docs[document["_id"]] = copy.deepcopy(document)


class FakeExpenditures(FakeRepository):
    collection = "expenditures"
    noun = "expenditure"

    def insert(self, document: dict) -> None:
        if document["_id"] in self.docs:
            raise DuplicateKeyError(f"E11000 duplicate key _id {document['_id']}")
        self.docs[document["_id"]] = copy.deepcopy(document)

    def between(self, first_day: str, last_day: str) -> list[dict]:
        return sorted(self.matching({"date": {"$gte": first_day, "$lte": last_day}}),
                      key=lambda e: (e["date"], e["_id"]))


class FakeReports(FakeRepository):
    collection = "reports"
    noun = "report"
    unique = ("submitted_key", "revision_key")

    def save(self, aggregate_id, expected_version, events, cause, **changes):
        try:
            return super().save(aggregate_id, expected_version, events, cause, **changes)
        except DuplicateKey:
            raise already_submitted(changes["set_fields"]["submitted_key"]) from None

    def change_draft(self, report_id: str, draft_version: int, set_fields: dict) -> None:
        current = self.docs.get(report_id)
        if current is None or current["status"] != "draft" or current.get("draft_version") != draft_version:
            raise ConcurrencyConflict(f"report {report_id} is no longer a draft at version {draft_version}")
        current.update(copy.deepcopy(set_fields), draft_version=draft_version + 1)

    def add_revision(self, document: dict, cause) -> None:
        try:
            self.add(document, [], cause)
        except DuplicateKey:
            raise Conflict("revised already") from None

    def versions(self, lineage: str) -> list[dict]:
        found = [copy.deepcopy(d) for d in self.docs.values() if lineage in (d.get("lineage"), d["_id"])]
        return sorted(found, key=lambda d: d.get("revision", 1))

    def delete_draft(self, report_id: str) -> bool:
        if (self.docs.get(report_id) or {}).get("status") == "draft":
            del self.docs[report_id]
            return True
        return False


class FakeReportFiles(FakeRepository):
    """GridFS in a dict: file id -> bytes."""
    collection = "report_files"
    noun = "report file"

    def put(self, file_id: str, filename: str, data: bytes, content_type: str) -> None:
        self.docs[file_id] = {"_id": file_id, "data": bytes(data)}

    def exists(self, file_id: str) -> bool:
        return file_id in self.docs

    def read(self, file_id: str) -> bytes:
        return self.docs[file_id]["data"]

    def chunks(self, file_id: str):
        yield self.read(file_id)


class FakeEvidence(FakeRepository):
    """The expenditures' evidence records (shared/evidence's store), without bytes: none in these tests."""
    collection = "evidence"
    noun = "evidence file"

    def of_owners(self, owner_type: str, owner_ids) -> list[dict]:
        return [copy.deepcopy(d) for d in self.docs.values()
                if d["owner_type"] == owner_type and d["owner_id"] in owner_ids]


class FakeJournal(FakeRepository):
    collection = "journal"
    noun = "journal entry"

    def append(self, events, last_seq: int) -> None:
        entry = journal_entry(events, last_seq)  # the real encoding: person ids dropped, compressed
        if entry["_id"] in self.docs:
            raise DuplicateKeyError(f"E11000 duplicate key _id {entry['_id']}")
        self.docs[entry["_id"]] = entry

    def after(self, seq: int, entries: int):
        found = sorted((d for d in self.docs.values() if d["seq"] > seq), key=lambda d: d["seq"])[:entries]
        events = [event for entry in found for event in journal_events(entry)]
        return events, (found[-1]["seq"] if found else seq), len(found)


class FakeGeneration:
    """One projection generation, kept in its FakeProjections' documents under "generation:<n>"."""

    def __init__(self, projections: "FakeProjections", number: int):
        self.projections = projections
        self.number = number

    @property
    def key(self) -> tuple:
        return "fake", self.projections.name, self.number

    @property
    def _data(self) -> dict:
        return self.projections.docs.setdefault(f"generation:{self.number}", {
            "_id": f"generation:{self.number}", "organisations": {}, "meetings": {}, "firsts": {}, "marks": {},
            "buckets": {}, "min_day": None})

    def _by_id(self, part: str, ids, projection: dict | None = None) -> dict:
        stored = self._data[part]
        found = {i: copy.deepcopy(stored[i]) for i in ids if i in stored}
        if projection:
            found = {i: {k: v for k, v in d.items() if k == "_id" or projection.get(k)} for i, d in found.items()}
        return found

    def _replace(self, part: str, documents: dict) -> None:
        self._data[part].update(copy.deepcopy(documents))

    def organisations(self, ids, projection: dict | None = None) -> dict:
        return self._by_id("organisations", ids, projection)

    def save_organisations(self, documents: dict) -> None:
        self._replace("organisations", documents)

    def meetings(self, ids) -> dict:
        return self._by_id("meetings", ids)

    def save_meetings(self, documents: dict) -> None:
        self._replace("meetings", documents)

    def firsts(self, ids) -> dict:
        return self._by_id("firsts", ids)

    def save_firsts(self, documents: dict) -> None:
        self._replace("firsts", documents)

    def evidence_of_meetings(self, meeting_ids) -> list[dict]:
        """The meetings' evidence records, in upload order (the projection of meeting.evidence_added)."""
        return [copy.deepcopy(d) for d in self._data.get("evidence", {}).values() if d["meeting_id"] in meeting_ids]

    def meeting_known(self, meeting_id: str) -> bool:
        return meeting_id in self._data["meetings"]

    def _meetings_between(self, first_day: str, last_day: str) -> list[dict]:
        return [copy.deepcopy(m) for m in self._data["meetings"].values() if first_day <= m["day"] <= last_day]

    def held_meetings(self, first_day: str, last_day: str) -> list[dict]:
        return [m for m in self._meetings_between(first_day, last_day) if m.get("status") == "held"]

    def meetings_reaching(self, first_day: str, last_day: str) -> list[dict]:
        return [m for m in self._meetings_between(first_day, last_day) if m.get("status") != "cancelled"]

    def existing_marks(self, ids) -> set:
        return {i for i in ids if i in self._data["marks"]}

    def add_marks(self, marks: list[dict]) -> None:
        for mark in marks:
            if mark["_id"] in self._data["marks"]:
                raise DuplicateKeyError(f"E11000 duplicate key _id {mark['_id']}")
            self._data["marks"][mark["_id"]] = copy.deepcopy(mark)

    def marks_in(self, buckets: list[str]) -> list[dict]:
        return [copy.deepcopy(m) for m in self._data["marks"].values() if m["b"] in buckets]

    def buckets_and_first_reach(self, ids) -> tuple[dict, str | None]:
        return self._by_id("buckets", ids), self._data["min_day"]

    def add_to_buckets(self, counters: dict) -> None:
        for bucket, paths in counters.items():
            document = self._data["buckets"].setdefault(bucket, {"_id": bucket, "c": {}})
            for path, n in paths.items():
                *parents, last = path.split(".")
                node = document["c"]
                for name in parents:
                    node = node.setdefault(name, {})
                node[last] = node.get(last, 0) + n

    def note_first_reach(self, day: str) -> None:
        self._data["min_day"] = day if self._data["min_day"] is None else min(self._data["min_day"], day)

    def drop(self) -> None:
        self.projections.docs.pop(f"generation:{self.number}", None)

    def ensure_indexes(self) -> None:
        pass


class FakeProjections(FakeRepository):
    collection = "projection_state"
    noun = "projection state"

    def __init__(self, state: dict | None = None):
        super().__init__([{"_id": STATE_ID, **state}] if state else [])
        self.name = uuid.uuid4().hex  # process-wide caches (the projector's known marks) tell fakes apart by it

    def state(self) -> dict:
        return copy.deepcopy(self.docs.get(STATE_ID) or {})

    def generation(self, number: int) -> FakeGeneration:
        return FakeGeneration(self, number)

    def active(self) -> FakeGeneration:
        return self.generation(self.state().get("generation", 0))

    def _state(self) -> dict:
        return self.docs.setdefault(STATE_ID, {"_id": STATE_ID})

    def advance(self, events: int) -> dict:
        self._state()["seq"] = self._state().get("seq", 0) + events
        return self.state()

    def start_rebuild(self) -> dict:
        self._state().update(rebuilding=True, rebuild_started_at=utc_now())
        return self.state()

    def switch_to(self, number: int, rebuilt_events: int) -> None:
        self._state().update(generation=number, rebuilding=False, rebuilt_at=utc_now(), rebuilt_events=rebuilt_events)


def fake_uow(programme: dict | None = None, expenditures=(), reports=(), state: dict | None = None) -> FakeUnitOfWork:
    """A unit of work over fresh fakes; `programme` is stored as the configured settings (version 1)."""
    stored = [{"_id": PROGRAMME_ID, "version": 1, **programme}] if programme else []
    return FakeUnitOfWork(programme=FakeProgramme(stored), expenditures=FakeExpenditures(list(expenditures)),
                          reports=FakeReports(list(reports)), report_files=FakeReportFiles(), evidence=FakeEvidence(),
                          journal=FakeJournal(),
                          projections=FakeProjections(state))
