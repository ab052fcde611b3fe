"""Figures and dates of the report exports in each language (Babel): what a Turkish and an English reader see."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from services.reporting.service_layer.exports import formats


@pytest.mark.parametrize("lang, expected", [("tr", "1.234,56"), ("bi", "1.234,56"), ("en", "1,234.56")])
def test_numbers_group_and_separate_decimals_by_language(lang, expected):
    assert formats.number(1234.56, lang) == expected
    assert formats.number("1234.56", lang) == expected       # amounts are stored as decimal strings
    assert formats.number(Decimal("1234.56"), lang) == expected


def test_whole_numbers_have_no_decimals_unless_asked():
    assert (formats.number(6, "tr"), formats.number(6.0, "en"), formats.number(250000, "tr")) == ("6", "6", "250.000")
    assert formats.number(6, "tr", 2) == "6,00" and formats.number(37.8512, "en", 4) == "37.8512"
    assert formats.number(-1234.5, "tr") == "-1.234,50"


@pytest.mark.parametrize("lang, expected", [("tr", "105.000,00 EUR"), ("en", "105,000.00 EUR")])
def test_money_keeps_two_decimals_and_the_iso_code_after(lang, expected):
    assert formats.money(105000, lang) == expected
    assert formats.money("250000", lang, "TRY").endswith(" TRY")


@pytest.mark.parametrize("value, lang, expected", [(65, "tr", "%65,0"), (65, "en", "65.0%"), (3.1, "bi", "%3,1"),
                                                   (100, "tr", "%100,0"), (1234.5, "en", "1,234.5%")])
def test_percentages_put_the_sign_where_the_language_does(value, lang, expected):
    assert formats.percent(value, lang) == expected


def test_percent_rounds_to_the_decimals_asked():
    assert formats.percent(85, "tr", 0) == "%85" and formats.percent(78.76, "en", 0) == "79%"


@pytest.mark.parametrize("lang, expected", [("tr", "05.01.2026"), ("bi", "05.01.2026"), ("en", "5 Jan 2026")])
def test_calendar_dates(lang, expected):
    assert formats.day("2026-01-05", lang) == expected
    assert formats.day(date(2026, 1, 5), lang) == expected


def test_times_are_shown_in_the_platform_zone():
    # 21:30 UTC is 00:30 the next day in Istanbul: the date changes too.
    moment = datetime(2026, 11, 29, 21, 30, tzinfo=timezone.utc)
    assert formats.moment(moment, "tr") == "30.11.2026 00:30"
    assert formats.moment("2026-11-29T21:30:00+00:00", "en") == "30 Nov 2026 00:30"
    assert formats.day(moment, "tr") == "30.11.2026"


@pytest.mark.parametrize("helper", [formats.number, formats.money, formats.percent, formats.day, formats.moment])
def test_missing_values_show_a_dash(helper):
    assert helper(None, "tr") == "—" and helper("", "en") == "—"
