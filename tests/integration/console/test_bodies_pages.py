"""The console's governance body pages against the real members service: the bodies, a body's current seats
and history, seating a person (the API's refusals next to the fields or at the top), ending a seat behind a
confirmation, and nothing to change for roles that may not."""
from __future__ import annotations

import re

import pytest

from .members_seed import MembersApi, field_error, hidden, page_text

pytestmark = pytest.mark.integration


@pytest.fixture
def members(services, issuer):
    return MembersApi(services.urls["members"], issuer)


@pytest.fixture
def presidents(members):
    kesan = members.organisation("Keşan TSO", "chamber", "Edirne")["id"]
    kirklareli = members.organisation("Kırklareli TSO", "chamber", "Kırklareli")["id"]
    ayse = members.person(kesan, "Ayşe Yılmaz", "ayse@kesantso.org.tr")["id"]
    mehmet = members.person(kirklareli, "Mehmet Demir", "mehmet@kirklarelitso.org.tr")["id"]
    chair = members.seat("advisory_board", ayse, "chair", "2026-01-15")
    return {"Ayşe Yılmaz": ayse, "Mehmet Demir": mehmet, "chair": chair}


def current_seats(page: str) -> str:
    return re.search(r'<section aria-labelledby="seats-heading">.*?</section>', page, re.S).group(0)


def test_the_bodies_and_a_bodys_seats_and_history(live_browser, presidents):
    live_browser.sign_in("programme_officer")
    listed = page_text(live_browser.get("/bodies"))
    assert 'href="/bodies/board"' in listed and 'href="/bodies/advisory_board"' in listed
    page = page_text(live_browser.get("/bodies/advisory_board"))
    seats = current_seats(page)
    assert "Ayşe Yılmaz" in seats and "Keşan TSO" in seats and "Başkan" in seats
    assert 'id="history-heading"' in page and "Görevde" in page
    assert 'name="person_id"' not in page and 'value="end"' not in page  # nothing to change for this role


def test_seating_a_person_and_the_apis_refusals(live_browser, presidents, members):
    live_browser.sign_in("platform_admin")
    page = page_text(live_browser.get("/bodies/advisory_board"))
    for name in ("person_id", "role", "term_start", "term_end"):
        assert f'<label for="{name}">' in page
    assert f'<option value="{presidents["Mehmet Demir"]}">Mehmet Demir (Kırklareli TSO)</option>' in page
    # A second chair: the API's 409, at the top of the form, in Turkish.
    refused = live_browser.post_form("/bodies/advisory_board", {
        "person_id": presidents["Mehmet Demir"], "role": "chair", "term_start": "2026-02-01",
        "idempotency_key": hidden(page, "idempotency_key")}, page="/bodies/advisory_board")
    refusal = page_text(refused, 409)
    assert "Şu anda mümkün değil" in refusal
    # A term that ends before it starts: next to its field.
    backwards = live_browser.post_form("/bodies/advisory_board", {
        "person_id": presidents["Mehmet Demir"], "role": "member", "term_start": "2026-02-01",
        "term_end": "2026-01-01", "idempotency_key": "backwards"}, page="/bodies/advisory_board")
    assert "Görev süresi başlamadan bitemez." in field_error(page_text(backwards, 422), "term_end")
    seated = live_browser.post_form("/bodies/advisory_board", {
        "person_id": presidents["Mehmet Demir"], "role": "vice_chair", "term_start": "2026-02-01",
        "idempotency_key": "mehmet-1"}, page="/bodies/advisory_board")
    assert seated.status_code == 302
    after = page_text(live_browser.get("/bodies/advisory_board"))
    assert "Mehmet Demir koltuğa atandı." in after and "Başkan yardımcısı" in current_seats(after)
    assert [s["person_name"] for s in members.call("GET", "/bodies/advisory_board")["seats"]] == [
        "Ayşe Yılmaz", "Mehmet Demir"]


def test_ending_a_seat_asks_first_then_moves_it_to_the_history(live_browser, presidents, members):
    chair = presidents["chair"]
    live_browser.sign_in("platform_admin")
    page = page_text(live_browser.get("/bodies/advisory_board?lang=en"))
    assert 'name="action" value="end"' in current_seats(page)
    asked = page_text(live_browser.post_form("/bodies/advisory_board", {
        "action": "end", "seat_id": chair["id"], "version": str(chair["version"])}, page="/bodies/advisory_board"))
    assert '<button type="submit" name="confirm" value="yes"' in asked and "Ayşe Yılmaz" in asked
    assert members.call("GET", "/bodies/advisory_board")["seats"]  # still seated until confirmed
    ended = live_browser.post_form("/bodies/advisory_board", {
        "action": "end", "seat_id": chair["id"], "version": str(chair["version"]), "confirm": "yes",
        "reason": "Term handed over", "idempotency_key": hidden(asked, "idempotency_key")},
        page="/bodies/advisory_board")
    assert ended.status_code == 302
    assert members.call("GET", "/bodies/advisory_board")["seats"] == []
    after = page_text(live_browser.get("/bodies/advisory_board?lang=en"))
    assert "No one holds a seat on this body." in after
    history = after.split('id="history-heading"')[1]
    assert "Ayşe Yılmaz" in history and "Term handed over" in history and "Ended" in history
    # The same confirmation again: the seat has ended (409), said at the top.
    again = live_browser.post_form("/bodies/advisory_board", {
        "action": "end", "seat_id": chair["id"], "version": str(chair["version"] + 1), "confirm": "yes",
        "idempotency_key": "again"}, page="/bodies/advisory_board")
    assert "Not possible now" in page_text(again, 409)


def test_an_auditor_may_not_seat_or_end(live_browser, presidents, members):
    live_browser.sign_in("auditor")
    assert live_browser.post_form("/bodies/advisory_board", {
        "person_id": presidents["Mehmet Demir"], "role": "member", "term_start": "2026-02-01"},
        page="/bodies").status_code == 403
    assert live_browser.post_form("/bodies/advisory_board", {
        "action": "end", "seat_id": presidents["chair"]["id"], "confirm": "yes"}, page="/bodies").status_code == 403
    assert len(members.call("GET", "/bodies/advisory_board")["seats"]) == 1
