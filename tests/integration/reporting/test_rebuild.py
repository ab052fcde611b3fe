"""Rebuilding the projections from reporting's journal gives identical indicator values."""
from __future__ import annotations

import pytest

from services.reporting.bootstrap import unit_of_work
from services.reporting.entrypoints.rebuild_command import rebuild_with

from .conftest import history
from .test_projection import figures

pytestmark = pytest.mark.integration


def test_rebuild_gives_identical_indicators(app, feed, db, stream, programme):
    events, _ = history(stream)
    feed(*events[:20])
    feed(*events[20:])
    feed(*events[10:30])   # redelivered
    expected = figures(db)
    bus = app.extensions["tvp.bus"]
    messages = []
    result = rebuild_with(bus, say=messages.append)
    assert result["events"] == len(events) and result["generation"] == 1
    assert unit_of_work(db).projections.active().number == 1
    assert figures(db) == expected
    assert "meetings" not in db.list_collection_names()       # the old generation is dropped
    assert messages and messages[-1].startswith("rebuilt:")
    # the worker goes on projecting into the new generation; a second rebuild agrees again
    host, registered = stream.organisation("Edirne TSO", province="Edirne")
    ws, scheduled = stream.schedule("conference", "2026-11-12T10:00:00+03:00", host, province="Edirne")
    feed(registered, stream.membership(host, at="2026-11-01T10:00:00+03:00"), scheduled,
         stream.attend(ws, stream.outside("Keşan Un")), stream.held(ws))
    after_new_events = figures(db)
    assert after_new_events != expected
    assert rebuild_with(bus)["generation"] == 2
    assert figures(db) == after_new_events


def test_events_arriving_during_a_rebuild_are_taken_in(app, feed, db, stream, programme):
    events, _ = history(stream)
    feed(*events[:-10])
    db.projection_state.update_one({"_id": "projection"}, {"$set": {"rebuilding": True}})
    feed(*events[-10:])      # journalled while the rebuild runs, not projected
    rebuild_with(app.extensions["tvp.bus"])
    state = db.projection_state.find_one({"_id": "projection"})
    assert state["rebuilding"] is False and state["rebuilt_events"] == len(events)
    reference_db = db.client[db.name + "_ref"]
    from services.reporting.service_layer.projector import apply_events
    apply_events(unit_of_work(reference_db).projections.generation(0), events)
    reference_db.programme.insert_one(db.programme.find_one())
    assert figures(db) == figures(reference_db)
    db.client.drop_database(reference_db.name)
