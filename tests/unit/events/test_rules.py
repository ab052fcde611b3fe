"""Pure rules of the events service: numbering, quorum, waiting list, transitions, seats, summary."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from services.events.domain import meeting as rules
from services.events.domain.numbering import Numbered, assign_sequences, blocking_final, ordinal
from services.events.domain.quorum import compute, required_for
from services.events.domain.seats import holds_seat_on, seated_on
from services.events.domain.summary import attendance_summary
from services.events.domain.vocabulary import body_of
from shared.errors import Conflict, Unprocessable

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=timezone.utc)


def at(days: float) -> datetime:
    return NOW + timedelta(days=days)


# -- numbering ---------------------------------------------------------------------

def test_numbered_in_order_of_start():
    meetings = [Numbered("c", at(30)), Numbered("a", at(10)), Numbered("b", at(20))]
    assert assign_sequences(meetings) == {"a": 1, "b": 2, "c": 3}


def test_same_start_is_ordered_by_id():
    assert assign_sequences([Numbered("y", at(1)), Numbered("x", at(1))]) == {"x": 1, "y": 2}


def test_final_numbers_stay_and_later_ones_follow():
    meetings = [Numbered("held", at(-10), final_sequence=4), Numbered("next", at(5)), Numbered("after", at(9))]
    assert assign_sequences(meetings) == {"held": 4, "next": 5, "after": 6}


def test_unfinal_meeting_before_a_final_one_keeps_its_place():
    meetings = [Numbered("open", at(-20)), Numbered("held", at(-10), final_sequence=2), Numbered("next", at(5))]
    assert assign_sequences(meetings) == {"open": 1, "held": 2, "next": 3}


def test_placing_before_a_final_number_is_blocked():
    meetings = [Numbered("held", at(-10), final_sequence=2), Numbered("open", at(5))]
    assert blocking_final(meetings, at(-15)).id == "held"
    assert blocking_final(meetings, at(0)) is None
    assert blocking_final(meetings, at(-15), moving_id="held") is None


@pytest.mark.parametrize("n, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                     (13, "13th"), (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")])
def test_ordinals(n, text):
    assert ordinal(n) == text


# -- quorum ------------------------------------------------------------------------

@pytest.mark.parametrize("seated, required", [(0, 1), (1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (10, 6), (11, 6)])
def test_majority_required(seated, required):
    assert required_for(seated) == required


def test_quorum_counts_only_seated_people_present():
    quorum = compute({"a", "b", "c", "d", "e"}, {"a", "b", "x", "y"})
    assert (quorum.seated, quorum.present, quorum.required, quorum.met) == (5, 2, 3, False)
    assert compute({"a", "b", "c"}, {"a", "b"}).met is True


def test_no_seated_members_no_quorum():
    assert compute(set(), {"a"}).met is False


# -- registrations and waiting list ---------------------------------------------------

def meeting(capacity=None, status="scheduled", starts=None):
    starts = starts or at(10)
    return {"_id": "m", "kind": "workshop", "status": status, "capacity": capacity, "starts_at": starts,
            "ends_at": starts + timedelta(hours=2), "registrations": [], "decisions": []}


def person(pid, created=0):
    return {"id": f"r-{pid}", "person_id": pid, "participant": None, "source": "registration",
            "organisation": {"key": "org"}, "created_at": at(created), "attended": False}


def participant(name, email=None, org="acme"):
    return {"id": f"r-{name}", "person_id": None, "participant": {"full_name": name, "email": email},
            "source": "registration", "organisation": {"key": org}, "created_at": NOW, "attended": False}


def test_capacity_then_waitlist_in_order():
    m = meeting(capacity=2)
    statuses = [rules.place(m, person(p, i))["status"] for i, p in enumerate("abcd")]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [r["waitlist_position"] for r in m["registrations"]] == [None, None, 1, 2]


def test_cancelling_a_confirmed_place_promotes_the_first_waiting():
    m = meeting(capacity=1)
    a, b, c = (rules.place(m, person(p)) for p in "abc")
    promoted = rules.cancel_registration(m, a, NOW, "ill")
    assert promoted is b and b["status"] == "confirmed" and b["waitlist_position"] is None
    assert a["status"] == "cancelled" and a["previous_status"] == "confirmed"
    assert rules.cancel_registration(m, c, NOW, None) is None  # a waiting one leaving frees nothing
    with pytest.raises(Conflict):
        rules.cancel_registration(m, a, NOW, None)


def test_invitations_are_confirmed_beyond_capacity():
    m = meeting(capacity=1)
    rules.place(m, person("a"))
    assert rules.place(m, person("b"), always_confirm=True)["status"] == "confirmed"


def test_no_double_registration():
    m = meeting()
    rules.place(m, person("a"))
    with pytest.raises(Conflict):
        rules.place(m, person("a"))
    rules.place(m, participant("Ayşe Yılmaz", "ayse@x.example"))
    with pytest.raises(Conflict):
        rules.place(m, participant("Someone Else", "AYSE@x.example", org="other"))
    with pytest.raises(Conflict):
        rules.place(m, participant("AYŞE YILMAZ"))
    rules.place(m, participant("Ayşe Yılmaz", org="other"))  # a namesake elsewhere


def test_a_cancelled_registration_may_register_again():
    m = meeting()
    first = rules.place(m, person("a"))
    rules.cancel_registration(m, first, NOW, None)
    assert rules.place(m, person("a"))["status"] == "confirmed"


def test_outside_organisations_have_a_stable_anonymous_key():
    key = rules.organisation_key(None, "Demir Metal")
    assert key == rules.organisation_key(None, "DEMİR METAL ") and key.startswith("ext-") and "Demir" not in key
    assert rules.organisation_key("org-1", "Demir Metal") == "org-1"


# -- transitions and times -------------------------------------------------------------

def test_times():
    rules.check_times(at(1), at(1.1), NOW, may_record_past=False)
    rules.check_times(at(-1), at(-0.9), NOW, may_record_past=True)
    for starts, ends, past in ((at(1), at(1), False), (at(1), at(0.5), False), (at(-1), at(-0.9), False),
                               (at(1), at(40), False)):
        with pytest.raises(Unprocessable):
            rules.check_times(starts, ends, NOW, may_record_past=past)


def test_transitions_from_scheduled():
    m = meeting(starts=at(-0.01))
    rules.check_reschedule(m)
    rules.check_cancel(m)
    rules.check_close(m, NOW)
    with pytest.raises(Conflict):
        rules.check_close(meeting(starts=at(1)), NOW)  # not started yet


@pytest.mark.parametrize("status", ["held", "cancelled"])
def test_no_transition_from_a_final_status(status):
    m = meeting(status=status, starts=at(-1))
    for check in (rules.check_reschedule, rules.check_cancel, lambda x: rules.check_close(x, NOW),
                  rules.check_can_register):
        with pytest.raises(Conflict):
            check(m)


def test_meeting_with_attendance_is_neither_moved_nor_cancelled():
    m = meeting(starts=at(-0.1))
    rules.place(m, person("a"))["attended"] = True
    with pytest.raises(Conflict):
        rules.check_reschedule(m)
    with pytest.raises(Conflict):
        rules.check_cancel(m)


def test_attendance_window():
    m = meeting(starts=at(-0.1))
    r = rules.place(m, person("a"))
    rules.check_attendance(m, r, NOW)
    with pytest.raises(Conflict):
        rules.check_attendance(meeting(starts=at(1)), r, NOW)
    for status in ("held", "cancelled"):
        with pytest.raises(Conflict):
            rules.check_attendance(dict(m, status=status), r, NOW)
    r["status"] = "waitlisted"
    with pytest.raises(Conflict):
        rules.check_attendance(m, r, NOW)


def test_decisions_need_a_meeting_under_way_and_quorum():
    m = dict(meeting(starts=at(-0.1)), kind="board_meeting", body="board")
    rules.check_decision(m, NOW, compute({"a"}, {"a"}), None)
    with pytest.raises(Conflict):
        rules.check_decision(m, NOW, compute({"a", "b"}, {"a"}), None)
    with pytest.raises(Conflict):
        rules.check_decision(dict(m, starts_at=at(1)), NOW, compute({"a"}, {"a"}), None)
    with pytest.raises(Conflict):
        rules.check_decision(dict(m, status="cancelled"), NOW, compute({"a"}, {"a"}), None)
    rules.check_decision(dict(m, status="held", starts_at=at(-3)), NOW, compute({"a"}, {"a"}), None)
    with pytest.raises(Unprocessable):
        rules.check_decision(m, NOW, compute({"a"}, {"a"}), {"for": 1, "against": 1, "abstain": 0})


def test_decision_numbers():
    m = dict(meeting(starts=datetime(2026, 12, 31, 22, 30, tzinfo=timezone.utc)), kind="advisory_board_meeting")
    assert rules.decision_number(m, 4, 2) == "2027/4-2"  # 01:30 on 1 January in Istanbul
    assert rules.decision_number(dict(m, kind="workshop"), None, 3) == "2027/3"


def test_bodies():
    assert body_of("advisory_board_meeting", None) == "advisory_board"
    assert body_of("board_meeting", "board") == "board"
    assert body_of("working_group_meeting", "wg_energy") == "wg_energy"
    assert body_of("workshop", None) is None
    for kind, body in (("board_meeting", "advisory_board"), ("working_group_meeting", None),
                       ("working_group_meeting", "board"), ("training", "board")):
        with pytest.raises(ValueError):
            body_of(kind, body)


# -- seats ------------------------------------------------------------------------------

def seat(start="2026-01-01", term_end=None, status="active", ended_on=None, person="p", sid="s"):
    return {"_id": sid, "person_id": person, "term_start": start, "term_end": term_end, "status": status,
            "ended_on": ended_on}


def test_who_holds_a_seat_on_a_day():
    day = date(2026, 5, 14)
    assert holds_seat_on(seat(), day)
    assert not holds_seat_on(seat(start="2026-06-01"), day)
    assert holds_seat_on(seat(term_end="2026-05-14"), day)
    assert not holds_seat_on(seat(term_end="2026-05-13"), day)
    assert holds_seat_on(seat(status="ended", ended_on="2026-05-15"), day)
    assert not holds_seat_on(seat(status="ended", ended_on="2026-05-14"), day)
    assert not holds_seat_on(seat(start="not a date"), day)
    held = seated_on([seat(person="a", sid="1"), seat(person="b", sid="2", status="ended", ended_on="2026-02-01")],
                     day)
    assert list(held) == ["a"]


# -- summary ----------------------------------------------------------------------------

def test_summary_counts_without_names():
    org = lambda key, kind, size, province, sme: {"id": key, "key": key, "kind": kind,  # noqa: E731
                                                  "size_class": size, "province": province, "is_sme": sme,
                                                  "member": True}
    attended = [
        {"gender": "female", "province": "Edirne", "organisation": org("c1", "company", "micro", "Edirne", True),
         "participant": {"full_name": "Secret"}},
        {"gender": "male", "province": None, "organisation": org("c1", "company", "micro", "Edirne", True)},
        {"gender": None, "province": "Tekirdağ", "organisation": org("t", "chamber", None, "Tekirdağ", False)},
    ]
    summary = attendance_summary(attended)
    assert summary["attendances"] == 3
    assert summary["by_gender"] == {"female": 1, "male": 1, "undisclosed": 1}
    assert summary["by_province"] == {"Edirne": 2, "Tekirdağ": 1}
    assert summary["by_organisation_kind"] == {"chamber": 1, "company": 2}
    assert summary["by_size_class"] == {"micro": 2, "none": 1}
    assert (summary["distinct_organisations"], summary["distinct_smes"]) == (2, 1)
    assert [o["key"] for o in summary["smes"]] == ["c1"]
    assert "Secret" not in str(summary)
