"""Reporting's projections fed through the real consumer runtime: the indicators of a history, and the
same indicators whatever the redelivery, duplication, batching or interleaving of aggregates."""
from __future__ import annotations

import random

import pytest

from services.reporting.bootstrap import unit_of_work
from services.reporting.domain.periods import parse_period
from services.reporting.service_layer import indicators

from .conftest import history
from .stream import Feeder

pytestmark = pytest.mark.integration

PERIODS = ["2026-Q2", "2026-Q3", "2026-Q4", "2026-H2", "2026", "2026-07-05/2026-10-10", "2025-12-01/2026-01-31"]


def figures(db, periods=PERIODS) -> dict:
    result = {}
    for label in periods:
        computed = indicators.compute(unit_of_work(db), parse_period(label))
        result[label] = {i["code"]: {k: i[k] for k in ("value", "cumulative", "breakdowns", "cumulative_breakdowns",
                                                       "details")} for i in computed["indicators"]}
    return result


def value(db, period, code, key="value"):
    computed = indicators.compute(unit_of_work(db), parse_period(period))
    return next(i for i in computed["indicators"] if i["code"] == code)[key]


def test_indicators_of_a_history(feed, db, stream, programme):
    events, ids = history(stream)
    feed(*events)
    q3 = {i["code"]: i for i in indicators.compute(unit_of_work(db), parse_period("2026-Q3"))["indicators"]}
    # OI.1: active at 30 Sept: Kırklareli, Keşan, Çerkezköy TSO, Ergene, Lüleburgaz (the agency joins 1 Oct)
    assert q3["OI.1"]["value"] == 5 and q3["OI.1"]["breakdowns"]["kind"] == {"chamber": 3, "company": 2}
    assert q3["OI.1"]["breakdowns"]["province"] == {"Kırklareli": 2, "Tekirdağ": 2, "Edirne": 1}
    # OI.2: the 4th advisory board meeting, without quorum; cumulative adds the 3rd, with quorum
    assert (q3["OI.2"]["value"], q3["OI.2"]["cumulative"]) == (1, 2)
    assert q3["OI.2"]["details"] == {"with_quorum": 0, "cumulative_with_quorum": 1}
    assert q3["OI.2"]["breakdowns"]["body"] == {"advisory_board": 1}
    # OI.3: workshop (8 July) and training (30 Sept 23:30 Istanbul); the cancelled training does not count
    assert q3["OI.3"]["value"] == 2
    assert q3["OI.3"]["breakdowns"]["theme"] == {"energy_efficiency": 1, "industrial_symbiosis": 1,
                                                 "resource_efficiency": 1}
    assert q3["OI.3"]["breakdowns"]["kind"] == {"training": 1, "workshop": 1}
    # OI.4: 4 + 2 attendances, by gender, province, organisation kind
    assert q3["OI.4"]["value"] == 6
    assert q3["OI.4"]["breakdowns"]["gender"] == {"female": 3, "male": 2, "undisclosed": 1}
    assert q3["OI.4"]["breakdowns"]["organisation_kind"] == {"company": 6}
    # OI.5: Ergene (twice), the outside micro firm, Lüleburgaz: 3 distinct SMEs; the large firm is no SME
    assert q3["OI.5"]["value"] == 3
    assert q3["OI.5"]["breakdowns"]["size_class"] == {"medium": 1, "micro": 1, "small": 1}
    # OI.6: Keşan (AB4), Ergene, the two outside firms, Lüleburgaz; cumulative adds Kırklareli (AB3)
    assert (q3["OI.6"]["value"], q3["OI.6"]["cumulative"]) == (5, 6)
    assert q3["OI.6"]["breakdowns"]["kind"] == {"company": 4, "chamber": 1}
    # Q4: the agency is active from 1 Oct and suspended 2 Nov: not active at 31 Dec
    assert value(db, "2026-Q4", "OI.1") == 5
    assert value(db, "2026-10-01/2026-10-31", "OI.1") == 6
    # the year and the half
    assert value(db, "2026", "OI.3") == 3 and value(db, "2026-H2", "OI.4") == 8
    assert value(db, "2026", "OI.5") == 3 and value(db, "2026-H2", "OI.6") == 5
    assert value(db, "2026", "OI.6") == 6
    # a range across months: 5 July – 10 Oct holds the workshop, the training and the site visit
    assert value(db, "2026-07-05/2026-10-10", "OI.3") == 3
    assert value(db, "2026-07-05/2026-10-10", "OI.5") == 3
    assert value(db, "2026-07-09/2026-10-10", "OI.5") == 3   # after the workshop: Ergene, Lüleburgaz, micro firm
    assert value(db, "2026-07-09/2026-09-29", "OI.5") == 0
    # before the programme started (1 Jan 2026): nothing cumulative
    assert value(db, "2025-Q4", "OI.4", "cumulative") == 0
    assert value(db, "2025-Q4", "OI.1") == 1   # Kırklareli TSO, approved Nov 2025


