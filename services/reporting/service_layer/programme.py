"""Programme settings: name, dates, co-financing shares and a target per indicator."""
from __future__ import annotations

from datetime import date

from shared.auth import Principal
from shared.clock import utc_now
from shared.errors import Unprocessable
from shared.messaging.outbox import Causation

from ..domain import money
from ..domain.indicators import CODES
from .commands import UpdateProgramme

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


def get(uow) -> dict:
    """The settings, or the defaults with `configured: false` and version 0 until they are first set."""
    stored = uow.programme.find(ID)
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


def update(uow, command: UpdateProgramme, principal: Principal, cause: Causation) -> dict:
    current = get(uow)
    if command.precondition is not None:
        command.precondition.check(current["version"])
    try:
        money.check_shares(command.eu_share, command.national_share)
    except money.MoneyError as exc:
        raise Unprocessable(str(exc), {exc.field: [str(exc)]}) from None
    if command.end_date <= command.start_date:
        raise Unprocessable("the programme must end after it starts", {"end_date": ["must be after start_date"]})
    targets = {}
    for code, value in (command.targets or {}).items():
        if code not in CODES:
            raise Unprocessable(f"unknown indicator {code!r}", {"targets": [f"unknown indicator {code!r}"]})
        targets[code] = money.as_number(money.dec(value)) if code == "FI.1" else int(value)
    document = {
        "_id": ID, "name": command.name, "name_tr": command.name_tr or command.name,
        "beneficiary": command.beneficiary or DEFAULTS["beneficiary"],
        "start_date": command.start_date.isoformat(), "end_date": command.end_date.isoformat(),
        "eu_share": str(money.dec(command.eu_share).normalize()),
        "national_share": str(money.dec(command.national_share).normalize()),
        "targets": targets, "version": current["version"] + 1,
        "updated_at": utc_now(), "updated_by": principal.subject,
    }
    # A lost race raises ConcurrencyConflict: the bus answers 412 when If-Match named the version, else reruns.
    uow.programme.replace(document, current["version"])
    return get(uow)
