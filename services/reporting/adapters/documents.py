"""How the reporting service stores its data (database tvp_reporting).

Own data (written by the API):
  programme      the programme settings (one document)
  expenditures   eligible expenditure, amounts as decimal strings
  reports        period reports, an aggregate with its own outbox (report.submitted events)

Consumed history (written by the worker):
  journal            every event reporting consumed, in the order it was applied (`seq`): the
                     history `tvp rebuild` replays (person ids are dropped; reporting needs none)
  projection_state   the journal sequence, the active projection generation, rebuild status

Projections (a generation of collections; generation 0 has the plain names, a rebuild
writes generation n under `<name>_r<n>` and then switches to it):
  member_organisations  membership history and what each organisation adds to OI.1
  meetings              meetings with their live and final attendance counts
  buckets               counters per calendar bucket (Y:/H:/Q:/M:/D:), see domain/rules.py
  reach_marks           one per (SME|organisation, bucket) reached: distinct counts
  reach_first           the first day each organisation/SME was reached: cumulative counts
"""
from __future__ import annotations

from pymongo import ASCENDING, DESCENDING

PROGRAMME = "programme"
EXPENDITURES = "expenditures"
REPORTS = "reports"
JOURNAL = "journal"
STATE = "projection_state"
STATE_ID = "projection"

PROJECTIONS = ("member_organisations", "meetings", "buckets", "reach_marks", "reach_first")

AGGREGATE_COLLECTIONS: list[str] = [REPORTS]


class Generation:
    """The collection names of one projection generation."""

    def __init__(self, db, number: int = 0):
        self.db = db
        self.number = number

    def name(self, base: str) -> str:
        return base if self.number == 0 else f"{base}_r{self.number}"

    @property
    def organisations(self):
        return self.db[self.name("member_organisations")]

    @property
    def meetings(self):
        return self.db[self.name("meetings")]

    @property
    def buckets(self):
        return self.db[self.name("buckets")]

    @property
    def marks(self):
        return self.db[self.name("reach_marks")]

    @property
    def firsts(self):
        return self.db[self.name("reach_first")]

    def drop(self) -> None:
        for base in PROJECTIONS:
            self.db.drop_collection(self.name(base))

    def ensure_indexes(self) -> None:
        self.meetings.create_index([("day", ASCENDING)], name="by_day")
        self.marks.create_index([("b", ASCENDING), ("cat", ASCENDING)], name="by_bucket")


def active_generation(db, session=None) -> Generation:
    state = db[STATE].find_one({"_id": STATE_ID}, {"generation": 1}, session=session) or {}
    return Generation(db, state.get("generation", 0))


def ensure_indexes(db) -> None:
    db[EXPENDITURES].create_index([("date", ASCENDING), ("_id", ASCENDING)], name="by_date")
    db[REPORTS].create_index([("created_at", DESCENDING)], name="by_created")
    db[REPORTS].create_index([("submitted_key", ASCENDING)], name="one_submitted_per_period_and_kind", unique=True,
                             sparse=True)
    db[JOURNAL].create_index([("seq", ASCENDING)], name="by_seq")
    active_generation(db).ensure_indexes()
