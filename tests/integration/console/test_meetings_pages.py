"""The meetings pages against the three real services: the list and the month calendar, scheduling a meeting,
a meeting's registrations, waiting list, invitations, quorum and decisions, lifecycle actions behind a
confirmation, and the check-in page at the door (with and without htmx)."""
from __future__ import annotations

import html
import re
from datetime import datetime

import pytest
import requests

from shared.config import PLATFORM_ZONE

from ...support.meeting_seed import seed_meetings

pytestmark = pytest.mark.integration

@pytest.fixture
def platform(services, issuer):
    """Three active chambers whose presidents sit on the Advisory Board; an Advisory Board meeting and a workshop
    (capacity 2) under way, hosted by Keşan TSO (tests/support/meeting_seed.py)."""
    admin = {"Authorization": f"Bearer {issuer.issue('platform_admin', subject='setup')}"}
    return seed_meetings(lambda *events: services.feed("events", *events), services.urls["events"], admin)


def page_text(response, status=200) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:3000]
    return body


def form_post(browser, path, data, page=None):
    return browser.post_form(path, data, page=page or path)


def participant(name, **extra):
    return {"action": "register", "registrant": "participant", "participant.full_name": name,
            "participant.gender": "female", "participant.organisation_name": f"{name} Ltd",
            "participant.organisation_kind": "company", "participant.size_class": "small",
            "participant.province": "Edirne", **extra}


# --- the list and the calendar ----------------------------------------------------------------------------

def test_the_list_shows_meetings_with_filters_a_count_and_links(live_browser, platform):
    live_browser.sign_in("programme_officer")
    page = page_text(live_browser.get("/meetings"))
    assert "2 toplantı" in page
    workshop = platform["workshop"]
    assert f'href="/meetings/{workshop["id"]}"' in page and "Enerji verimliliği atölyesi" in page
    for name in ("q", "kind", "host", "theme", "status", "from", "to", "sort", "page_size"):
        assert re.search(rf'<label for="filter-{name.replace("_", "-")}">', page), name
        assert f'name="{name}"' in page
    latest_first = page_text(live_browser.get("/meetings?sort=-title"))
    rows = latest_first[latest_first.index("<tbody>"):]
    assert rows.index("Enerji verimliliği atölyesi") < rows.index("Danışma Kurulu toplantısı")
    assert '<option value="-title" selected>' in latest_first
    filtered = page_text(live_browser.get("/meetings?kind=advisory_board_meeting&lang=en"))
    assert "1 meeting" in filtered and "Danışma Kurulu toplantısı" in filtered
    assert "Enerji verimliliği atölyesi" not in filtered
    # A programme officer may not schedule: no button, and the form answers 403.
    assert "/meetings/new" not in page
    assert live_browser.get("/meetings/new").status_code == 403


def test_a_malformed_date_filter_is_shown_next_to_its_field(live_browser, platform):
    live_browser.sign_in("auditor")
    page = page_text(live_browser.get("/meetings?from=2026-13-45"), 400)
    assert 'id="filter-from"' in page and 'aria-describedby="from-errors"' in page


def test_the_calendar_is_a_month_grid_with_the_meetings_on_their_days(live_browser, platform):
    live_browser.sign_in("auditor")
    month = platform["now"].strftime("%Y-%m")
    page = page_text(live_browser.get(f"/meetings?view=calendar&month={month}&lang=en"))
    assert '<table class="calendar"' in page
    assert page.count("<tr>") >= 5  # a header row and four to six weeks
    assert page.count(f'href="/meetings/{platform["workshop"]["id"]}"') == 1
    assert 'rel="prev"' in page and 'rel="next"' in page
    assert 'aria-current="date"' in page
    # Another month: no meeting in it, and its own heading.
    december = page_text(live_browser.get("/meetings?view=calendar&month=2030-12&lang=en"))
    assert "December 2030" in december and "/meetings/" + platform["workshop"]["id"] not in december
    assert "month=2030-11" in december and "month=2031-01" in december


# --- scheduling -------------------------------------------------------------------------------------------

