"""The seed's story through the console, in a real browser (tests/support/browser.py), against the platform as
`tvp up` runs it (tests/support/console_stack.py): gunicorn, workers, Kafka between the services.

1. A platform admin signs in with a `tvp login-link` link, approves Keşan TSO, seats the chamber presidents
   on the Advisory Board, schedules the 4th Advisory Board meeting hosted by Keşan TSO, checks participants
   in at the door on a 768 px tablet, records a decision with quorum, watches OI.2 and OI.4 move on the
   indicators page, creates and submits the quarter's report (SHA-256 shown) and downloads its PDF.
2. Keşan TSO's chamber admin opens the same pages: only its own people and registrations, no action on
   another organisation.
3. An auditor opens them too: no form, no action; a replayed form is refused.

Every page visited is checked with axe-core and photographed in English and in Turkish (the default).
The tests run in the module's order: the chamber admin and the auditor look at what the story made.
The API is called only to prepare what the story does not cover (the other chambers, the presidents, three
earlier Advisory Board meetings, a workshop) and, read only, to wait for the services' event streams.
"""
from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pypdfium2
import pytest
import requests

from infra.demo import ORGANISATIONS, PEOPLE
from shared.config import PLATFORM_ZONE

from ..support.console_stack import start_console_stack

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ORGS = dict(ORGANISATIONS)
PRESIDENTS = {p[1]: p for p in PEOPLE if p[1] in ("kirklareli", "tekirdag", "kesan", "cerkezkoy")}
CHAMBERS = ("kirklareli", "tekirdag", "cerkezkoy", "kesan")
KESAN_STAFF = ("Ayşe Kaya", "female", "Genel Sekreter")    # fictional, like the demo's people
OUTSIDE_GUEST = ("Derya Akın", "female", "Genel Müdür")       # of Ergene Tekstil: another organisation
WAIT_S = 60
NOW = datetime.now(PLATFORM_ZONE).replace(second=0, microsecond=0)
QUARTER = f"{NOW.year}-Q{(NOW.month - 1) // 3 + 1}"
HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


# -- the stack, the prepared data ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stack(servers, key_dir, tmp_path_factory):
    started = start_console_stack(servers, key_dir, tmp_path_factory.mktemp("console-stack"), uuid.uuid4().hex[:8])
    yield started
    started.stop()


class Api:
    """The services' APIs as a platform admin: only to prepare data and to wait for the event streams."""

    def __init__(self, stack, token: str):
        self.stack, self.headers = stack, {"Authorization": f"Bearer {token}"}

    def __call__(self, method: str, service: str, path: str, expect=(200, 201), **kwargs):
        response = requests.request(method, f"{self.stack.url(service)}/api/v1{path}", headers=self.headers,
                                    timeout=30, **kwargs)
        if expect:
            assert response.status_code in expect, f"{method} {path}: {response.status_code} {response.text[:300]}"
        return response


