"""Recording and reading expenditures against the fakes."""
from datetime import date
from decimal import Decimal

import pytest

from services.reporting.service_layer import expenditures
from services.reporting.service_layer.commands import RecordExpenditure
from shared.auth import Principal
from shared.errors import NotFound, Unprocessable
from shared.messaging.outbox import Causation

from .fakes import fake_uow

ADMIN = Principal("admin-1", "platform_admin")
CAUSE = Causation("corr-1")


def _command(**changes) -> RecordExpenditure:
    fields = dict(date=date(2026, 7, 1), budget_line="services", amount=Decimal("1200.50"), currency="EUR",
                  description="Venue")
    return RecordExpenditure(**{**fields, **changes})


def test_an_eur_expenditure_is_stored_as_given():
    uow = fake_uow()
    stored = expenditures.record(uow, _command(), ADMIN, CAUSE)
    assert (stored["amount"], stored["amount_eur"], stored["eur_rate"], stored["created_by"]) == (
        "1200.50", "1200.50", None, "admin-1")
    assert expenditures.get(uow, stored["_id"])["description"] == "Venue"
    assert uow.events == []


def test_a_try_expenditure_is_converted_at_the_rate_given():
    stored = expenditures.record(fake_uow(), _command(amount=Decimal("3500"), currency="TRY",
                                                      eur_rate=Decimal("35")), ADMIN, CAUSE)
    assert (stored["amount_eur"], stored["eur_rate"]) == ("100.00", "35")


def test_refusals_are_422():
    uow = fake_uow()
    with pytest.raises(Unprocessable) as unknown:
        expenditures.record(uow, _command(meeting_id="m-unknown"), ADMIN, CAUSE)
    assert list(unknown.value.errors) == ["meeting_id"]
    with pytest.raises(Unprocessable) as tiny:
        expenditures.record(uow, _command(amount=Decimal("0.10"), currency="TRY", eur_rate=Decimal("35")), ADMIN,
                            CAUSE)
    assert list(tiny.value.errors) == ["amount"]
    assert uow.expenditures.docs == {}


def test_a_meeting_known_to_the_projection_may_be_named():
    uow = fake_uow()
    uow.projections.active().save_meetings({"m1": {"_id": "m1", "day": "2026-07-01", "status": "held"}})
    assert expenditures.record(uow, _command(meeting_id="m1"), ADMIN, CAUSE)["meeting_id"] == "m1"


def test_reads_list_filter_and_404():
    uow = fake_uow()
    for day, line in ((date(2026, 3, 1), "services"), (date(2026, 7, 1), "travel"), (date(2026, 8, 1), "services")):
        expenditures.record(uow, _command(date=day, budget_line=line), ADMIN, CAUSE)
    page = expenditures.listing(uow, {"from": date(2026, 6, 1), "to": None, "budget_line": "services",
                                      "page": 1, "page_size": 10})
    assert page["total"] == 1 and page["items"][0]["date"] == "2026-08-01"
    assert [e["date"] for e in expenditures.in_range(uow, date(2026, 1, 1), date(2026, 7, 31))] == [
        "2026-03-01", "2026-07-01"]
    with pytest.raises(NotFound):
        expenditures.get(uow, "nope")