def test_the_platform_admin_schedules_a_meeting_in_istanbul_time(live_browser, platform, services):
    live_browser.sign_in("platform_admin")
    form = page_text(live_browser.get("/meetings/new"))
    for name in ("kind", "title", "host_organisation_id", "starts_at", "ends_at", "venue.city", "capacity"):
        assert f'name="{name}"' in form
    assert 'name="themes"' in form
    response = form_post(live_browser, "/meetings/new", {
        "kind": "training", "title": "Yalın üretim eğitimi", "host_organisation_id": platform["ids"]["Keşan TSO"],
        "starts_at": "2030-12-10T10:00", "ends_at": "2030-12-10T13:00", "venue.city": "Keşan",
        "venue.province": "Edirne", "themes": ["resource_efficiency", "digitalisation"], "capacity": "25"},
        page="/meetings/new")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    meeting_id = response.headers["Location"].rsplit("/", 1)[1]
    stored = requests.get(f"{services.urls['events']}/api/v1/meetings/{meeting_id}", timeout=10, headers={
        "Authorization": f"Bearer {live_browser.app.extensions['tvp_console'].issuer.issue('auditor')}"}).json()
    starts = datetime.fromisoformat(stored["starts_at"])
    assert starts == datetime(2030, 12, 10, 10, 0, tzinfo=PLATFORM_ZONE)  # the input's time is Istanbul's
    assert stored["themes"] == ["resource_efficiency", "digitalisation"] and stored["capacity"] == 25
    page = page_text(live_browser.get(f"/meetings/{meeting_id}"))
    assert "Yalın üretim eğitimi" in page and "programlandı" in page.lower()


def test_the_apis_field_errors_appear_next_to_their_fields(live_browser, platform):
    live_browser.sign_in("platform_admin")
    response = form_post(live_browser, "/meetings/new", {
        "kind": "training", "title": "", "host_organisation_id": platform["ids"]["Keşan TSO"],
        "starts_at": "2030-12-10T10:00", "ends_at": "2030-12-10T12:00", "capacity": "many"}, page="/meetings/new")
    page = page_text(response, 422)
    assert 'id="title"' in page and '<ul class="field-errors" id="title-errors"><li>Bu alan zorunludur.</li>' in page
    assert 'aria-describedby="capacity-hint capacity-errors"' in page
    assert 'value="many"' in page  # what was typed stays
    backwards = form_post(live_browser, "/meetings/new", {
        "kind": "training", "title": "Ters", "host_organisation_id": platform["ids"]["Keşan TSO"],
        "starts_at": "2030-12-10T10:00", "ends_at": "2030-12-10T09:00"}, page="/meetings/new")
    page = page_text(backwards, 422)
    assert '<ul class="field-errors" id="ends_at-errors"><li>must be after starts_at</li>' in page
    assert 'id="ends_at" name="ends_at" value="2030-12-10T09:00" required aria-invalid="true"' in page


def test_a_chamber_admin_may_host_only_from_its_own_organisation(live_browser, platform):
    kesan = platform["ids"]["Keşan TSO"]
    live_browser.sign_in("chamber_admin", org=kesan)
    form = page_text(live_browser.get("/meetings/new"))
    assert f'value="{kesan}"' in form and f'value="{platform["ids"]["Kırklareli TSO"]}"' not in form


# --- a meeting's page -------------------------------------------------------------------------------------

def test_registrations_fill_the_capacity_then_the_waiting_list(live_browser, platform):
    live_browser.sign_in("platform_admin")
    path = f"/meetings/{platform['workshop']['id']}"
    for name in ("Ayşe Kaya", "Mehmet Demir", "Zeynep Şahin"):
        response = form_post(live_browser, path, participant(name))
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = page_text(live_browser.get(path))
    registered = page[page.index('id="registered"'):page.index('id="waitlist"')]
    waitlist = page[page.index('id="waitlist"'):]
    assert "Ayşe Kaya" in registered and "Mehmet Demir" in registered and "Zeynep Şahin" not in registered
    assert "Zeynep Şahin" in waitlist.split("</table>")[0]
    assert "Zeynep Şahin bekleme listesinde" in page  # the flash message after the redirect


def test_registering_twice_is_refused_in_the_users_language(live_browser, platform):
    live_browser.sign_in("platform_admin")
    path = f"/meetings/{platform['board']['id']}"
    person = {"action": "register", "registrant": "person", "person_id": platform["presidents"]["Keşan TSO"]}
    page = page_text(form_post(live_browser, path + "?lang=en", person), 409)
    assert "This person is already registered for this meeting." in page  # invited as a seated member