def eventually(check: Callable[[], object], what: str, timeout_s: float = WAIT_S):
    """The first truthy answer of `check`, asked again until `timeout_s` (the event streams are asynchronous)."""
    deadline = time.monotonic() + timeout_s
    while True:
        answer = check()
        if answer:
            return answer
        assert time.monotonic() < deadline, f"not within {timeout_s}s: {what}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def world(stack, issuer) -> dict:
    """Three active chambers and Keşan TSO as an applicant, the four presidents, Keşan TSO's secretary general
    and a member company's manager; the programme's targets; three Advisory Board meetings held in the last 30
    days (so the story's is the 4th) and a workshop under way (hosted by Çerkezköy TSO), for which the story
    registers the secretary general and the manager."""
    api = Api(stack, issuer.issue("platform_admin", subject="story-setup", ttl_s=3600))
    orgs = {}
    for key in (*CHAMBERS, "ergene"):
        orgs[key] = api("POST", "members", "/organisations", json=ORGS[key]).json()
        if key != "kesan":
            api("POST", "members", f"/organisations/{orgs[key]['id']}/membership",
                json={"action": "approve", "reason": "founding member"})
    people = {}
    for key, org, name, gender, title in PRESIDENTS.values():
        people[org] = api("POST", "members", "/people", json={
            "organisation_id": orgs[org]["id"], "full_name": name, "gender": gender, "title": title,
            "email": f"{key}@example.org"}).json()
    for key, org, (name, gender, title) in (("kesan_staff", "kesan", KESAN_STAFF),
                                            ("guest", "ergene", OUTSIDE_GUEST)):
        people[key] = api("POST", "members", "/people", json={
            "organisation_id": orgs[org]["id"], "full_name": name, "gender": gender, "title": title,
            "email": f"{key}@example.org", "phone": "+90 284 000 00 00"}).json()
    api("PUT", "reporting", "/programme", json={
        "name": "Thrace's Efficient SMEs", "name_tr": "Trakya'nın Verimli KOBİ'leri",
        "start_date": f"{NOW.year}-01-01", "end_date": f"{NOW.year + 2}-12-31", "eu_share": 85,
        "national_share": 15, "targets": {"OI.1": 20, "OI.2": 16, "OI.3": 24, "OI.4": 600, "OI.5": 120,
                                          "OI.6": 150, "FI.1": 1200000}})

    hosts = [orgs[k]["id"] for k in CHAMBERS if k != "kesan"] + [orgs["ergene"]["id"]]
    eventually(lambda: all(may_host(api, org) for org in hosts), "the events service knows the members")
    earlier = []
    for n, host in enumerate(("kirklareli", "tekirdag", "cerkezkoy"), start=1):
        starts = NOW - timedelta(days=40 - 10 * n)
        meeting = api("POST", "events", "/meetings", json=meeting_body(
            "advisory_board_meeting", "Danışma Kurulu Toplantısı", orgs[host], starts)).json()
        api("POST", "events", f"/meetings/{meeting['id']}/close")
        earlier.append(meeting)
    assert [m["sequence"] for m in earlier] == [1, 2, 3]
    workshop = api("POST", "events", "/meetings", json={**meeting_body(
        "workshop", "Kaynak Verimliliği Çalıştayı", orgs["cerkezkoy"], NOW - timedelta(hours=1)),
        "capacity": 30, "themes": ["resource_efficiency"]}).json()
    return {"api": api, "orgs": orgs, "people": people, "workshop": workshop, "earlier": earlier}


def meeting_body(kind: str, title: str, host: dict, starts: datetime) -> dict:
    return {"kind": kind, "title": title, "host_organisation_id": host["id"], "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=4)).isoformat(),
            "venue": {"city": host.get("district") or host["province"], "province": host["province"],
                      "address": host["name"]}}


def may_host(api: Api, organisation_id: str) -> bool:
    response = api("GET", "events", f"/member-organisations/{organisation_id}", expect=None)
    return response.status_code == 200 and bool(response.json().get("may_host"))


def seated_in_events(api: Api, person_id: str) -> bool:
    """The events service has the person's Advisory Board seat (its invitations come from that view)."""
    response = api("GET", "events", f"/data-subjects/{person_id}", expect=None)
    return response.status_code == 200 and any(
        s["body"] == "advisory_board" and s["status"] == "active" for s in response.json()["holds"]["seats"])


# -- driving pages ------------------------------------------------------------------------------------------------

