"""Indicator rules on the projection's pure functions: membership active at period end, quorum count,
capacity-building attendance, distinct SMEs, and re-application changing nothing."""
from __future__ import annotations

from services.reporting.domain import indicators, rules
from services.reporting.domain.rules import Deltas, Reach
from tests.integration.reporting.stream import Stream


def _apply_orgs(events):
    deltas, docs = Deltas(), {}
    for event in events:
        new = rules.apply_org_event(docs.get(event.aggregate_id), event, deltas)
        if new is not None:
            docs[event.aggregate_id] = new
    return docs, deltas.merged()


def _apply_meetings(events):
    deltas, docs, before = Deltas(), {}, {}
    for event in events:
        new = rules.apply_meeting_event(docs.get(event.aggregate_id), event)
        if new is not None:
            before.setdefault(event.aggregate_id, None)
            docs[event.aggregate_id] = new
    for meeting_id, doc in docs.items():
        doc["counted"] = rules.counted(doc)
        rules.move(deltas, before[meeting_id], doc["counted"])
    return docs, deltas.merged()


def test_membership_counts_on_the_local_day_of_the_change():
    stream = Stream()
    org, registered = stream.organisation("Keşan TSO", province="Edirne")
    approve = stream.membership(org, at="2026-06-30T21:30:00+00:00")  # 1 July 00:30 in Istanbul
    docs, deltas = _apply_orgs([registered, approve])
    assert docs[org]["status"] == "active" and docs[org]["counted"]["day"] == "2026-07-01"
    assert deltas["Q:2026-Q3"] == {"oi1.total": 1, "oi1.kind.chamber": 1, "oi1.province.Edirne": 1}
    assert "Q:2026-Q2" not in deltas
    assert [h["status"] for h in docs[org]["history"]] == ["applicant", "active"]


def test_membership_active_at_period_end_is_the_running_sum():
    stream = Stream()
    org, registered = stream.organisation()
    events = [registered, stream.membership(org, at="2026-02-01T10:00:00+03:00"),
              stream.membership(org, "suspend", at="2026-05-01T10:00:00+03:00"),
              stream.membership(org, "reinstate", at="2026-08-01T10:00:00+03:00"),
              stream.membership(org, "withdraw", at="2026-11-01T10:00:00+03:00")]
    _, deltas = _apply_orgs(events)
    quarters = [deltas.get(f"Q:2026-Q{q}", {}).get("oi1.total", 0) for q in (1, 2, 3, 4)]
    assert quarters == [1, -1, 1, -1]
    running = [sum(quarters[:n + 1]) for n in range(4)]
    assert running == [1, 0, 1, 0]   # active at the end of Q1 and Q3 only


def test_membership_event_not_newer_changes_nothing():
    stream = Stream()
    org, registered = stream.organisation()
    approve = stream.membership(org)
    docs, _ = _apply_orgs([registered, approve])
    deltas = Deltas()
    assert rules.apply_org_event(docs[org], approve, deltas) is None
    assert rules.apply_org_event(docs[org], registered, deltas) is None
    assert deltas.merged() == {}


def test_a_change_of_kind_while_active_moves_the_count():
    stream = Stream()
    org, registered = stream.organisation(kind="ngo", province="Tekirdağ")
    docs, _ = _apply_orgs([registered, stream.membership(org, at="2026-01-10T10:00:00+03:00")])
    deltas = Deltas()
    update = stream.update(org, kind="public_body")
    new = rules.apply_org_event(docs[org], update, deltas)
    day_buckets = {b: p for b, p in deltas.merged().items() if b.startswith("Y:")}
    [paths] = day_buckets.values()
    assert paths == {"oi1.kind.ngo": -1, "oi1.kind.public_body": 1}
    assert new["counted"]["kind"] == "public_body"


def test_governance_meetings_held_and_with_quorum_by_body():
    stream = Stream()
    host, _ = stream.organisation()
    a, scheduled_a = stream.schedule("advisory_board_meeting", "2026-05-14T10:00:00+03:00", host, sequence=3)
    b, scheduled_b = stream.schedule("board_meeting", "2026-05-20T10:00:00+03:00", host, sequence=1)
    c, scheduled_c = stream.schedule("advisory_board_meeting", "2026-06-10T10:00:00+03:00", host, sequence=4)
    events = [scheduled_a, scheduled_b, scheduled_c,
              stream.held(a, {"seated": 5, "present": 3, "required": 3, "met": True}),
              stream.held(b, {"seated": 4, "present": 2, "required": 3, "met": False}),
              stream.cancel(c)]
    _, deltas = _apply_meetings(events)
    q2 = deltas["Q:2026-Q2"]
    assert q2["oi2.total"] == 2 and q2["oi2.quorum.total"] == 1
    assert q2["oi2.body.advisory_board"] == 1 and q2["oi2.body.board"] == 1
    assert q2["oi2.quorum.body.advisory_board"] == 1 and "oi2.quorum.body.board" not in q2
    assert "oi3.total" not in q2 and "oi4.total" not in q2


