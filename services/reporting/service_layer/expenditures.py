"""Eligible expenditure, in EUR or in TRY with the EUR rate used."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.clock import utc_now
from shared.errors import NotFound, Unprocessable
from shared.ids import new_id
from shared.web.schemas import find_page

from ..adapters.documents import EXPENDITURES, active_generation
from ..domain import money


def create(db, data: dict, actor: str) -> dict:
    try:
        amount_eur = money.to_eur(data["amount"], data["currency"], data.get("eur_rate"))
    except money.MoneyError as exc:
        raise Unprocessable(str(exc), {exc.field: [str(exc)]}) from None
    if amount_eur <= 0:
        raise Unprocessable("the amount is less than one euro cent in EUR", {"amount": ["too small"]})
    meeting_id = data.get("meeting_id")
    if meeting_id is not None:
        if active_generation(db).meetings.count_documents({"_id": meeting_id}, limit=1) == 0:
            raise Unprocessable(f"meeting {meeting_id} is not known to the reporting service",
                                {"meeting_id": ["unknown meeting"]})
    document = {
        "_id": new_id(), "date": data["date"].isoformat(), "budget_line": data["budget_line"],
        "amount": money.text(data["amount"]), "currency": data["currency"],
        "eur_rate": None if data.get("eur_rate") is None else str(money.dec(data["eur_rate"]).normalize()),
        "amount_eur": money.text(amount_eur), "description": data["description"], "meeting_id": meeting_id,
        "created_at": utc_now(), "created_by": actor,
    }
    db[EXPENDITURES].insert_one(document)
    return document


def get(db, expenditure_id: str) -> dict:
    found = db[EXPENDITURES].find_one({"_id": expenditure_id})
    if found is None:
        raise NotFound(f"no expenditure {expenditure_id}")
    return found


def listing(db, query: dict) -> dict:
    criteria: dict = {}
    if query.get("from") or query.get("to"):
        criteria["date"] = {}
        if query.get("from"):
            criteria["date"]["$gte"] = query["from"].isoformat()
        if query.get("to"):
            criteria["date"]["$lte"] = query["to"].isoformat()
    if query.get("budget_line"):
        criteria["budget_line"] = query["budget_line"]
    if query.get("meeting_id"):
        criteria["meeting_id"] = query["meeting_id"]
    return find_page(db[EXPENDITURES], criteria, None, [("date", 1), ("_id", 1)], query["page"], query["page_size"])


def in_range(db, start: date, end: date) -> list[dict]:
    return list(db[EXPENDITURES].find({"date": {"$gte": start.isoformat(), "$lte": end.isoformat()}})
                .sort([("date", 1), ("_id", 1)]))


def totals(items: list[dict], eu_share) -> dict:
    by_line: dict[str, Decimal] = {}
    for item in items:
        by_line[item["budget_line"]] = by_line.get(item["budget_line"], Decimal(0)) + Decimal(item["amount_eur"])
    total = sum(by_line.values(), Decimal(0))
    eu, national = money.split(total, eu_share)
    return {"total": total, "eu": eu, "national": national,
            "by_line": {line: by_line[line] for line in money.BUDGET_LINES if line in by_line}}


def as_numbers(summary: dict) -> dict:
    return {"total": money.as_number(summary["total"]), "eu": money.as_number(summary["eu"]),
            "national": money.as_number(summary["national"]),
            "by_line": {k: money.as_number(v) for k, v in summary["by_line"].items()}}
