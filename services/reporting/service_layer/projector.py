"""Reporting's projections, updated a batch at a time.

The consumer runtime calls `project_batch` once per polled batch, inside the
batch's MongoDB transaction, with the events not processed before. The batch is
appended to the journal (reporting's own copy of the history it consumed) and
applied to the active projection generation with a fixed number of round trips
whatever the batch size: one read and one bulk write per collection touched.
"""
from __future__ import annotations

import json
import logging
import zlib

from bson import Binary
from pymongo import ReplaceOne, ReturnDocument, UpdateOne

from shared.clock import utc_now
from shared.messaging.consumer import BatchContext
from shared.messaging.envelope import CloudEvent

from ..adapters.documents import JOURNAL, STATE, STATE_ID, Generation
from ..domain import rules
from ..domain.rules import Deltas, Reach, reach_paths

log = logging.getLogger(__name__)

META = "meta"   # in `buckets`: the earliest day any organisation was reached


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
    return [CloudEvent(**body) for body in json.loads(zlib.decompress(entry["z"]).decode("utf-8"))]


def project_batch(events: list[CloudEvent], ctx: BatchContext) -> None:
    """The consumer's batch handler: journal the events, then project them unless a rebuild runs."""
    state = ctx.db[STATE].find_one_and_update(
        {"_id": STATE_ID}, {"$inc": {"seq": len(events)}}, upsert=True, return_document=ReturnDocument.AFTER,
        session=ctx.session)
    ctx.db[JOURNAL].insert_one(journal_entry(events, state["seq"]), session=ctx.session)
    if state.get("rebuilding"):
        return  # the rebuild replays the journal, these events included, before it hands back
    apply_events(Generation(ctx.db, state.get("generation", 0)), events, ctx.session)


def apply_events(gen: Generation, events: list[CloudEvent], session=None) -> Deltas:
    deltas = Deltas()
    org_events = [e for e in events if e.type in rules.ORG_TYPES]
    meeting_events = [e for e in events if e.type in rules.MEETING_TYPES]
    if org_events:
        _apply_organisations(gen, org_events, deltas, session)
    reach = Reach()
    if meeting_events:
        _apply_meetings(gen, meeting_events, deltas, reach, session)
    if reach.seen:
        _apply_reach(gen, reach, deltas, session)
    _write_buckets(gen, deltas, session)
    return deltas


IN_CHUNK = 100  # SecantusDB answers {"$in": [...]} in time quadratic in the list's length: ask in slices


def find_in(collection, ids, projection=None, session=None) -> list[dict]:
    ids = list(ids)
    found = []
    for start in range(0, len(ids), IN_CHUNK):
        found.extend(collection.find({"_id": {"$in": ids[start:start + IN_CHUNK]}}, projection, session=session))
    return found


def _load(collection, ids, session) -> dict:
    return {d["_id"]: d for d in find_in(collection, ids, session=session)}


def _apply_organisations(gen: Generation, events, deltas: Deltas, session) -> None:
    docs = _load(gen.organisations, {e.aggregate_id for e in events}, session)
    changed = {}
    for event in events:
        new = rules.apply_org_event(docs.get(event.aggregate_id), event, deltas)
        if new is not None:
            docs[event.aggregate_id] = changed[event.aggregate_id] = new
    if changed:
        gen.organisations.bulk_write([ReplaceOne({"_id": i}, d, upsert=True) for i, d in changed.items()],
                                     ordered=False, session=session)


def _apply_meetings(gen: Generation, events, deltas: Deltas, reach: Reach, session) -> None:
    docs = _load(gen.meetings, {e.aggregate_id for e in events}, session)
    before = {i: d.get("counted") for i, d in docs.items()}
    changed = set()
    for event in events:
        new = rules.apply_meeting_event(docs.get(event.aggregate_id), event)
        if new is None:
            continue
        docs[event.aggregate_id] = new
        changed.add(event.aggregate_id)
        if event.type == rules.ATTENDANCE:
            reach.add(new, event.data.get("organisation"))
        elif event.type == rules.HELD:
            for organisation in event.data["attendance"]["organisations"]:
                reach.add(new, organisation)
    ops = []
    for meeting_id in changed:
        doc = docs[meeting_id]
        doc["counted"] = rules.counted(doc)
        rules.move(deltas, before.get(meeting_id), doc["counted"])
        ops.append(ReplaceOne({"_id": meeting_id}, doc, upsert=True))
    if ops:
        gen.meetings.bulk_write(ops, ordered=False, session=session)


class _KnownMarks:
    """Mark ids this process has read back from the database: committed, and never removed from their
    generation (a rebuild writes a new generation), so they need not be asked for again."""

    LIMIT = 2_000_000

    def __init__(self):
        self.generation, self.ids = None, set()

    def forget(self) -> None:
        self.generation, self.ids = None, set()

    def of(self, gen: Generation) -> set:
        if self.generation != (gen.db.name, gen.number) or len(self.ids) > self.LIMIT:
            self.generation, self.ids = (gen.db.name, gen.number), set()
        return self.ids


KNOWN_MARKS = _KnownMarks()


def _apply_reach(gen: Generation, reach: Reach, deltas: Deltas, session) -> None:
    candidates = reach.candidate_marks()
    known = KNOWN_MARKS.of(gen)
    existing = {d["_id"] for d in find_in(gen.marks, [m for m in candidates if m not in known], {"_id": 1}, session)}
    known.update(existing)
    existing.update(m for m in candidates if m in known)
    new_marks = []
    for mark_id, (category, bucket, key, attrs) in candidates.items():
        if mark_id in existing:
            continue
        new_marks.append({"_id": mark_id, "cat": category, "b": bucket, "k": key, "a": attrs})
        rules.add(deltas.by_bucket[bucket], reach_paths(category, attrs))
    if new_marks:
        gen.marks.insert_many(new_marks, ordered=False, session=session)
    firsts = reach.first_days()
    stored = _load(gen.firsts, firsts, session)
    ops, days = [], []
    for first_id, (category, key, day, attrs) in firsts.items():
        old = stored.get(first_id)
        if old is not None and old["day"] <= day:
            continue
        if old is not None:
            deltas.add_day(old["day"], reach_paths(category, old["a"], first=True), -1)
        deltas.add_day(day, reach_paths(category, attrs, first=True))
        ops.append(ReplaceOne({"_id": first_id}, {"_id": first_id, "cat": category, "k": key, "day": day, "a": attrs},
                              upsert=True))
        days.append(day)
    if ops:
        gen.firsts.bulk_write(ops, ordered=False, session=session)
        gen.buckets.update_one({"_id": META}, {"$min": {"min_day": min(days)}}, upsert=True, session=session)


def _write_buckets(gen: Generation, deltas: Deltas, session) -> None:
    merged = deltas.merged()
    if merged:
        gen.buckets.bulk_write([UpdateOne({"_id": bucket}, {"$inc": {f"c.{p}": n for p, n in paths.items()}},
                                          upsert=True) for bucket, paths in sorted(merged.items())],
                               ordered=False, session=session)