def test_invitations_quorum_check_in_and_a_decision(live_browser, platform):
    live_browser.sign_in("platform_admin")
    board = platform["board"]
    path = f"/meetings/{board['id']}"
    page = page_text(live_browser.get(path + "?lang=en"))
    invitations = page[page.index('id="invitations"'):].split("</table>")[0]
    assert all(f"{name.split()[0]} Başkanı" in invitations for name in platform["presidents"])
    assert "0 / 3 present, 2 required:" in page and "no quorum" in page
    # Without quorum the decision is refused, and says why.
    refused = page_text(form_post(live_browser, path + "?lang=en", {"action": "decide", "text": "Kabul"}), 409)
    assert "There is no quorum" in refused and 'role="alert"' in refused

    # Two presidents checked in at the door: a plain form post (no JavaScript), then an htmx tap.
    check_in = page_text(live_browser.get(path + "/check-in?lang=en"))
    ids = dict(re.findall(r'name="registration_id" value="([^"]+)">\s*<span class="person-name">([^<]+)<', check_in))
    assert len(ids) == 3 and "0 of 3 present" in check_in
    by_name = {name: rid for rid, name in ids.items()}
    first = form_post(live_browser, path + "/check-in", {"registration_id": by_name["Keşan Başkanı"], "q": "keşan"})
    assert first.status_code == 302 and "q=ke" in first.headers["Location"]
    fragment = page_text(live_browser.client.post(path + "/check-in", headers={"HX-Request": "true"}, data={
        "csrf_token": live_browser.csrf_token(path + "/check-in"), "registration_id": by_name["Kırklareli Başkanı"]}))
    assert fragment.startswith('<div id="check-in-people"') and "<html" not in fragment
    assert "2 of 3 present" in fragment and fragment.count("present-person") == 2

    page = page_text(live_browser.get(path + "?lang=en"))
    assert "2 / 3 present, 2 required:" in page and "quorum met" in page
    decided = form_post(live_browser, path, {"action": "decide", "text": "Yıllık rapor kabul edildi.",
                                             "votes.for": "2", "votes.against": "0", "votes.abstain": "0"})
    assert decided.status_code == 302, decided.get_data(as_text=True)[:3000]
    page = page_text(live_browser.get(path + "?lang=en"))
    number = re.search(r'<th scope="row">(\d{4}/\d+-1)</th><td>Yıllık rapor kabul edildi.</td>', page)
    assert number, page[page.index('id="decisions"'):][:2000]


def test_the_check_in_search_filters_as_one_types(live_browser, platform):
    live_browser.sign_in("platform_admin")
    path = f"/meetings/{platform['board']['id']}/check-in"
    page = page_text(live_browser.get(path))
    assert f'hx-get="{path}/people"' in page and '<button type="submit">' in page  # works without JavaScript too
    fragment = page_text(live_browser.get(path + "/people?q=KESAN", headers={"HX-Request": "true"}))
    assert "Keşan Başkanı" in fragment and "Kırklareli Başkanı" not in fragment
    plain = page_text(live_browser.get(path + "?q=kirklareli"))
    assert "Kırklareli Başkanı" in plain and "Keşan Başkanı" not in plain and "<html" in plain


def test_cancelling_asks_for_a_confirmation_first(live_browser, platform, services):
    live_browser.sign_in("chamber_admin", org=platform["ids"]["Keşan TSO"])
    path = f"/meetings/{platform['workshop']['id']}"
    # The workshop is under way: cancel it... no, it has no attendance yet, so it may be cancelled.
    asked = page_text(form_post(live_browser, path, {"action": "cancel", "reason": "Salon su bastı"}))
    assert 'name="confirm" value="yes"' in asked and "Salon su bastı" in asked and 'name="if_match"' in asked
    status = requests.get(f"{services.urls['events']}/api/v1/meetings/{platform['workshop']['id']}", timeout=10,
                          headers={"Authorization": "Bearer " + live_browser.app.extensions["tvp_console"].issuer
                                   .issue("auditor")}).json()["status"]
    assert status == "scheduled"  # the first post changed nothing
    etag = html.unescape(re.search(r'name="if_match" value="([^"]+)"', asked).group(1))
    done = form_post(live_browser, path, {"action": "cancel", "reason": "Salon su bastı", "if_match": etag,
                                          "confirm": "yes"})
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    page = page_text(live_browser.get(path))
    assert "Salon su bastı" in page and "İptal edildi" in page
    assert 'value="cancel"' not in page  # nothing left to cancel


