"""Money: exact decimals, EUR conversion with the rate used, and the co-financing split.

Amounts are kept as decimal strings with two places (never floats). A TRY
amount is converted with `eur_rate` = TRY per 1 EUR (the InforEuro convention):
EUR = TRY / rate, rounded half-up to the cent. The EU share of a total is
rounded half-up to the cent and the national share is the rest, so the two
always add up to the total exactly.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
CURRENCIES = ("EUR", "TRY")
BUDGET_LINES = ("human_resources", "travel", "equipment", "services", "visibility", "other")


class MoneyError(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def dec(value) -> Decimal:
    """A Decimal from a Decimal, int, str or float (a float through its shortest repr, not its binary value)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{value!r} is not a number") from None
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


def cents(value) -> Decimal:
    return dec(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_eur(amount, currency: str, eur_rate=None) -> Decimal:
    amount = dec(amount)
    if currency == "EUR":
        if eur_rate is not None:
            raise MoneyError("eur_rate is only given for TRY amounts", "eur_rate")
        return cents(amount)
    if currency == "TRY":
        if eur_rate is None:
            raise MoneyError("a TRY amount needs eur_rate (TRY per 1 EUR)", "eur_rate")
        rate = dec(eur_rate)
        if rate <= 0:
            raise MoneyError("eur_rate must be positive", "eur_rate")
        return cents(amount / rate)
    raise MoneyError(f"currency must be one of {', '.join(CURRENCIES)}", "currency")


def split(total, eu_share_pct) -> tuple[Decimal, Decimal]:
    """(EU part, national part) of a EUR total for the EU co-financing percentage."""
    total = cents(total)
    eu = cents(total * dec(eu_share_pct) / HUNDRED)
    return eu, total - eu


def check_shares(eu_share, national_share) -> None:
    eu, national = dec(eu_share), dec(national_share)
    for name, value in (("eu_share", eu), ("national_share", national)):
        if value < 0 or value > HUNDRED:
            raise MoneyError(f"{name} must lie between 0 and 100", name)
        if value != value.quantize(CENT):
            raise MoneyError(f"{name} has at most two decimals", name)
    if eu + national != HUNDRED:
        raise MoneyError(f"the co-financing shares must add up to 100 (they add up to {eu + national})",
                         "national_share")


def as_number(value: Decimal) -> float | int:
    """For JSON and spreadsheets: a whole number as int, else a float of the cents."""
    value = cents(value)
    return int(value) if value == value.to_integral_value() else float(value)


def text(value: Decimal) -> str:
    return f"{cents(value):.2f}"
