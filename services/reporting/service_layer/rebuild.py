"""Rebuild the projections from reporting's journal of consumed events.

The journal holds every event reporting ever applied, in the order it applied
them (`seq`), so replaying it through the same projection code gives the same
counters and the same indicator values. The rebuild writes a new generation of
the projection collections while the worker keeps consuming: from the moment
the rebuild starts the worker only appends to the journal; the rebuild replays
the journal into the new generation, catches up with what arrived meanwhile and,
in one transaction with the last events, switches the service to the new
generation and hands projecting back to the worker. The old generation is then
dropped. Nothing is read from Kafka or from another service's database.
"""
from __future__ import annotations

import time
from typing import Callable

from pymongo import ReturnDocument

from shared.clock import utc_now

from ..adapters.documents import JOURNAL, PROJECTIONS, STATE, STATE_ID, Generation
from .projector import KNOWN_MARKS, apply_events, journal_events

CHUNK = 4  # journal documents (batches of up to 500 events each) replayed at a time


def _events(docs: list[dict]) -> list:
    return [event for doc in docs for event in journal_events(doc)]


def _chunk(db, after: int, limit: int, session=None) -> list[dict]:
    return list(db[JOURNAL].find({"seq": {"$gt": after}}, session=session).sort("seq", 1).limit(limit))


def rebuild(client, db, progress: Callable[[str], None] | None = None, chunk: int = CHUNK) -> dict:
    say = progress or (lambda _text: None)
    started = time.perf_counter()
    state = db[STATE].find_one_and_update(
        {"_id": STATE_ID}, {"$set": {"rebuilding": True, "rebuild_started_at": utc_now()}},
        upsert=True, return_document=ReturnDocument.AFTER)
    old = Generation(db, state.get("generation", 0))
    new = Generation(db, old.number + 1)
    new.drop()
    new.ensure_indexes()
    KNOWN_MARKS.forget()  # it may remember marks of an interrupted rebuild into this generation
    total = (db[STATE].find_one({"_id": STATE_ID}) or {}).get("seq", 0)
    say(f"rebuilding reporting projections from the journal ({total} events) into generation {new.number}")
    applied, last = 0, 0
    while True:
        docs = _chunk(db, last, chunk)
        if len(docs) < chunk:
            break  # the rest goes into the final transaction
        events = _events(docs)
        apply_events(new, events)
        applied, last = applied + len(events), docs[-1]["seq"]
        say(f"  {applied} events replayed ({applied / max(time.perf_counter() - started, 1e-9):.0f}/s)")

    def finish(session):
        KNOWN_MARKS.forget()  # marks read inside an attempt that aborts must not be remembered
        docs = []
        cursor_after = last
        while True:
            more = _chunk(db, cursor_after, chunk, session)
            if not more:
                break
            events = _events(more)
            apply_events(new, events, session)
            docs.extend(events)
            cursor_after = more[-1]["seq"]
        db[STATE].update_one({"_id": STATE_ID}, {"$set": {
            "generation": new.number, "rebuilding": False, "rebuilt_at": utc_now(),
            "rebuilt_events": applied + len(docs)}}, session=session)
        return len(docs)

    with client.start_session() as session:
        applied += session.with_transaction(finish)
    for base in PROJECTIONS:  # the previous generation is no longer read
        db.drop_collection(old.name(base))
    seconds = time.perf_counter() - started
    say(f"rebuilt: {applied} events in {seconds:.1f}s; generation {new.number} is now active")
    return {"events": applied, "seconds": seconds, "generation": new.number}
