"""Programme settings: name, dates, co-financing shares and a target per indicator."""
from __future__ import annotations

from datetime import date

from pymongo.errors import DuplicateKeyError

from shared.clock import utc_now
from shared.concurrency import Precondition
from shared.errors import PreconditionFailed, Unprocessable

from ..adapters.documents import PROGRAMME
from ..domain import money
from ..domain.indicators import CODES

ID = "programme"

DEFAULTS = {
    "name": "Thrace's Efficient SMEs — Competitive Sectors Programme",
    "name_tr": "Trakya'nın Verimli KOBİ'leri — Rekabetçi Sektörler Programı",
    "beneficiary": "Thrace Productivity Platform (Trakya Verimlilik Platformu)",
    "start_date": "2025-01-01",
    "end_date": "2027-12-31",
    "eu_share": "85",
    "national_share": "15",
    "targets": {},
}


def get(db, session=None) -> dict:
    stored = db[PROGRAMME].find_one({"_id": ID}, session=session)
    if stored is None:
        return {**DEFAULTS, "configured": False, "version": 0, "updated_at": None, "updated_by": None}
    return {**DEFAULTS, **stored, "configured": True}


def shown(programme: dict) -> dict:
    return {
        "name": programme["name"], "name_tr": programme.get("name_tr"), "beneficiary": programme.get("beneficiary"),
        "start_date": programme["start_date"], "end_date": programme["end_date"],
        "eu_share": money.as_number(money.dec(programme["eu_share"])),
        "national_share": money.as_number(money.dec(programme["national_share"])),
        "targets": {code: programme["targets"][code] for code in CODES if code in (programme.get("targets") or {})},
        "configured": programme["configured"], "version": programme["version"],
        "updated_at": programme.get("updated_at"), "updated_by": programme.get("updated_by"),
    }


def start_date(programme: dict) -> date:
    return date.fromisoformat(programme["start_date"])


def put(db, data: dict, precondition: Precondition | None, actor: str) -> dict:
    current = get(db)
    if precondition is not None:
        precondition.check(current["version"])
    try:
        money.check_shares(data["eu_share"], data["national_share"])
    except money.MoneyError as exc:
        raise Unprocessable(str(exc), {exc.field: [str(exc)]}) from None
    if data["end_date"] <= data["start_date"]:
        raise Unprocessable("the programme must end after it starts", {"end_date": ["must be after start_date"]})
    targets = {}
    for code, value in (data.get("targets") or {}).items():
        if code not in CODES:
            raise Unprocessable(f"unknown indicator {code!r}", {"targets": [f"unknown indicator {code!r}"]})
        targets[code] = money.as_number(money.dec(value)) if code == "FI.1" else int(value)
    document = {
        "_id": ID, "name": data["name"], "name_tr": data.get("name_tr") or data["name"],
        "beneficiary": data.get("beneficiary") or DEFAULTS["beneficiary"],
        "start_date": data["start_date"].isoformat(), "end_date": data["end_date"].isoformat(),
        "eu_share": str(money.dec(data["eu_share"]).normalize()),
        "national_share": str(money.dec(data["national_share"]).normalize()),
        "targets": targets, "version": current["version"] + 1,
        "updated_at": utc_now(), "updated_by": actor,
    }
    try:
        result = db[PROGRAMME].replace_one({"_id": ID, "version": current["version"]}, document,
                                           upsert=current["version"] == 0)
    except DuplicateKeyError:
        result = None
    if result is None or (result.matched_count == 0 and result.upserted_id is None):
        raise PreconditionFailed("the programme settings changed meanwhile; read them again")
    return get(db)
