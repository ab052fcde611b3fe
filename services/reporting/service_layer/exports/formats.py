"""Numbers, money, percentages and dates of the exports in the reader's language (Babel, CLDR data).

Turkish reads `1.234,56`, `%65,0`, `105.000,00 EUR`, `29.11.2026`; English (en-GB) `1,234.56`, `65.0%`,
`105,000.00 EUR`, `29 Nov 2026`. A bilingual export (`bi`) is a Turkish document with English alongside, so
its figures follow Turkish. Tables, chart axes, bar labels and legends all format through here, so a figure
reads the same wherever it appears. Money carries the ISO code after the amount, as the console's pages do
(services/console/formats.py), because `€` before or after depends on the locale and EUR does not.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import NumberPattern, parse_pattern

from shared.clock import local

LOCALES = {"tr": "tr_TR", "en": "en_GB", "bi": "tr_TR"}
# The PDF's /Lang (BCP 47) of each export language.
LANGUAGE_TAGS = {"tr": "tr-TR", "en": "en-GB", "bi": "tr-TR"}
# Turkish writes days with two digits (`05.01.2026`; CLDR's short pattern would give `5.01.2026`);
# English spells the month, which no reader can take for the American order.
DATE_PATTERNS = {"tr_TR": "dd.MM.y", "en_GB": "d MMM y"}
TIME_PATTERN = "HH:mm"
MISSING = "—"


@lru_cache(maxsize=8)
def locale_of(lang: str) -> Locale:
    return Locale.parse(LOCALES.get(lang, "tr_TR"))


@lru_cache(maxsize=64)
def _pattern(pattern_text: str, decimals: int) -> NumberPattern:
    # A report formats hundreds of figures with a handful of patterns: parse each once.
    pattern = parse_pattern(pattern_text)
    pattern.frac_prec = (decimals, decimals)
    return pattern


def _apply(pattern_text: str, value, lang: str, decimals: int) -> str:
    return _pattern(pattern_text, decimals).apply(Decimal(str(value)), locale_of(lang))


def number(value, lang: str, decimals: int | None = None) -> str:
    """`1.234,56` / `1,234.56`; whole numbers without decimals unless `decimals` says otherwise."""
    if value is None or value == "":
        return MISSING
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 2
    return _apply(locale_of(lang).decimal_formats[None].pattern, value, lang, decimals)


def money(value, lang: str, currency: str = "EUR") -> str:
    """`105.000,00 EUR`: always two decimals, the ISO code after."""
    if value is None or value == "":
        return MISSING
    return f"{number(value, lang, 2)} {currency}"


def percent(value, lang: str, decimals: int = 1) -> str:
    """A value already in percent (65 for 65 %): `%65,0` / `65.0%`, the sign where the language puts it."""
    if value is None or value == "":
        return MISSING
    fraction = Decimal(str(value)) / 100
    return _apply(locale_of(lang).percent_formats[None].pattern, fraction, lang, decimals)


def day(value, lang: str) -> str:
    """A calendar date (`2026-11-29` or a date): `29.11.2026` / `29 Nov 2026`."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = local(value).date()
    return format_date(value, DATE_PATTERNS[LOCALES.get(lang, "tr_TR")], locale=locale_of(lang))


def moment(value, lang: str) -> str:
    """A stored time or an ISO string, in the platform zone to the minute: `29.11.2026 14:05`."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    shown = local(value)
    time_text = format_datetime(shown, TIME_PATTERN, locale=locale_of(lang))
    return f"{day(shown.date(), lang)} {time_text}"
