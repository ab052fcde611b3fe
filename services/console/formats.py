"""Dates, times and numbers in the page's language (Babel's formatters, through flask-babel), for templates.

Every figure and date on a page goes through one of these, never through str() or strftime(): Turkish
pages read `1.234,5` and `29 Kas 2026`, English ones `1,234.5` and `29 Nov 2026`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_percent as babel_percent
from flask_babel import format_date, format_datetime, format_decimal, format_number, format_percent, get_locale


def parse_when(value):
    """An API's ISO 8601 text as a date or datetime; anything else unchanged."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value
    return value


def when(value, format: str = "medium") -> str:  # noqa: A002 - Babel's own name for it
    value = parse_when(value)
    if isinstance(value, datetime):
        return format_datetime(value, format)
    if isinstance(value, date):
        return format_date(value, format)
    return "" if value is None else str(value)


def day(value, format: str = "medium") -> str:  # noqa: A002
    value = parse_when(value)
    if isinstance(value, datetime):
        return format_date(value, format)
    return when(value, format)


def number(value) -> str:
    if value is None or value == "":
        return ""
    return format_number(value) if isinstance(value, int) else format_decimal(value)


def percent(value, keep_decimals: bool = False) -> str:
    """A fraction (0.65) as a percentage in the page's language (`%65` in Turkish). `keep_decimals`: as many
    decimals as the value has (0.005 is `%0,5`, not `%1`), for figures the API already rounded."""
    if value is None:
        return ""
    if keep_decimals:
        # Rounded first: 11.7 / 100 is 0.11699999999999999 in binary, which would print every digit.
        return babel_percent(round(value, 6), locale=get_locale(), decimal_quantization=False)
    return format_percent(value)


def money(value) -> str:
    """An amount with its two decimals, always (`1.355,90` in Turkish, `1,355.90` in English); the API sends
    amounts as decimal strings or numbers."""
    if value is None or value == "":
        return ""
    return format_decimal(Decimal(str(value)), format="#,##0.00")


TEMPLATE_FILTERS = {"when": when, "day": day, "number": number, "percent": percent, "money": money}
TEMPLATE_GLOBALS: dict = {}
