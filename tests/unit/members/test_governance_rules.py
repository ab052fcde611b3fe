from datetime import date

import pytest

from services.members.domain.governance import check_may_hold_seat, check_seat_conflicts, check_term, end_date, sort_key
from shared.errors import Conflict, Unprocessable

SEATS = [{"_id": "s1", "person_id": "p1", "role": "chair"}, {"_id": "s2", "person_id": "p2", "role": "member"}]


def test_term_may_not_end_before_it_starts():
    check_term(date(2026, 1, 1), None)
    check_term(date(2026, 1, 1), date(2026, 1, 1))
    with pytest.raises(Unprocessable) as raised:
        check_term(date(2026, 1, 2), date(2026, 1, 1))
    assert "term_end" in raised.value.errors


@pytest.mark.parametrize("organisation, person", [("applicant", "active"), ("suspended", "active"),
                                                  ("withdrawn", "active"), (None, "active"), ("active", "erased")])
def test_only_people_of_active_organisations_hold_seats(organisation, person):
    with pytest.raises(Conflict):
        check_may_hold_seat(organisation, person)


def test_people_of_active_organisations_hold_seats():
    check_may_hold_seat("active", "active")


def test_one_chair_per_body():
    with pytest.raises(Conflict) as raised:
        check_seat_conflicts(SEATS, "p3", "chair")
    assert "role" in raised.value.errors
    check_seat_conflicts(SEATS, "p3", "vice_chair")
    check_seat_conflicts(SEATS, "p3", "member")
    check_seat_conflicts(SEATS[1:], "p3", "chair")


@pytest.mark.parametrize("role", ["chair", "vice_chair", "member"])
def test_one_seat_per_person_per_body(role):
    with pytest.raises(Conflict) as raised:
        check_seat_conflicts(SEATS, "p2", role)
    assert "person_id" in raised.value.errors


ACTIVE = {"_id": "s", "status": "active", "term_start": "2026-03-01"}


def test_end_date():
    assert end_date(ACTIVE, None, date(2026, 5, 1)) == date(2026, 5, 1)
    assert end_date(ACTIVE, None, date(2026, 1, 1)) == date(2026, 3, 1)  # not started yet: ends at its start
    assert end_date(ACTIVE, date(2026, 4, 1), date(2026, 5, 1)) == date(2026, 4, 1)
    with pytest.raises(Unprocessable):
        end_date(ACTIVE, date(2026, 2, 28), date(2026, 5, 1))
    with pytest.raises(Conflict):
        end_date({**ACTIVE, "status": "ended"}, None, date(2026, 5, 1))


def test_composition_order():
    seats = [{"_id": "a", "role": "member", "term_start": "2025-01-01"},
             {"_id": "b", "role": "chair", "term_start": "2026-01-01"},
             {"_id": "c", "role": "vice_chair", "term_start": "2024-01-01"}]
    assert [s["_id"] for s in sorted(seats, key=sort_key)] == ["b", "c", "a"]
