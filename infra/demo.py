"""`tvp demo`: fill an empty platform with the Thrace Productivity Platform as the news describes it.

Everything goes through the services' own HTTP APIs, as an administrator would
enter it: the member chambers (Kırklareli, Tekirdağ, Keşan and Çerkezköy TSO),
a development agency, a university, an industrial zone and member SMEs; their
presidents and representatives on the Board and the Advisory Board; Advisory
Board meetings one to four (the fourth hosted by Keşan TSO) and Board meetings
with attendance and numbered decisions; resource- and energy-efficiency
workshops, a training, a site visit, a matchmaking event and a conference with
SME participants; the programme settings and some expenditures. It then waits
until the reporting service has the figures and computes a draft interim
report for the year, saved as PDF, XLSX and CSV.

The people are fictional. Meetings are recorded in the past (platform admins
may), spread over the current year up to yesterday (over the previous year
before mid-February).
"""
from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Callable

import requests

from shared.config import PLATFORM_ZONE as ISTANBUL

from .idempotent import IdempotentSession, RetryPolicy


class DemoError(RuntimeError):
    """Something the user can fix; printed as one line."""


ORGANISATIONS = [
    # key, body
    ("kirklareli", {"name": "Kırklareli Ticaret ve Sanayi Odası", "short_name": "Kırklareli TSO", "kind": "chamber",
                    "province": "Kırklareli", "website": "https://www.kirklarelitso.org.tr"}),
    ("tekirdag", {"name": "Tekirdağ Ticaret ve Sanayi Odası", "short_name": "Tekirdağ TSO", "kind": "chamber",
                  "province": "Tekirdağ"}),
    ("kesan", {"name": "Keşan Ticaret ve Sanayi Odası", "short_name": "Keşan TSO", "kind": "chamber",
               "province": "Edirne", "district": "Keşan"}),
    ("cerkezkoy", {"name": "Çerkezköy Ticaret ve Sanayi Odası", "short_name": "Çerkezköy TSO", "kind": "chamber",
                   "province": "Tekirdağ", "district": "Çerkezköy"}),
    ("agency", {"name": "Trakya Kalkınma Ajansı", "short_name": "Trakyaka", "kind": "development_agency",
                "province": "Tekirdağ"}),
    ("university", {"name": "Kırklareli Üniversitesi", "kind": "university", "province": "Kırklareli"}),
    ("osb", {"name": "Çerkezköy Organize Sanayi Bölgesi", "short_name": "Çerkezköy OSB", "kind": "industrial_zone",
             "province": "Tekirdağ", "district": "Çerkezköy"}),
    ("ergene", {"name": "Ergene Tekstil Boya Sanayi", "kind": "company", "size_class": "small", "employees": 38,
                "province": "Tekirdağ", "district": "Ergene", "nace_code": "C13.30"}),
    ("luleburgaz", {"name": "Lüleburgaz Süt Ürünleri", "kind": "company", "size_class": "medium", "employees": 120,
                    "province": "Kırklareli", "district": "Lüleburgaz", "nace_code": "C10.51"}),
    ("zeytin", {"name": "Keşan Zeytinyağı İşletmesi", "kind": "company", "size_class": "micro", "employees": 7,
                "province": "Edirne", "district": "Keşan", "nace_code": "C10.41"}),
    ("metal", {"name": "Çorlu Metal İşleme", "kind": "company", "size_class": "small", "employees": 45,
               "province": "Tekirdağ", "district": "Çorlu", "nace_code": "C25.62"}),
    ("babaeski", {"name": "Babaeski Tarım Makineleri", "kind": "company", "size_class": "medium", "employees": 90,
                  "province": "Kırklareli", "district": "Babaeski", "nace_code": "C28.30"}),
    ("celtik", {"name": "Uzunköprü Çeltik Fabrikası", "kind": "company", "size_class": "micro", "employees": 9,
                "province": "Edirne", "district": "Uzunköprü", "nace_code": "C10.61"}),
]

