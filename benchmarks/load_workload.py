"""The mixed workload of benchmarks/load_mixed.py: which requests, in which proportions, built from the seeded data.

Kept free of locust (and so of gevent, which monkeypatches whatever imports it): the locust child process
(benchmarks/load_locust.py) draws from this table, and the unit tests check its proportions.

80 % reads across the three services' lists, details and indicators; 20 % writes, each with its own
Idempotency-Key as real clients send (infra/idempotent.py).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from infra.idempotent import HEADER as IDEMPOTENCY_HEADER
from infra.idempotent import new_key


@dataclass(frozen=True)
class Request:
    service: str            # members | events | reporting
    method: str
    path: str               # under /api/v1, with the ids filled in
    name: str               # the path with its ids as placeholders: the line in the statistics
    json: dict | None = None

    @property
    def is_write(self) -> bool:
        return self.method != "GET"

    def headers(self) -> dict:
        return {IDEMPOTENCY_HEADER: new_key()} if self.is_write else {}


@dataclass(frozen=True)
class Seed:
    """What the load draws its ids from (written by load_mixed.py after seeding, read by the locust child)."""
    organisation_ids: list[str]
    person_ids: list[str]
    meeting_ids: list[str]             # every meeting, held or scheduled
    open_meeting_ids: list[str]        # scheduled meetings in the future: registrations go there
    report_ids: list[str]
    period: str                        # the demo's year: indicators of the year and its quarters
    organisation_pages: int            # pages of 20 in the organisation list
    run: str                           # tells this run's new organisations and participants apart

    @classmethod
    def from_dict(cls, data: dict) -> "Seed":
        return cls(**data)


PROVINCES = ("Tekirdağ", "Edirne", "Kırklareli", "İstanbul", "Bursa")
KINDS = ("company", "chamber", "university")
BUDGET_LINES = ("travel", "services", "equipment", "visibility", "other")


def organisations_list(seed: Seed, rng: random.Random) -> Request:
    query = f"page={rng.randint(1, seed.organisation_pages)}&page_size=20"
    if rng.random() < 0.3:
        query += f"&province={rng.choice(PROVINCES)}"
    return Request("members", "GET", f"/organisations?{query}", "GET /organisations")


def organisation_detail(seed: Seed, rng: random.Random) -> Request:
    return Request("members", "GET", f"/organisations/{rng.choice(seed.organisation_ids)}", "GET /organisations/{id}")


def person_detail(seed: Seed, rng: random.Random) -> Request:
    return Request("members", "GET", f"/people/{rng.choice(seed.person_ids)}", "GET /people/{id}")


def meetings_list(seed: Seed, rng: random.Random) -> Request:
    query = "page_size=20" + rng.choice(("", "&status=held", "&status=scheduled", "&kind=workshop"))
    return Request("events", "GET", f"/meetings?{query}", "GET /meetings")


def meeting_detail(seed: Seed, rng: random.Random) -> Request:
    return Request("events", "GET", f"/meetings/{rng.choice(seed.meeting_ids)}", "GET /meetings/{id}")


def meeting_registrations(seed: Seed, rng: random.Random) -> Request:
    return Request("events", "GET", f"/meetings/{rng.choice(seed.meeting_ids)}/registrations?page_size=20",
                   "GET /meetings/{id}/registrations")


def indicators(seed: Seed, rng: random.Random) -> Request:
    period = rng.choice((seed.period, f"{seed.period}-Q{rng.randint(1, 4)}", f"{seed.period}-H{rng.randint(1, 2)}"))
    return Request("reporting", "GET", f"/indicators?period={period}", "GET /indicators")


def report_detail(seed: Seed, rng: random.Random) -> Request:
    return Request("reporting", "GET", f"/reports/{rng.choice(seed.report_ids)}", "GET /reports/{id}")


def expenditures_list(seed: Seed, rng: random.Random) -> Request:
    return Request("reporting", "GET", "/expenditures?page_size=20", "GET /expenditures")


def create_organisation(seed: Seed, rng: random.Random) -> Request:
    n = rng.getrandbits(40)
    body = {"name": f"Yük Testi Sanayi {seed.run}-{n} Ltd.", "kind": "company",
            "size_class": rng.choice(("micro", "small", "medium")), "province": rng.choice(PROVINCES),
            "employees": rng.randint(1, 240), "email": f"info{n}@load.example.org"}
    return Request("members", "POST", "/organisations", "POST /organisations", body)


def register_participant(seed: Seed, rng: random.Random) -> Request:
    n = rng.getrandbits(40)
    participant = {"full_name": f"Katılımcı {seed.run}-{n}", "gender": rng.choice(("female", "male")),
                   "organisation_name": f"Ziyaretçi Firma {n % 500}", "organisation_kind": "company",
                   "size_class": rng.choice(("micro", "small", "medium")), "province": rng.choice(PROVINCES)}
    return Request("events", "POST", f"/meetings/{rng.choice(seed.open_meeting_ids)}/registrations",
                   "POST /meetings/{id}/registrations", {"participant": participant})


def record_expenditure(seed: Seed, rng: random.Random) -> Request:
    day = datetime(int(seed.period), 1, 1) + timedelta(days=rng.randint(0, 300))
    body = {"date": day.date().isoformat(), "budget_line": rng.choice(BUDGET_LINES),
            "amount": f"{rng.randint(50, 5000)}.{rng.randint(0, 99):02d}", "currency": "EUR",
            "description": f"Yük testi gideri {seed.run}"}
    return Request("reporting", "POST", "/expenditures", "POST /expenditures", body)


# (weight in percent, request builder). Reads: lists, details and indicators of the three services.
MIX: list[tuple[int, Callable[[Seed, random.Random], Request]]] = [
    (14, organisations_list), (12, organisation_detail), (4, person_detail),
    (12, meetings_list), (12, meeting_detail), (4, meeting_registrations),
    (12, indicators), (6, report_detail), (4, expenditures_list),
    (8, create_organisation), (8, register_participant), (4, record_expenditure),
]


def draw(seed: Seed, rng: random.Random) -> Request:
    """One request of the mix, chosen in proportion to its weight."""
    builders = [builder for _, builder in MIX]
    weights = [weight for weight, _ in MIX]
    return rng.choices(builders, weights)[0](seed, rng)