def test_a_stale_confirmation_is_refused(live_browser, platform):
    live_browser.sign_in("platform_admin")
    path = f"/meetings/{platform['board']['id']}"
    page = page_text(form_post(live_browser, path + "?lang=en", {
        "action": "close", "confirm": "yes", "if_match": 'W/"999"'}), 412)
    assert "Someone changed this meeting" in page


@pytest.mark.parametrize("role", ["auditor", "programme_officer"])
def test_readers_see_everything_and_are_offered_nothing(live_browser, platform, role):
    live_browser.sign_in(role)
    page = page_text(live_browser.get(f"/meetings/{platform['board']['id']}"))
    assert "Keşan Başkanı" in page and "Nisap" not in page
    assert 'name="action"' not in page and "<form method=\"post\" action=\"/meetings/" not in page
    check_in = page_text(live_browser.get(f"/meetings/{platform['board']['id']}/check-in"))
    assert 'name="registration_id"' not in check_in and "Keşan Başkanı" in check_in


def test_another_chambers_admin_is_not_offered_the_hosts_actions(live_browser, platform):
    live_browser.sign_in("chamber_admin", org=platform["ids"]["Kırklareli TSO"])
    page = page_text(live_browser.get(f"/meetings/{platform['workshop']['id']}"))
    for action in ("reschedule", "cancel", "close", "decide"):
        assert f'value="{action}"' not in page, action
    assert 'value="register"' in page  # it may register its own people
    assert 'id="registrant-participant"' not in page  # but outside participants only where it hosts


def test_cancelling_a_registration_is_confirmed_and_promotes_the_waiting_list(live_browser, platform):
    live_browser.sign_in("platform_admin")
    path = f"/meetings/{platform['workshop']['id']}"
    for name in ("Ayşe Kaya", "Mehmet Demir", "Zeynep Şahin"):
        assert form_post(live_browser, path, participant(name)).status_code == 302
    page = page_text(live_browser.get(path))
    first = re.search(r'name="registration_id" value="([^"]+)">\s*<button type="submit" name="action" '
                      r'value="cancel_registration"[^>]*>[^<]*<span class="visually-hidden">: Ayşe Kaya', page)
    assert first, page[page.index('id="registered"'):][:3000]
    asked = page_text(form_post(live_browser, path, {"action": "cancel_registration",
                                                     "registration_id": first.group(1)}))
    assert "Ayşe Kaya kaydı iptal edilsin mi?" in asked and 'name="confirm" value="yes"' in asked
    done = form_post(live_browser, path, {"action": "cancel_registration", "registration_id": first.group(1),
                                          "confirm": "yes"})
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    page = page_text(live_browser.get(path))
    registered = page[page.index('id="registered"'):page.index('id="waitlist"')]
    assert "Zeynep Şahin" in registered and "Ayşe Kaya" not in registered  # promoted from the waiting list
    assert "Ayşe Kaya" in page[page.index("İptal edilen kayıtlar"):]


def test_the_reschedule_confirmation_shows_the_new_times_in_istanbul(live_browser, platform):
    live_browser.sign_in("platform_admin")
    path = f"/meetings/{platform['board']['id']}"
    asked = page_text(form_post(live_browser, path + "?lang=en", {
        "action": "reschedule", "starts_at": "2030-12-10T10:00", "ends_at": "2030-12-10T12:30"}))
    assert "10:00" in asked and "12:30" in asked and 'name="starts_at" value="2030-12-10T10:00"' in asked


def test_a_platform_admin_sees_the_meetings_e_mails_and_a_reader_does_not(live_browser, platform, services):
    from datetime import timezone

    board = platform["board"]
    now = datetime.now(timezone.utc)
    base = {"meeting_id": board["id"], "event_id": "e1", "event_type": "x", "language": "tr", "context": {},
            "attempts": 1, "next_attempt_at": now, "created_at": now}
    services.apps["events"].extensions["tvp"].db.notifications.insert_many([
        {**base, "_id": "n1", "recipient": "p1", "person_id": "p1", "to": "baskan@kesantso.org.tr",
         "template": "invitation", "status": "sent", "sent_at": now},
        {**base, "_id": "n2", "recipient": "p2", "person_id": "p2", "to": "nobody@example.org",
         "template": "invitation", "status": "failed", "last_error": "recipient refused: 550 mailbox unavailable"},
        {**base, "_id": "n3", "recipient": "p3", "person_id": "p3", "to": None, "template": "invitation",
         "status": "skipped", "reason": "no current consent for meeting_notifications", "attempts": 0},
    ])
    live_browser.sign_in("platform_admin")
    page = page_text(live_browser.get(f"/meetings/{board['id']}?lang=en"))
    mails = page[page.index('id="notifications"'):].split("</table>")[0]
    assert mails.count("<tr>") == 4  # the header and the three mails
    assert "baskan@kesantso.org.tr" in mails and "Sent" in mails and "Invitation" in mails
    assert "550 mailbox unavailable" in mails and "Not sent" in mails
    assert "(no address kept)" in mails and "no current consent" in mails
    turkish = page_text(live_browser.get(f"/meetings/{board['id']}?lang=tr"))
    assert "E-postalar" in turkish and "Gönderildi" in turkish and "Davet" in turkish

    reader = type(live_browser)(live_browser.app)
    reader.sign_in("programme_officer")
    assert 'id="notifications"' not in page_text(reader.get(f"/meetings/{board['id']}"))