class Visitor:
    """One signed-in browser page of one role: every page it opens is checked by axe-core and photographed in
    English, then in Turkish (the language stays Turkish for what follows: `?lang=` is remembered)."""

    def __init__(self, page, stack, role: str, axe_check, screenshot):
        self.page, self.stack, self.role = page, stack, role
        self._axe, self._screenshot = axe_check, screenshot

    def sign_in(self, role: str, org: str | None = None, subject: str | None = None) -> None:
        response = self.page.goto(self.stack.login_link(role, org, subject))
        assert response.ok, response.status
        assert urlsplit(self.page.url).path == "/", self.page.url

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.stack.console_url}{path}"

    def open(self, path: str, name: str, status: int = 200) -> None:
        """`path` in English, then in Turkish: axe-core and a screenshot each time."""
        for lang in ("en", "tr"):
            joiner = "&" if "?" in path else "?"
            response = self.page.goto(self.url(f"{path}{joiner}lang={lang}"))
            assert response.status == status, f"{path} ({lang}): {response.status}"
            self.check(name, lang)

    def check(self, name: str, lang: str) -> None:
        assert self.page.locator("html").get_attribute("lang") == lang
        self._axe(self.page, f"{self.role}: {name}")
        self._screenshot(self.page, f"{self.role}-{name}".replace("_", "-"), lang)

    @property
    def main(self):
        return self.page.locator("main")

    def form_with(self, field: str):
        return self.main.locator('form[method="post" i]', has=self.page.locator(f'[name="{field}"]')).first

    def fill_and_submit(self, values: dict[str, str]) -> None:
        """Fills the form holding these fields (by the API's field names) and sends it."""
        form = self.form_with(next(iter(values)))
        for name, value in values.items():
            control = form.locator(f'[name="{name}"]').first
            assert form.locator(f'label[for="{control.get_attribute("id")}"]').count() == 1, f"{name}: no label"
            if control.evaluate("e => e.tagName") == "SELECT":
                control.select_option(value)
            else:
                control.fill(value)
        with self.page.expect_navigation():
            form.locator('button[type="submit"], button:not([type])').last.click()
        self.no_form_errors()

    def no_form_errors(self) -> None:
        errors = self.main.locator('.field-errors, .form-error, [role="alert"]').all_inner_texts()
        assert not [e for e in errors if e.strip()], f"the form was refused: {errors}"

    def act(self, action: str, name: str, fields: dict[str, str] | None = None) -> None:
        """A lifecycle action behind its confirmation: the action's button, the confirmation page (checked in
        both languages), then "yes"."""
        here = self.url(urlsplit(self.page.url).path)
        for lang in ("en", "tr"):
            self.page.goto(f"{here}?lang={lang}")
            with self.page.expect_navigation():
                self.main.locator(f'button[name="action"][value="{action}"]').click()
            self.check(f"{name}-confirm", lang)
        form = self.main.locator("form", has=self.page.locator('button[name="confirm"][value="yes"]'))
        for field, value in (fields or {}).items():
            form.locator(f'[name="{field}"]').fill(value)
        with self.page.expect_navigation():
            form.locator('button[name="confirm"][value="yes"]').click()
        self.no_form_errors()

    def actions(self) -> list[str]:
        return [b.get_attribute("value") for b in self.main.locator('button[name="action"]').all()]

    def reload_until(self, check: Callable[[], object], what: str):
        """Reloads the page until `check` answers (the figures follow the event streams)."""
        def again():
            answer = check()
            if not answer:
                self.page.reload()
            return answer
        return eventually(again, what)


@pytest.fixture(scope="module")
def visitor(new_context, stack, axe_check, screenshot):
    def make(role: str, org: str | None = None, subject: str | None = None) -> Visitor:
        page = new_context(width=1280, lang="tr").new_page()
        visitor = Visitor(page, stack, role.replace("_", "-") if role != "platform_admin" else "console",
                          axe_check, screenshot)
        visitor.sign_in(role, org, subject)
        return visitor
    return make


def indicator_value(visitor: Visitor, code: str) -> int:
    """The period's value of a counting indicator, from its row of the indicators table (the row's first cell)."""
    row = visitor.main.locator("table.indicators tbody tr").filter(
        has=visitor.page.get_by_role("link", name=code, exact=True))
    value = row.locator("td").first.inner_text()
    digits = re.match(r"[\d.,\s\u00a0\u202f]+", value)
    assert digits, f"{code}: no number in {value!r}"
    return int(re.sub(r"\D", "", digits.group()))


