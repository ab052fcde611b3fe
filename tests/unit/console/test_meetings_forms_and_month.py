"""The meetings pages' pure parts: the month grid of the calendar and the forms as the events API's bodies."""
from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict

from services.console import meeting_forms
from services.console.adapters.api import ApiError
from services.console.month import month_grid, parse_month


def test_a_month_is_weeks_from_monday_with_meetings_on_their_istanbul_day():
    meetings = [{"id": "late", "starts_at": "2026-12-09T22:30:00+00:00"},   # 01:30 on the 10th in Istanbul
                {"id": "early", "starts_at": "2026-12-10T06:00:00+00:00"}]
    grid = month_grid(date(2026, 12, 1), meetings)
    assert [len(week) for week in grid.weeks] == [7] * len(grid.weeks)
    assert grid.weeks[0][0].day == date(2026, 11, 30) and not grid.weeks[0][0].in_month  # a Monday
    assert grid.weeks[-1][-1].day == date(2027, 1, 3)
    tenth = next(day for week in grid.weeks for day in week if day.day == date(2026, 12, 10))
    assert [m["id"] for m in tenth.meetings] == ["late", "early"]
    assert (grid.previous, grid.next, grid.last) == ("2026-11", "2027-01", date(2026, 12, 31))
    assert month_grid(date(2000, 1, 1), []).previous is None and month_grid(date(2099, 12, 1), []).next is None


def test_an_unreadable_month_is_this_month():
    today = date(2026, 11, 29)
    assert parse_month("2026-12", today) == date(2026, 12, 1)
    for text in (None, "", "2026-13", "1999-12", "december", "2026-1"):
        assert parse_month(text, today) == date(2026, 11, 1), text


def test_the_meeting_form_leaves_empty_fields_out_and_sends_numbers_as_numbers():
    form = MultiDict([("kind", "workshop"), ("title", " Atölye "), ("host_organisation_id", "o1"),
                      ("starts_at", "2026-12-10T10:00"), ("ends_at", "2026-12-10T12:00"), ("body", ""),
                      ("venue.city", "Keşan"), ("venue.province", ""), ("venue.address", ""),
                      ("themes", "energy_efficiency"), ("themes", "digitalisation"), ("capacity", "40")])
    assert meeting_forms.meeting_body(form) == {
        "kind": "workshop", "title": "Atölye", "host_organisation_id": "o1", "starts_at": "2026-12-10T10:00",
        "ends_at": "2026-12-10T12:00", "venue": {"city": "Keşan"},
        "themes": ["energy_efficiency", "digitalisation"], "capacity": 40}
    assert meeting_forms.meeting_body(MultiDict([("capacity", "forty")]))["capacity"] == "forty"  # the API says why


def test_a_registration_is_a_person_or_an_outside_participant():
    assert meeting_forms.registration_body(MultiDict([("registrant", "person"), ("person_id", "p1"),
                                                      ("participant.full_name", "ignored")])) == {"person_id": "p1"}
    body = meeting_forms.registration_body(MultiDict([("registrant", "participant"), ("person_id", "p1"),
                                                      ("participant.full_name", "Ayşe"), ("participant.email", "")]))
    assert body == {"participant": {"full_name": "Ayşe"}}


def test_votes_are_all_three_counts_or_none():
    assert meeting_forms.decision_body(MultiDict([("text", "Kabul")])) == {"text": "Kabul"}
    assert meeting_forms.decision_body(MultiDict([("text", "Kabul"), ("votes.for", "5")]))["votes"] == {
        "for": 5, "against": 0, "abstain": 0}


def test_an_api_time_is_an_istanbul_datetime_local_value():
    assert meeting_forms.local_input("2026-12-10T07:00:00+00:00") == "2026-12-10T10:00"
    assert meeting_forms.local_input(None) == ""


def test_known_refusals_are_translated_and_others_keep_the_apis_words():
    no_quorum = ApiError(409, "Conflict", "no quorum: 1 of 3 seated members present, 2 required")
    assert meeting_forms.problem(no_quorum).startswith("There is no quorum")
    twice = ApiError(409, "Conflict", "Keşan Başkanı is already registered for this meeting")
    assert meeting_forms.problem(twice) == "This person is already registered for this meeting."
    odd = ApiError(409, "Conflict", "something new")
    assert meeting_forms.problem(odd) == "This cannot be done now. (something new)"
    assert meeting_forms.problem(ApiError(418, "I'm a teapot", "short and stout")) == "short and stout"