def test_duplicated_and_redelivered_events_change_nothing(feed, db, stream, programme, app):
    events, _ = history(stream)
    feed(*events)
    expected = figures(db)
    feed(*(events + events))           # the whole stream again, and every event twice in one batch
    for event in events[::3]:
        feed(event)                    # one by one
    assert figures(db) == expected
    assert db.processed_events.count_documents({}) == len(events)
    journalled = sum(d["count"] for d in db.journal.find())
    assert journalled == len(events)


def test_batching_and_interleaving_of_aggregates_give_the_same_figures(stream, app, settings_for, programme):
    events, _ = history(stream)
    reference = Feeder(app)
    reference(*events)
    expected = figures(reference.db)
    rng = random.Random(3)
    settings = reference.db.programme.find_one()
    name = reference.db.name
    from services.reporting import create_app
    for attempt, batch in enumerate((1, 7, 50)):
        other = create_app(settings_for("reporting", mongo_db=f"{name}_mix{attempt}"))
        other.extensions["tvp"].db.programme.insert_one(settings)
        by_aggregate: dict[str, list] = {}
        for event in events:
            by_aggregate.setdefault(event.aggregate_id, []).append(event)
        queues = list(by_aggregate.values())
        shuffled = []
        while queues:  # each aggregate's events in order, the aggregates interleaved at random
            queue = rng.choice(queues)
            shuffled.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
        Feeder(other)(*shuffled, batch=batch)
        assert figures(other.extensions["tvp"].db) == expected, f"batches of {batch}"


def test_a_replay_of_old_events_with_new_ids_is_ignored_by_version(feed, db, stream, programme):
    events, ids = history(stream)
    feed(*events)
    expected = figures(db)
    from shared.contracts import REGISTRY
    old = [e for e in events if e.aggregate_id == ids["ws1"]]
    replayed = [REGISTRY.build(e.type, e.aggregate_id, e.aggregateversion, e.data, "replay") for e in old]
    feed(*replayed)
    assert figures(db) == expected


def test_the_final_summary_corrects_the_live_attendance(feed, db, stream, programme):
    host, registered = stream.organisation()
    ws, scheduled = stream.schedule("workshop", "2026-08-04T10:00:00+03:00", host)
    firm = stream.outside("Edirne Peynircilik", "company", "small", "Edirne")
    feed(registered, scheduled, stream.attend(ws, firm, "female"))
    assert value(db, "2026-Q3", "OI.4") == 1 and value(db, "2026-Q3", "OI.3") == 0
    stream.meetings[ws]["attended"].append({"gender": "male", "province": "Edirne", "organisation": firm})
    feed(stream.held(ws))   # the events service's final count has one more attendance
    assert value(db, "2026-Q3", "OI.4") == 2 and value(db, "2026-Q3", "OI.3") == 1
    assert value(db, "2026-Q3", "OI.4", "breakdowns")["gender"] == {"female": 1, "male": 1}


def test_earlier_first_attendance_moves_the_cumulative_count(feed, db, stream, programme):
    host, registered = stream.organisation()
    firm = stream.outside("Ergene Tekstil", "company", "small", "Tekirdağ")
    late, scheduled_late = stream.schedule("workshop", "2026-09-04T10:00:00+03:00", host)
    early, scheduled_early = stream.schedule("workshop", "2026-03-04T10:00:00+03:00", host)
    feed(registered, scheduled_late, stream.attend(late, firm), scheduled_early)
    assert value(db, "2026-Q1", "OI.5", "cumulative") == 0 and value(db, "2026-Q3", "OI.5", "cumulative") == 1
    feed(stream.attend(early, firm))   # recorded later, happened earlier
    assert value(db, "2026-Q1", "OI.5", "cumulative") == 1 and value(db, "2026-Q3", "OI.5", "cumulative") == 1
    assert value(db, "2026", "OI.5") == 1


def test_reach_before_the_programme_start_uses_the_exact_path(feed, db, stream, api, programme):
    host, registered = stream.organisation()
    firm = stream.outside("Ergene Tekstil", "company", "small", "Tekirdağ")
    old, scheduled_old = stream.schedule("workshop", "2025-10-04T10:00:00+03:00", host)
    new, scheduled_new = stream.schedule("workshop", "2026-03-04T10:00:00+03:00", host)
    other = stream.outside("Lüleburgaz Gıda", "company", "medium", "Kırklareli")
    feed(registered, scheduled_old, stream.attend(old, firm), stream.attend(old, other),
         scheduled_new, stream.attend(new, firm))
    # the programme starts 1 Jan 2026: the firm reached in 2025 only does not count cumulatively
    assert value(db, "2026-Q1", "OI.5", "cumulative") == 1
    assert value(db, "2026-Q1", "OI.6", "cumulative") == 1
