"""Eligible expenditure, in EUR or in TRY with the EUR rate used."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.auth import Principal
from shared.clock import utc_now
from shared.errors import Unprocessable
from shared.ids import new_id
from shared.messaging.outbox import Causation

from ..domain import money
from .commands import RecordExpenditure

ORDER = [("date", 1), ("_id", 1)]
# The list's `sort` values; the id last keeps pages stable between equal dates.
SORTS = {"date": ORDER, "-date": [("date", -1), ("_id", 1)]}


def record(uow, command: RecordExpenditure, principal: Principal, cause: Causation) -> dict:
    try:
        amount_eur = money.to_eur(command.amount, command.currency, command.eur_rate)
    except money.MoneyError as exc:
        raise Unprocessable(str(exc), {exc.field: [str(exc)]}) from None
    if amount_eur <= 0:
        raise Unprocessable("the amount is less than one euro cent in EUR", {"amount": ["too small"]})
    meeting_id = command.meeting_id
    if meeting_id is not None:
        if not uow.projections.active().meeting_known(meeting_id):
            raise Unprocessable(f"meeting {meeting_id} is not known to the reporting service",
                                {"meeting_id": ["unknown meeting"]})
    document = {
        "_id": new_id(), "date": command.date.isoformat(), "budget_line": command.budget_line,
        "amount": money.text(command.amount), "currency": command.currency,
        "eur_rate": None if command.eur_rate is None else str(money.dec(command.eur_rate).normalize()),
        "amount_eur": money.text(amount_eur), "description": command.description, "meeting_id": meeting_id,
        "created_at": utc_now(), "created_by": principal.subject,
    }
    uow.expenditures.insert(document)
    return document


# -- reads ------------------------------------------------------------------------------

def get(uow, expenditure_id: str) -> dict:
    return uow.expenditures.get(expenditure_id)


def listing(uow, query: dict) -> dict:
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
    order = SORTS[query.get("sort") or "date"]
    return uow.expenditures.page(criteria, order, query["page"], query["page_size"])


def in_range(uow, start: date, end: date) -> list[dict]:
    return uow.expenditures.between(start.isoformat(), end.isoformat())


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