# --- calendars, printouts and check-in by code (issue 12) --------------------------------------------------

def _codes(services, issuer, meeting_id) -> dict[str, str]:
    """Full name → check-in code, as the platform admin reads them from the events API."""
    admin = {"Authorization": f"Bearer {issuer.issue('platform_admin', subject='setup')}"}
    items = requests.get(f"{services.urls['events']}/api/v1/meetings/{meeting_id}/registrations", headers=admin,
                         timeout=10).json()["items"]
    return {r["full_name"]: r["check_in_code"] for r in items if r["check_in_code"]}


def test_a_meetings_page_links_its_calendar_file_attendance_sheet_and_badges(live_browser, platform):
    live_browser.sign_in("platform_admin")
    board = platform["board"]
    page = page_text(live_browser.get(f"/meetings/{board['id']}?lang=en"))
    for link in (f"/meetings/{board['id']}/calendar.ics", f"/meetings/{board['id']}/attendance-sheet.pdf",
                 "/decisions/advisory_board/"):
        assert f'href="{link}' in page, link
    badges = re.findall(r'href="(/registrations/[^"]+/badge\.pdf)"', page)
    assert len(badges) == 3  # one per invited president
    ics = live_browser.get(f"/meetings/{board['id']}/calendar.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar" and b"BEGIN:VEVENT" in ics.data
    sheet = live_browser.get(f"/meetings/{board['id']}/attendance-sheet.pdf?lang=en")
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf" and sheet.data.startswith(b"%PDF")
    badge = live_browser.get(badges[0])
    assert badge.status_code == 200 and badge.data.startswith(b"%PDF")

    live_browser.sign_in("programme_officer")
    page = page_text(live_browser.get(f"/meetings/{board['id']}"))
    assert "calendar.ics" in page and "attendance-sheet.pdf" not in page and "badge.pdf" not in page


def test_the_list_links_the_public_feed_which_needs_no_session(live_browser, platform):
    live_browser.sign_in("auditor")
    page = page_text(live_browser.get("/meetings"))
    assert 'href="http://localhost/calendar.ics"' in page
    live_browser.client.delete_cookie("tvp_console_session")
    feed = live_browser.get("/calendar.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert "Enerji verimliliği atölyesi" in feed.get_data(as_text=True)
    assert "Başkanı" not in feed.get_data(as_text=True)  # no participant in the public feed


def test_check_in_by_a_badges_code_then_again_then_a_wrong_code(live_browser, platform, services, issuer):
    live_browser.sign_in("platform_admin")
    board = platform["board"]
    path = f"/meetings/{board['id']}/check-in"
    page = page_text(live_browser.get(path + "?lang=en"))
    assert 'name="code"' in page and "Badge code" in page
    code = _codes(services, issuer, board["id"])["Keşan Başkanı"]
    scanned = form_post(live_browser, path, {"code": code.lower()}, page=path)
    assert scanned.status_code == 302
    page = page_text(live_browser.get(path + "?lang=en"))
    assert "Keşan Başkanı is checked in." in page and "1 of 3 present" in page
    form_post(live_browser, path, {"code": code}, page=path)
    assert "Keşan Başkanı was already checked in." in page_text(live_browser.get(path + "?lang=en"))
    form_post(live_browser, path, {"code": "ZZZZ-ZZZZ"}, page=path)
    page = page_text(live_browser.get(path + "?lang=en"))
    assert "1 of 3 present" in page and "No registration of this meeting has the code ZZZZ-ZZZZ." in page