# fictional people: key, organisation, name, gender, title
PEOPLE = [
    ("p_kirklareli", "kirklareli", "Selim Aydın", "male", "Yönetim Kurulu Başkanı"),
    ("p_tekirdag", "tekirdag", "Elif Demirci", "female", "Yönetim Kurulu Başkanı"),
    ("p_kesan", "kesan", "Murat Er", "male", "Yönetim Kurulu Başkanı"),
    ("p_cerkezkoy", "cerkezkoy", "Zeynep Kaptan", "female", "Yönetim Kurulu Başkanı"),
    ("p_agency", "agency", "Hakan Uysal", "male", "Genel Sekreter"),
    ("p_university", "university", "Prof. Dr. Aylin Sezer", "female", "Mühendislik Fakültesi Dekanı"),
    ("p_osb", "osb", "Cem Toprak", "male", "Bölge Müdürü"),
    ("p_ergene", "ergene", "Derya Akın", "female", "Genel Müdür"),
    ("p_luleburgaz", "luleburgaz", "Okan Bayram", "male", "Üretim Müdürü"),
    ("p_zeytin", "zeytin", "Fatma Yılmaz", "female", "İşletme Sahibi"),
    ("p_metal", "metal", "Burak Şahin", "male", "Kalite Müdürü"),
    ("p_babaeski", "babaeski", "Gül Karaca", "female", "Enerji Yöneticisi"),
    ("p_celtik", "celtik", "İsmail Öztürk", "male", "İşletme Sahibi"),
]

BOARD = [("p_kirklareli", "chair"), ("p_tekirdag", "vice_chair"), ("p_kesan", "member"), ("p_cerkezkoy", "member")]
ADVISORY = [("p_tekirdag", "chair"), ("p_kirklareli", "member"), ("p_kesan", "member"), ("p_cerkezkoy", "member"),
            ("p_agency", "member"), ("p_university", "member"), ("p_osb", "member")]

# outside participants' firms (not members): name, kind, size class, province
OUTSIDE = [("Hayrabolu Peynircilik", "company", "micro", "Tekirdağ"), ("Malkara Un Fabrikası", "company", "small",
           "Tekirdağ"), ("Vize Orman Ürünleri", "company", "small", "Kırklareli"),
           ("Pınarhisar Seramik", "company", "medium", "Kırklareli"), ("Saray Ambalaj", "company", "small", "Tekirdağ"),
           ("İpsala Pirinç", "company", "micro", "Edirne"), ("Trakya Cam Sanayi", "company", "large", "Kırklareli"),
           ("Enez Balıkçılık Kooperatifi", "ngo", None, "Edirne")]
FIRST_NAMES = [("Ayşe", "female"), ("Mehmet", "male"), ("Emine", "female"), ("Mustafa", "male"), ("Hatice", "female"),
               ("Ali", "male"), ("Zehra", "female"), ("Hüseyin", "male"), ("Merve", "female"), ("Emre", "male"),
               ("Deniz", "other"), ("Sevgi", "female"), ("Kerem", "male"), ("Büşra", "female"), ("Onur", "undisclosed")]
LAST_NAMES = ["Kaya", "Çelik", "Arslan", "Doğan", "Koç", "Kurt", "Özdemir", "Aksoy", "Polat", "Erdem", "Güneş"]

# meetings: fraction of the year's elapsed span, kind, host, title, themes, participants (member people, outside)
MEETINGS = [
    (0.04, "advisory_board_meeting", "kirklareli", "Danışma Kurulu Toplantısı", ["resource_efficiency"], 6, 0),
    (0.10, "board_meeting", "kirklareli", "Yönetim Kurulu Toplantısı", [], 4, 0),
    (0.16, "workshop", "cerkezkoy", "Kaynak Verimliliği Çalıştayı (Resource efficiency workshop)",
     ["resource_efficiency", "industrial_symbiosis"], 4, 9),
    (0.27, "advisory_board_meeting", "tekirdag", "Danışma Kurulu Toplantısı", ["energy_efficiency"], 5, 0),
    (0.34, "training", "tekirdag", "KOBİ'ler için Enerji Verimliliği Eğitimi (Energy efficiency training)",
     ["energy_efficiency"], 3, 12),
    (0.45, "site_visit", "cerkezkoy", "Saha Ziyareti: Ergene Tekstil (Site visit)", ["eco_efficiency",
                                                                                     "waste_management"], 3, 6),
    (0.52, "advisory_board_meeting", "cerkezkoy", "Danışma Kurulu Toplantısı", ["industrial_symbiosis"], 5, 0),
    (0.60, "board_meeting", "tekirdag", "Yönetim Kurulu Toplantısı", [], 3, 0),
    (0.68, "matchmaking", "kirklareli", "Endüstriyel Simbiyoz Eşleştirme Günü (Industrial symbiosis matchmaking)",
     ["industrial_symbiosis", "resource_efficiency"], 5, 10),
    (0.78, "workshop", "kesan", "Enerji ve Kaynak Verimliliği Çalıştayı (Energy and resource efficiency workshop)",
     ["energy_efficiency", "resource_efficiency"], 3, 11),
    (0.86, "advisory_board_meeting", "kesan", "Danışma Kurulu Toplantısı", ["green_transition"], 6, 0),
    (0.94, "conference", "kesan", "Yeşil Dönüşüm ve KOBİ'ler Konferansı (Green transition conference)",
     ["green_transition", "renewable_energy"], 4, 14),
]

