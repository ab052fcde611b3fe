"""Reporting's projections, updated a batch at a time.

The consumer runtime calls `project_batch` once per polled batch (the bus's batch
handler, bootstrap.py), inside the batch's MongoDB transaction, with the events not
processed before; its unit of work is joined to that transaction. The batch is
appended to the journal (reporting's own copy of the history it consumed) and
applied to the active projection generation with a fixed number of round trips
whatever the batch size: one read and one bulk write per collection touched (the
generation's repository methods, adapters/repositories.py).
"""
from __future__ import annotations

import logging

from shared.auth import Principal
from shared.messaging.envelope import CloudEvent
from shared.messaging.outbox import Causation

from ..domain import rules
from ..domain.rules import Deltas, Reach, reach_paths

log = logging.getLogger(__name__)


def project_batch(uow, events: list[CloudEvent], principal: Principal, cause: Causation) -> None:
    """The batch handler: journal the events, then project them unless a rebuild runs."""
    state = uow.projections.advance(len(events))
    uow.journal.append(events, state["seq"])
    if state.get("rebuilding"):
        return  # the rebuild replays the journal, these events included, before it hands back
    apply_events(uow.projections.generation(state.get("generation", 0)), events)


def project_one(uow, event: CloudEvent, principal: Principal, cause: Causation) -> None:
    """The per-event form, for a runtime without the batch hook: a batch of one."""
    project_batch(uow, [event], principal, cause)


def apply_events(gen, events: list[CloudEvent]) -> Deltas:
    """Apply the events to the projection generation `gen` (a repository, adapters/repositories.py)."""
    deltas = Deltas()
    org_events = [e for e in events if e.type in rules.ORG_TYPES]
    meeting_events = [e for e in events if e.type in rules.MEETING_TYPES]
    if org_events:
        _apply_organisations(gen, org_events, deltas)
    reach = Reach()
    if meeting_events:
        _apply_meetings(gen, meeting_events, deltas, reach)
    if reach.seen:
        _apply_reach(gen, reach, deltas)
    evidence = [e for e in events if e.type == rules.EVIDENCE_ADDED]
    if evidence:
        gen.save_meeting_evidence({e.data["evidence_id"]: _evidence_entry(e) for e in evidence})
    gen.add_to_buckets(deltas.merged())
    return deltas


def _apply_organisations(gen, events, deltas: Deltas) -> None:
    docs = gen.organisations({e.aggregate_id for e in events})
    changed = {}
    for event in events:
        new = rules.apply_org_event(docs.get(event.aggregate_id), event, deltas)
        if new is not None:
            docs[event.aggregate_id] = changed[event.aggregate_id] = new
    gen.save_organisations(changed)


def _apply_meetings(gen, events, deltas: Deltas, reach: Reach) -> None:
    docs = gen.meetings({e.aggregate_id for e in events})
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
    for meeting_id in changed:
        doc = docs[meeting_id]
        doc["counted"] = rules.counted(doc)
        rules.move(deltas, before.get(meeting_id), doc["counted"])
    gen.save_meetings({meeting_id: docs[meeting_id] for meeting_id in changed})


def _evidence_entry(event: CloudEvent) -> dict:
    """What a report needs of a meeting's evidence file: the event's description of it (the bytes stay in the
    events service and are fetched, checked against this SHA-256, when a package is built)."""
    data = event.data
    return {"_id": data["evidence_id"], "meeting_id": data["id"], "kind": data["kind"], "filename": data["filename"],
            "content_type": data["content_type"], "size": data["size"], "sha256": data["sha256"],
            "uploaded_at": data["uploaded_at"]}


class _KnownMarks:
    """Mark ids this process has read back from the database: committed, and never removed from their
    generation (a rebuild writes a new generation), so they need not be asked for again."""

    LIMIT = 2_000_000

    def __init__(self):
        self.generation, self.ids = None, set()

    def forget(self) -> None:
        self.generation, self.ids = None, set()

    def of(self, gen) -> set:
        if self.generation != gen.key or len(self.ids) > self.LIMIT:
            self.generation, self.ids = gen.key, set()
        return self.ids


KNOWN_MARKS = _KnownMarks()


def _apply_reach(gen, reach: Reach, deltas: Deltas) -> None:
    candidates = reach.candidate_marks()
    known = KNOWN_MARKS.of(gen)
    existing = gen.existing_marks([m for m in candidates if m not in known])
    known.update(existing)
    existing.update(m for m in candidates if m in known)
    new_marks = []
    for mark_id, (category, bucket, key, attrs) in candidates.items():
        if mark_id in existing:
            continue
        new_marks.append({"_id": mark_id, "cat": category, "b": bucket, "k": key, "a": attrs})
        rules.add(deltas.by_bucket[bucket], reach_paths(category, attrs))
    gen.add_marks(new_marks)
    firsts = reach.first_days()
    stored = gen.firsts(firsts)
    replaced, days = {}, []
    for first_id, (category, key, day, attrs) in firsts.items():
        old = stored.get(first_id)
        if old is not None and old["day"] <= day:
            continue
        if old is not None:
            deltas.add_day(old["day"], reach_paths(category, old["a"], first=True), -1)
        deltas.add_day(day, reach_paths(category, attrs, first=True))
        replaced[first_id] = {"_id": first_id, "cat": category, "k": key, "day": day, "a": attrs}
        days.append(day)
    if replaced:
        gen.save_firsts(replaced)
        gen.note_first_reach(min(days))