def quorum_numbers(visitor: Visitor) -> list[int]:
    text = visitor.main.locator('[data-quorum], .quorum, #quorum').first.inner_text()
    return [int(n) for n in re.findall(r"\d+", text)][:3]


# -- 1. the platform admin's story --------------------------------------------------------------------------------

def test_platform_admin_story(world, visitor):
    admin = visitor("platform_admin", subject="story-admin")
    orgs, people, api = world["orgs"], world["people"], world["api"]
    kesan = orgs["kesan"]
    admin.open("/", "dashboard")

    # Keşan TSO, an applicant, found by search and approved.
    admin.open("/organisations?q=Keşan&status=applicant", "organisations")
    assert admin.main.get_by_text(kesan["name"]).count() >= 1
    admin.main.locator(f'a[href$="/organisations/{kesan["id"]}"]').first.click()
    admin.open(f"/organisations/{kesan['id']}", "organisation")
    assert "approve" in admin.actions()
    admin.act("approve", "organisation-approve", {"reason": "Danışma Kurulu kararıyla üye"})
    assert "approve" not in admin.actions() and "suspend" in admin.actions()

    # The four chamber presidents seated on the Advisory Board.
    admin.open("/bodies", "bodies")
    admin.open("/bodies/advisory_board", "advisory-board")
    for n, chamber in enumerate(("tekirdag", "kirklareli", "kesan", "cerkezkoy")):
        admin.fill_and_submit({"person_id": people[chamber]["id"], "role": "chair" if n == 0 else "member",
                               "term_start": date(NOW.year, 1, 1).isoformat()})
    for chamber in CHAMBERS:
        assert admin.main.get_by_text(PRESIDENTS[chamber][2]).count() >= 1
    # The events service invites whoever it knows to be seated when a meeting is scheduled.
    eventually(lambda: may_host(api, kesan["id"]) and all(seated_in_events(api, people[c]["id"]) for c in CHAMBERS),
               "the events service knows the approval and the seats")

    # The 4th Advisory Board meeting, hosted by Keşan TSO, begun an hour ago (a platform admin may).
    admin.open("/meetings", "meetings")
    admin.open("/meetings/new", "meeting-new")
    starts = NOW - timedelta(hours=1)
    admin.fill_and_submit({"kind": "advisory_board_meeting", "title": "Danışma Kurulu Toplantısı",
                           "host_organisation_id": kesan["id"],
                           "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
                           "ends_at": (starts + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
                           "venue.city": "Keşan", "venue.province": "Edirne", "venue.address": kesan["name"]})
    meeting_path = urlsplit(admin.page.url).path
    assert re.fullmatch(r"/meetings/[^/]+", meeting_path), admin.page.url
    admin.open(meeting_path, "meeting")
    assert re.search(r"(?<![\d/])4(?![\d/])", admin.main.locator("h1").inner_text()), \
        admin.main.locator("h1").inner_text()
    for chamber in CHAMBERS:   # the seated presidents are invited
        assert admin.main.get_by_text(PRESIDENTS[chamber][2]).count() >= 1

    # Indicators before anything is held or attended.
    admin.open(f"/indicators?period={QUARTER}", "indicators")
    before = {code: indicator_value(admin, code) for code in ("OI.2", "OI.4")}

    # Participants registered for the workshop under way, checked in at the door on a tablet.
    workshop_path = f"/meetings/{world['workshop']['id']}"
    admin.open(workshop_path, "workshop")
    for key in ("kesan_staff", "guest"):
        admin.fill_and_submit({"person_id": people[key]["id"]})
    admin.page.set_viewport_size({"width": 768, "height": 1024})
    check_in(admin, f"{workshop_path}/check-in", [KESAN_STAFF[0], OUTSIDE_GUEST[0]], "workshop-check-in")
    # ... and the presidents at the Advisory Board meeting's door.
    check_in(admin, f"{meeting_path}/check-in", [PRESIDENTS[c][2] for c in CHAMBERS], "check-in")
    admin.page.set_viewport_size({"width": 1280, "height": 800})

    # A decision with quorum: 4 seated, 4 present, 3 required.
    admin.open(meeting_path, "meeting-quorum")
    assert quorum_numbers(admin) == [4, 4, 3]
    admin.fill_and_submit({"text": "4. Danışma Kurulu toplantısında yıllık çalışma planı kabul edildi.",
                           "votes.for": "4", "votes.against": "0", "votes.abstain": "0"})
    assert admin.main.get_by_text(re.compile(rf"{NOW.year}/4-1")).count() >= 1
    admin.act("close", "meeting-close")

    # The indicators move: one more governance meeting held, two more attendances.
    admin.page.goto(admin.url(f"/indicators?period={QUARTER}"))
    admin.reload_until(lambda: indicator_value(admin, "OI.2") == before["OI.2"] + 1
                       and indicator_value(admin, "OI.4") == before["OI.4"] + 2, "OI.2 +1 and OI.4 +2")
    admin.open(f"/indicators?period={QUARTER}", "indicators-after")

    # The quarter's report: created, previewed, submitted (its SHA-256 shown), downloaded as a PDF.
    admin.open("/reports", "reports")
    admin.fill_and_submit({"period": QUARTER, "kind": "interim"})
    report_path = urlsplit(admin.page.url).path
    assert re.fullmatch(r"/reports/[^/]+", report_path), admin.page.url
    admin.open(report_path, "report")
    admin.act("submit", "report-submit")
    report = api("GET", "reporting", report_path).json()
    assert report["status"] == "submitted"
    assert report["sha256"] in HEX64.findall(admin.main.get_by_role("status").inner_text())   # the confirmation
    download_pdf(admin, report)


def check_in(visitor: Visitor, path: str, names: list[str], name: str) -> None:
    """The door's page: a name typed in the search box narrows the list (htmx, as one types), one tap on the
    person records the attendance; the person then shows as present, with no button left to tap."""
    visitor.open(path, name)
    search = visitor.main.get_by_role("searchbox")
    for person in names:
        search.fill(person)
        visitor.main.get_by_text(re.compile(f"“{re.escape(person)}”")).wait_for()   # the narrowed list is in
        row = visitor.main.get_by_role("listitem").filter(has_text=person)
        expect(row).to_have_count(1)
        row.get_by_role("button").click()
        expect(row.get_by_role("button")).to_have_count(0)
    visitor.check(f"{name}-done", "tr")


def download_pdf(visitor: Visitor, report: dict) -> None:
    """The report's PDF through the console's download link, with the browser's session."""
    href = visitor.main.locator('a[href*="pdf"]').first.get_attribute("href")
    response = visitor.page.request.get(visitor.url(href))
    assert response.status == 200, f"{href}: {response.status} {response.text()[:300]}"
    assert response.headers["content-type"].startswith("application/pdf")
    body = response.body()
    assert body.startswith(b"%PDF-"), body[:20]
    document = pypdfium2.PdfDocument(body)
    text = "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert report["period"] in text
    assert "Danışma Kurulu" in text or "Advisory Board" in text
    assert "European Union" in text or "Avrupa Birliği" in text


# -- 2. a chamber admin: its own organisation only ----------------------------------------------------------------

def test_a_chamber_admin_sees_only_its_own(world, visitor):
    orgs = world["orgs"]
    kesan, tekirdag = orgs["kesan"], orgs["tekirdag"]
    chamber = visitor("chamber_admin", org=kesan["id"], subject="kesan-tso")
    chamber.open("/", "dashboard")
    chamber.open("/organisations", "organisations")
    chamber.open(f"/organisations/{kesan['id']}", "organisation")
    assert set(chamber.actions()) <= {"withdraw"}   # approving, suspending, reinstating are the platform's
    chamber.open(f"/organisations/{tekirdag['id']}", "other-organisation")
    assert chamber.actions() == [] and chamber.main.locator('form[method="post" i]').count() == 0

    chamber.open("/people", "people")
    names = chamber.main.inner_text()
    assert KESAN_STAFF[0] in names and PRESIDENTS["kesan"][2] in names
    assert OUTSIDE_GUEST[0] not in names and PRESIDENTS["tekirdag"][2] not in names

    chamber.open("/bodies/advisory_board", "advisory-board")
    assert chamber.form_with("person_id").count() == 0   # seating is the platform's

    workshop = f"/meetings/{world['workshop']['id']}"
    chamber.open(workshop, "workshop")
    text = chamber.main.inner_text()
    assert KESAN_STAFF[0] in text   # its own registration...
    assert OUTSIDE_GUEST[0] not in text and "guest@example.org" not in text   # ...not another organisation's
    # It may register its own people, and only them: the choice offers no one else.
    form = chamber.form_with("person_id")
    if form.count():
        offered = form.locator('[name="person_id"] option').all_inner_texts()
        assert not [o for o in offered if OUTSIDE_GUEST[0] in o or PRESIDENTS["tekirdag"][2] in o], offered

    chamber.open("/meetings", "meetings")
    chamber.open("/indicators", "indicators")
    # Reports are the programme's (reporting's access table): not in its menu, and the page is refused.
    assert chamber.page.locator('nav a[href="/reports"]').count() == 0
    chamber.open("/reports", "reports-refused", status=403)


# -- 3. an auditor: sees everything, changes nothing ----------------------------------------------------------------

def test_an_auditor_changes_nothing(world, visitor):
    orgs, api = world["orgs"], world["api"]
    auditor = visitor("auditor", subject="story-auditor")
    meeting = world["earlier"][0]
    pages = [("/", "dashboard"), ("/organisations", "organisations"),
             (f"/organisations/{orgs['tekirdag']['id']}", "organisation"), ("/people", "people"),
             ("/bodies", "bodies"), ("/bodies/advisory_board", "advisory-board"), ("/meetings", "meetings"),
             (f"/meetings/{meeting['id']}", "meeting"), (f"/meetings/{world['workshop']['id']}", "workshop"),
             ("/indicators", "indicators"), ("/reports", "reports")]
    for path, name in pages:
        auditor.open(path, name)
        assert auditor.main.locator('form[method="post" i]').count() == 0, f"{path}: a form for an auditor"
        assert auditor.actions() == [], f"{path}: actions for an auditor"
    # The quarter's report the platform admin submitted: readable, downloadable, nothing to act on.
    auditor.page.goto(auditor.url("/reports"))
    report_path = auditor.main.locator('a[href^="/reports/"]').first.get_attribute("href")
    auditor.open(report_path, "report")
    assert auditor.actions() == [] and auditor.main.locator('form[method="post" i]').count() == 0
    assert auditor.main.locator('a[href*="download.pdf"]').count() >= 1
    # Everything is there to read: the organisations, the people, the Advisory Board meetings.
    auditor.page.goto(auditor.url("/people"))
    assert OUTSIDE_GUEST[0] in auditor.main.inner_text()

    # A form replayed with the auditor's own session and CSRF token: refused, nothing changes.
    csrf = auditor.page.locator('input[name="csrf_token"]').first.input_value()   # its sign-out form's
    tekirdag = orgs["tekirdag"]["id"]
    refused = auditor.page.request.post(auditor.url(f"/organisations/{tekirdag}"), form={
        "csrf_token": csrf, "action": "suspend", "confirm": "yes", "reason": "replayed"}, max_redirects=0)
    assert refused.status == 403, refused.status
    workshop, someone = world["workshop"]["id"], world["people"]["kirklareli"]["id"]
    refused = auditor.page.request.post(auditor.url(f"/meetings/{workshop}"), form={
        "csrf_token": csrf, "action": "register", "registrant": "person", "person_id": someone}, max_redirects=0)
    assert refused.status == 403, refused.status
    assert api("GET", "members", f"/organisations/{tekirdag}").json()["status"] == "active"
    registered = api("GET", "events", f"/meetings/{workshop}/registrations?page_size=100").json()["items"]
    assert someone not in {r.get("person_id") for r in registered}