def test_capacity_building_attendance_live_then_final_summary():
    stream = Stream()
    host, _ = stream.organisation()
    sme = Stream.outside("Ergene Tekstil", "company", "small", "Tekirdağ")
    large = Stream.outside("Trakya Cam", "company", "large", "Kırklareli")
    ws, scheduled = stream.schedule("workshop", "2026-09-30T23:30:00+03:00", host,
                                    themes=["resource_efficiency", "energy_efficiency"], province="Tekirdağ")
    live = [scheduled, stream.attend(ws, sme, "female"), stream.attend(ws, large, "male")]
    docs, deltas = _apply_meetings(live)
    assert docs[ws]["day"] == "2026-09-30"
    q3 = deltas["Q:2026-Q3"]
    assert q3["oi4.total"] == 2 and q3["oi4.gender.female"] == 1 and "oi3.total" not in q3  # not held yet
    held = stream.held(ws)
    delta = Deltas()
    before = docs[ws]["counted"]
    new = rules.apply_meeting_event(docs[ws], held)
    rules.move(delta, before, rules.counted(new))
    q3 = delta.merged()["Q:2026-Q3"]
    assert q3 == {"oi3.total": 1, "oi3.kind.workshop": 1, "oi3.province.Tekirdağ": 1,
                  "oi3.theme.resource_efficiency": 1, "oi3.theme.energy_efficiency": 1}  # attendance unchanged
    assert set(new["reached"]) == {sme["key"], large["key"]}


def test_governance_attendance_is_not_capacity_building():
    stream = Stream()
    host, _ = stream.organisation()
    ab, scheduled = stream.schedule("advisory_board_meeting", "2026-05-14T10:00:00+03:00", host)
    _, deltas = _apply_meetings([scheduled, stream.attend(ab, stream.ref(host))])
    assert deltas == {}


def test_rescheduling_moves_the_meeting_to_its_new_quarter():
    stream = Stream()
    host, _ = stream.organisation()
    ws, scheduled = stream.schedule("training", "2026-06-28T10:00:00+03:00", host)
    events = [scheduled, stream.reschedule(ws, "2026-07-02T10:00:00+03:00"),
              stream.attend(ws, Stream.outside("Firma")), stream.held(ws)]
    _, deltas = _apply_meetings(events)
    assert deltas["Q:2026-Q3"]["oi3.total"] == 1 and "Q:2026-Q2" not in deltas


def test_distinct_smes_only_at_capacity_building_meetings():
    stream = Stream()
    host, _ = stream.organisation()
    sme = Stream.outside("Ergene Tekstil", "company", "micro", "Edirne")
    ws, scheduled_ws = stream.schedule("workshop", "2026-07-08T10:00:00+03:00", host)
    ab, scheduled_ab = stream.schedule("advisory_board_meeting", "2026-07-09T10:00:00+03:00", host)
    docs, _ = _apply_meetings([scheduled_ws, scheduled_ab])
    reach = Reach()
    reach.add(docs[ws], sme)
    reach.add(docs[ws], sme)   # twice the same day
    reach.add(docs[ab], sme)   # and at a governance meeting the next day
    marks = reach.candidate_marks()
    sme_marks = sorted(b for c, b, _, _ in marks.values() if c == "sme")
    org_marks = sorted(b for c, b, _, _ in marks.values() if c == "org")
    assert sme_marks == ["H:2026-H2", "M:2026-07", "Q:2026-Q3", "Y:2026"]
    assert org_marks == sme_marks  # one per bucket, whatever the number of days
    firsts = reach.first_days()
    assert firsts[f"sme|{sme['key']}"][2] == "2026-07-08"
    assert rules.reach_paths("sme", marks[f"sme|Q:2026-Q3|{sme['key']}"][3]) == {
        "oi5.total": 1, "oi5.size_class.micro": 1, "oi5.province.Edirne": 1}


def test_large_companies_and_chambers_are_not_smes():
    meeting = {"kind": "workshop", "day": "2026-07-08"}
    assert [c for c, _ in rules.reach_of(meeting, Stream.outside("Cam", "company", "large"))] == ["org"]
    assert [c for c, _ in rules.reach_of(meeting, {"key": "x", "kind": "chamber", "is_sme": False})] == ["org"]
    assert rules.reach_of(meeting, {"key": None}) == []


def test_indicator_values_targets_and_percentages():
    period = {"oi1.total": 4, "oi1.kind.chamber": 3, "oi1.kind.company": 1, "oi4.total": 30, "oi4.gender.female": 12,
              "oi4.gender.male": 18}
    cumulative = {"oi1.total": 4, "oi4.total": 120, "oi4.gender.female": 50}
    oi1 = indicators.count_indicator("OI.1", period, cumulative, 8)
    assert (oi1["value"], oi1["cumulative"], oi1["percent_of_target"]) == (4, 4, 50.0)
    oi4 = indicators.count_indicator("OI.4", period, cumulative, 400)
    assert (oi4["value"], oi4["cumulative"], oi4["percent_of_target"]) == (30, 120, 30.0)
    assert list(oi4["breakdowns"]["gender"].items()) == [("male", 18), ("female", 12)]
    assert indicators.count_indicator("OI.3", {}, {}, None)["percent_of_target"] is None
    assert indicators.percent(1, 3) == 33.3


def test_counter_segments_never_contain_dots():
    assert rules.seg("St. Petersburg") == "St_ Petersburg"
    assert rules.seg(None) == "unknown" and rules.seg("$x") == "_x"
