"""What the three exports share: labelled rows of the report's content."""
from __future__ import annotations

from ...domain import labels
from ...domain.indicators import CODES
from . import formats


# The names the sections used before `formats` (Babel) existed, for sections written against them on other
# branches (the revisions' narrative and approval blocks); new code calls `formats` directly.
def fmt_number(value, lang: str, decimals: int | None = None) -> str:
    return formats.number(value, lang, decimals)


def fmt_percent(value, lang: str) -> str:
    return formats.percent(value, lang)


def fmt_time(moment, lang: str = "bi") -> str:
    return formats.moment(moment, lang)


def indicators(content: dict) -> list[dict]:
    by_code = {i["code"]: i for i in content["indicators"]}
    return [by_code[c] for c in CODES if c in by_code]


def breakdown_rows(indicator: dict, dimension: str, lang: str) -> list[tuple[str, str, float, float]]:
    """(raw key, label, period value, cumulative value) of one breakdown, the union of both, largest first."""
    period = indicator["breakdowns"].get(dimension) or {}
    cumulative = indicator["cumulative_breakdowns"].get(dimension) or {}
    keys = sorted(set(period) | set(cumulative), key=lambda k: (-(period.get(k) or 0), -(cumulative.get(k) or 0), k))
    return [(k, labels.value(k, lang), period.get(k, 0), cumulative.get(k, 0)) for k in keys]


def meeting_title(meeting: dict, lang: str) -> str:
    if meeting.get("numbered_title"):
        numbered = {"en": meeting["numbered_title"],
                    "tr": meeting.get("numbered_title_tr") or meeting["numbered_title"]}
        title = numbered["tr"] + " / " + numbered["en"] if lang == "bi" else numbered[lang]
        return title
    return meeting.get("title") or ""


def quorum_text(meeting: dict, lang: str) -> str:
    quorum = meeting.get("quorum")
    if not quorum:
        return "—"
    word = labels.text("quorum_met" if quorum.get("met") else "quorum_not_met", lang)
    return f"{quorum.get('present')}/{quorum.get('seated')} {word}"


def period_text(report: dict, lang: str) -> str:
    period = report["content"]["period"]
    return f"{period['label']} ({formats.day(period['from'], lang)} – {formats.day(period['to'], lang)})"


def funding_statement(content: dict, lang: str) -> list[str]:
    statement = content.get("funding_statement") or labels.FUNDING_STATEMENT
    if lang == "bi":
        return [statement["tr"], statement["en"]]
    return [statement[lang]]
