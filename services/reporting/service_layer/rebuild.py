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

from shared.auth import Principal
from shared.messaging.outbox import Causation

from .commands import RebuildProjections
from .projector import KNOWN_MARKS, apply_events


def rebuild(uow, command: RebuildProjections, principal: Principal, cause: Causation) -> dict:
    say = command.say or (lambda _text: None)
    progress = command.progress or (lambda _done, _total: None)
    started = time.perf_counter()
    state = uow.projections.start_rebuild()
    old = uow.projections.generation(state.get("generation", 0))
    new = uow.projections.generation(old.number + 1)
    new.drop()
    new.ensure_indexes()
    KNOWN_MARKS.forget()  # it may remember marks of an interrupted rebuild into this generation
    total = state.get("seq", 0)
    say(f"rebuilding reporting projections from the journal ({total} events) into generation {new.number}")
    progress(0, total)
    applied, last = 0, 0
    while True:
        events, after, entries = uow.journal.after(last, command.chunk)
        if entries < command.chunk:
            break  # the rest goes into the final transaction
        apply_events(new, events)
        applied, last = applied + len(events), after
        progress(applied, max(total, applied))

    def finish() -> int:
        KNOWN_MARKS.forget()  # marks read inside an attempt that aborts must not be remembered
        caught_up, cursor = 0, last
        # The repositories handed out inside the transaction read and write in it.
        final = uow.projections.generation(new.number)
        while True:
            events, after, entries = uow.journal.after(cursor, command.chunk)
            if not entries:
                break
            apply_events(final, events)
            caught_up, cursor = caught_up + len(events), after
        uow.projections.switch_to(new.number, applied + caught_up)
        return caught_up

    applied += uow.transaction(finish)
    old.drop()  # the previous generation is no longer read
    progress(applied, max(total, applied))
    seconds = time.perf_counter() - started
    say(f"rebuilt: {applied} events in {seconds:.1f}s; generation {new.number} is now active")
    return {"events": applied, "seconds": seconds, "generation": new.number}
