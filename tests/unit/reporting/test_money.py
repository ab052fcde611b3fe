"""Currency conversion (TRY with the EUR rate used) and the co-financing shares."""
from __future__ import annotations

from decimal import Decimal

import pytest

from services.reporting.domain import money


def test_eur_is_kept_to_the_cent():
    assert money.to_eur("1234.5", "EUR") == Decimal("1234.50")
    assert money.to_eur(0.1 + 0.2, "EUR") == Decimal("0.30")  # a float goes through its short repr


def test_try_is_divided_by_the_rate_half_up():
    assert money.to_eur("250000", "TRY", "37.8512") == Decimal("6604.81")
    assert money.to_eur("1", "TRY", "200") == Decimal("0.01")       # 0.005 rounds up
    assert money.to_eur("0.99", "TRY", "200") == Decimal("0.00")    # 0.00495 rounds down


@pytest.mark.parametrize("currency, rate, field", [("TRY", None, "eur_rate"), ("EUR", "1", "eur_rate"),
                                                   ("TRY", "0", "eur_rate"), ("TRY", "-3", "eur_rate"),
                                                   ("USD", None, "currency")])
def test_wrong_currency_or_rate(currency, rate, field):
    with pytest.raises(money.MoneyError) as error:
        money.to_eur("100", currency, rate)
    assert error.value.field == field


def test_shares_split_the_total_exactly():
    eu, national = money.split("7839.31", 85)
    assert (eu, national) == (Decimal("6663.41"), Decimal("1175.90"))
    assert eu + national == Decimal("7839.31")
    for total in ("0.01", "0.03", "1.00", "999999.99", "12345.67"):
        for share in ("0", "33.33", "50", "87.5", "100"):
            eu, national = money.split(total, share)
            assert eu + national == Decimal(total) and eu >= 0 and national >= 0


@pytest.mark.parametrize("eu, national", [(85, 15), ("87.5", "12.5"), (100, 0), ("33.33", "66.67")])
def test_shares_adding_up_to_100(eu, national):
    money.check_shares(eu, national)


@pytest.mark.parametrize("eu, national, field", [(85, 10, "national_share"), (90, 15, "national_share"),
                                                 ("33.333", "66.667", "eu_share"), (-5, 105, "eu_share"),
                                                 (101, -1, "eu_share")])
def test_shares_not_adding_up_to_100(eu, national, field):
    with pytest.raises(money.MoneyError) as error:
        money.check_shares(eu, national)
    assert error.value.field == field


def test_numbers_for_json():
    assert money.as_number(Decimal("12.00")) == 12 and isinstance(money.as_number(Decimal("12.00")), int)
    assert money.as_number(Decimal("12.5")) == 12.5
    assert money.text(Decimal("3")) == "3.00"
    with pytest.raises(ValueError):
        money.dec("NaN")