EXPENDITURES = [
    (0.05, "human_resources", "52500", "EUR", None, "Platform koordinatörü ve uzman personel (ilk çeyrek)"),
    (0.17, "services", "186000", "TRY", "47.35", "Kaynak verimliliği çalıştayı: salon, ikram, tercümanlık"),
    (0.28, "travel", "38400", "TRY", "47.80", "Danışma Kurulu üyelerinin Tekirdağ toplantısına ulaşımı"),
    (0.35, "services", "4200", "EUR", None, "Enerji verimliliği eğitmen ücreti"),
    (0.40, "equipment", "9850", "EUR", None, "Enerji ölçüm cihazları (termal kamera, enerji analizörü)"),
    (0.55, "human_resources", "52500", "EUR", None, "Platform koordinatörü ve uzman personel (ikinci çeyrek)"),
    (0.69, "services", "212500", "TRY", "48.90", "Eşleştirme günü organizasyonu"),
    (0.80, "visibility", "3150", "EUR", None, "AB görünürlük malzemeleri: roll-up, broşür, web sitesi"),
    (0.87, "travel", "27300", "TRY", "49.40", "Keşan Danışma Kurulu toplantısı ulaşım ve konaklama"),
    (0.95, "other", "1480.75", "EUR", None, "Banka ve noter masrafları"),
]


@dataclass
class Client:
    base: str
    headers: dict
    name: str
    # One Idempotency-Key per call, kept across its retries: a write the server made before a crash is not
    # made twice when the demo asks again.
    # 20 s covers a restart by `tvp up`'s supervisor; a platform that is not running is reported sooner.
    session: IdempotentSession = field(default_factory=lambda: IdempotentSession(policy=RetryPolicy(budget_s=20)))

    def __call__(self, method: str, path: str, expect=(200, 201), **kwargs):
        try:
            response = self.session.request(method, f"{self.base}/api/v1{path}", headers=self.headers, timeout=30,
                                            **kwargs)
        except requests.ConnectionError:
            raise DemoError(f"the {self.name} service is not reachable at {self.base}; start the platform "
                            "with `tvp up`") from None
        except requests.RequestException as exc:
            raise DemoError(f"{method} {self.name} {path} failed: {type(exc).__name__}") from None
        if expect and response.status_code not in expect:
            raise DemoError(f"{method} {self.name} {path} answered {response.status_code}: {response.text[:300]}")
        return response.json() if response.content and "json" in response.headers.get("Content-Type", "") else \
            response


def demo_year(today: date) -> tuple[int, date, date]:
    """The year whose activity the demo records, and the span of its meetings."""
    if (today - date(today.year, 1, 1)).days >= 45:
        return today.year, date(today.year, 1, 8), today - timedelta(days=1)
    year = today.year - 1
    return year, date(year, 1, 8), date(year, 12, 20)


def step_count() -> int:
    """How many times run_demo calls `advance`: one per organisation, person, seat, meeting and expenditure,
    and one per wait and per saved file."""
    return (len(ORGANISATIONS) + len(PEOPLE) + len(BOARD) + len(ADVISORY) + len(MEETINGS) + len(EXPENDITURES)
            + 3 + 3)


def run_demo(urls: dict[str, str], token: str, say: Callable[[str], None] = print, force: bool = False,
             out_dir: Path | None = None, today: date | None = None, wait_s: float = 90.0,
             advance: Callable[[], None] = lambda: None) -> dict:
    headers = {"Authorization": f"Bearer {token}", "X-Correlation-Id": f"demo-{int(time.time())}"}
    members = Client(urls["members"].rstrip("/"), headers, "members")
    events = Client(urls["events"].rstrip("/"), headers, "events")
    reporting = Client(urls["reporting"].rstrip("/"), headers, "reporting")
    started = time.monotonic()
    existing = members("GET", "/organisations?page_size=1")["total"]
    if existing and not force:
        raise DemoError(f"the platform already has {existing} organisations; the demo fills an empty system "
                        "(use --force to add its data anyway)")
    today = today or datetime.now(ISTANBUL).date()
    year, first_day, last_day = demo_year(today)
    span = (last_day - first_day).days

    def day_at(fraction: float) -> date:
        return first_day + timedelta(days=int(span * fraction))

    # -- members ------------------------------------------------------------------
    say("members: organisations, approvals, people and seats …")
    orgs = {}
    for key, body in ORGANISATIONS:
        orgs[key] = members("POST", "/organisations", json=body)
        members("POST", f"/organisations/{orgs[key]['id']}/membership",
                json={"action": "approve", "reason": "Demo: founding member of the platform"})
        advance()
    people = {}
    for key, org, name, gender, title in PEOPLE:
        slug = _ascii(name.replace("Prof. Dr. ", "").split()[0])
        people[key] = members("POST", "/people", json={
            "organisation_id": orgs[org]["id"], "full_name": name, "gender": gender, "title": title,
            "email": f"{slug}.{key[2:]}@example.org"})
        advance()
    term_start = date(year - 1, 1, 1).isoformat()
    for body, seats in (("board", BOARD), ("advisory_board", ADVISORY)):
        for person, role in seats:
            members("POST", f"/bodies/{body}/seats", json={"person_id": people[person]["id"], "role": role,
                                                           "term_start": term_start})
            advance()
    say(f"  {len(orgs)} organisations approved, {len(people)} people, {len(BOARD)} Board and {len(ADVISORY)} "
        "Advisory Board seats")

    # -- events learns of them from the members' stream ---------------------------------
    say("events: waiting for the members' events to arrive …")
    _wait(lambda: all(_may_host(events, orgs[k]["id"]) for k in orgs), wait_s,
          "the events service did not learn of the member organisations in time")
    advance()

    # -- meetings ---------------------------------------------------------------------
    say("events: meetings, registrations, attendance, decisions …")
    seated_count = {"board_meeting": len(BOARD), "advisory_board_meeting": len(ADVISORY)}
    people_of_members = [p for p in PEOPLE if orgs[p[1]]["kind"] == "company"]
    counter = 0
    held = {"governance": 0, "capacity": 0}
    for fraction, kind, host, title, themes, members_count, outside_count in MEETINGS:
        day = day_at(fraction)
        starts = datetime.combine(day, clock(10, 0), ISTANBUL)
        body = {"kind": kind, "title": title, "host_organisation_id": orgs[host]["id"], "themes": themes,
                "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=4)).isoformat(),
                "venue": {"city": ORGANISATIONS_BY_KEY[host].get("district") or ORGANISATIONS_BY_KEY[host]["province"],
                          "province": ORGANISATIONS_BY_KEY[host]["province"],
                          "address": ORGANISATIONS_BY_KEY[host]["name"]}}
        governance = kind in seated_count
        if not governance:
            body["capacity"] = 60
        seat_people = {people[p]["id"] for p, _ in (BOARD if kind == "board_meeting" else ADVISORY)} \
            if governance else set()
        meeting = _schedule(events, body, seat_people, wait_s)
        mid = meeting["id"]
        if governance:
            invited = _all(events, f"/meetings/{mid}/registrations")
            ours = [r for r in invited if r.get("person_id") in seat_people]
            others = [r for r in invited if r.get("person_id") not in seat_people]
            present = 0
            for registration in ours[:members_count] + others:
                quorum = events("GET", f"/meetings/{mid}")["quorum"]
                if present >= members_count and quorum["met"]:
                    break
                events("POST", f"/meetings/{mid}/attendance", json={"registration_id": registration["id"]})
                present += 1
            present = events("GET", f"/meetings/{mid}")["quorum"]["present"]
            decisions = [f"{year} yılı çalışma planının {title.lower()} gündemi kabul edildi.",
                         "Bir sonraki toplantının ev sahibi oda belirlendi."]
            for text in decisions:
                events("POST", f"/meetings/{mid}/decisions",
                       json={"text": text, "votes": {"for": present, "against": 0, "abstain": 0}})
        else:
            registrations = []
            for person in people_of_members[counter % len(people_of_members):][:members_count] or \
                    people_of_members[:members_count]:
                registrations.append(events("POST", f"/meetings/{mid}/registrations",
                                            json={"person_id": people[person[0]]["id"]}))
            for n in range(outside_count):
                counter += 1
                firm = OUTSIDE[(counter + n) % len(OUTSIDE)]
                first, gender = FIRST_NAMES[(counter * 7 + n) % len(FIRST_NAMES)]
                last = LAST_NAMES[(counter * 3 + n) % len(LAST_NAMES)]
                participant = {"full_name": f"{first} {last}", "gender": gender, "organisation_name": firm[0],
                               "organisation_kind": firm[1], "province": firm[3]}
                if firm[2]:
                    participant["size_class"] = firm[2]
                registrations.append(events("POST", f"/meetings/{mid}/registrations",
                                            json={"participant": participant}))
            for registration in registrations[:-1] if len(registrations) > 4 else registrations:
                events("POST", f"/meetings/{mid}/attendance", json={"registration_id": registration["id"]})
        events("POST", f"/meetings/{mid}/close")
        held["governance" if governance else "capacity"] += 1
        counter += 1
        say(f"  {day.isoformat()}  {kind:<23} {title[:60]}")
        advance()

    # -- reporting ------------------------------------------------------------------
    say("reporting: programme settings and expenditures …")
    reporting("PUT", "/programme", json={
        "name": "Thrace's Efficient SMEs — Competitive Sectors Programme",
        "name_tr": "Trakya'nın Verimli KOBİ'leri — Rekabetçi Sektörler Programı",
        "beneficiary": "Trakya Verimlilik Platformu (Thrace Productivity Platform)",
        "start_date": f"{year}-01-01", "end_date": f"{year + 2}-12-31", "eu_share": 85, "national_share": 15,
        "targets": {"OI.1": 20, "OI.2": 16, "OI.3": 24, "OI.4": 600, "OI.5": 120, "OI.6": 150, "FI.1": 1200000}})
    meetings_held = _all(events, "/meetings?status=held")
    for fraction, line, amount, currency, rate, description in EXPENDITURES:
        body = {"date": day_at(fraction).isoformat(), "budget_line": line, "amount": amount, "currency": currency,
                "description": description}
        if rate:
            body["eur_rate"] = rate
        reporting("POST", "/expenditures", json=body)
        advance()

    say("reporting: waiting for the figures …")
    period = str(year)

    def figures_arrived():
        figures = reporting("GET", f"/indicators?period={period}")
        by_code = {i["code"]: i["value"] for i in figures["indicators"]}
        return by_code["OI.2"] >= held["governance"] and by_code["OI.3"] >= held["capacity"] and \
            (year != datetime.now(ISTANBUL).year or by_code["OI.1"] >= len(orgs))
    _wait(figures_arrived, wait_s, "the reporting service did not receive the meetings in time")
    advance()
    report = reporting("POST", "/reports", json={"period": period, "kind": "interim"})
    advance()
    figures = {i["code"]: i for i in report["content"]["indicators"]}
    say(f"report {report['id']}: interim, {period}, draft")
    for code in ("OI.1", "OI.2", "OI.3", "OI.4", "OI.5", "OI.6", "FI.1"):
        i = figures[code]
        say(f"  {code}  {i['name']:<52} {i['value']:>10}   {i['percent_of_target'] or 0:5.1f} % of target")
    saved = []
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for fmt in ("pdf", "xlsx", "csv"):
            response = reporting("GET", f"/reports/{report['id']}/export?format={fmt}")
            path = out_dir / f"tvp-demo-report-{period}.{fmt}"
            path.write_bytes(response.content)
            saved.append(path)
            advance()
        say("saved: " + ", ".join(str(p) for p in saved))
    say(f"export: {reporting.base}/api/v1/reports/{report['id']}/export?format=pdf (xlsx, csv; &lang=en|tr)")
    say(f"demo ready in {time.monotonic() - started:.0f}s: {len(meetings_held)} meetings held")
    return {"report": report, "organisations": orgs, "people": people, "period": period, "saved": saved,
            "held": held}


ORGANISATIONS_BY_KEY = dict(ORGANISATIONS)


def _ascii(text: str) -> str:
    text = text.translate(str.maketrans("ıİ", "iI"))
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _may_host(events: Client, organisation_id: str) -> bool:
    response = events("GET", f"/member-organisations/{organisation_id}", expect=None)
    return isinstance(response, dict) and bool(response.get("may_host"))


def _all(client: Client, path: str) -> list[dict]:
    items, page = [], 1
    joiner = "&" if "?" in path else "?"
    while True:
        found = client("GET", f"{path}{joiner}page={page}&page_size=100")
        items += found["items"]
        if len(items) >= found["total"] or not found["items"]:
            return items
        page += 1


def _schedule(events: Client, body: dict, seat_people: set, wait_s: float) -> dict:
    """Schedule a meeting; a governance meeting is retried until every seat reached the events service."""
    deadline = time.monotonic() + wait_s
    while True:
        meeting = events("POST", "/meetings", json=body)
        if not seat_people:
            return meeting
        invited = {r.get("person_id") for r in _all(events, f"/meetings/{meeting['id']}/registrations")}
        if seat_people <= invited:
            return meeting
        events("POST", f"/meetings/{meeting['id']}/cancel", json={"reason": "Demo: seats still arriving"})
        if time.monotonic() > deadline:
            raise DemoError("the events service did not learn of the governance seats in time")
        time.sleep(0.5)


def _wait(condition: Callable[[], bool], timeout_s: float, message: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise DemoError(message)
