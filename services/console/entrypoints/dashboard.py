"""`/`: the dashboard. Members by kind and province, upcoming meetings, indicator progress against targets
and, for the platform admin, the platform's health.

Every panel is one API answer, fetched at once with the others. A panel whose API answers 403 is left
out (the role may not see it); one whose API fails otherwise says so, and the rest of the page stands.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from shared.config import PLATFORM_ZONE

from .. import charts
from ..adapters.api import ApiError
from ..config import API_SERVICES
from ..labels import label
from ..web import NavEntry, api, console, gather, page_language, requires_role, role_in

blp = Blueprint("dashboard", __name__)
NAV = [NavEntry("dashboard.index", _l("Dashboard"))]
UPCOMING = 5
PROVINCES_IN_CHART = 10
HEALTH_ROLES = ("platform_admin",)


@blp.get("/")
def index():
    now = datetime.now(PLATFORM_ZONE)
    caller = api()
    jobs = {
        "indicators": lambda: caller.get("reporting", "/api/v1/indicators", params={"period": str(now.year)}),
        "meetings": lambda: caller.get("events", "/api/v1/meetings", params={
            "from": now.isoformat(timespec="seconds"), "status": "scheduled", "page_size": UPCOMING}),
    }
    show_health = role_in(*HEALTH_ROLES)
    if show_health:
        jobs.update(_health_jobs())
    results = gather(jobs)
    indicators = results["indicators"]
    context = {
        "now": now,
        "indicators": _indicator_panels(indicators),
        "indicators_error": _failure(indicators),
        "meetings": None if isinstance(results["meetings"], ApiError) else results["meetings"].data,
        "meetings_error": _failure(results["meetings"]),
        "health": [results[f"health:{service}"] for service in API_SERVICES] if show_health else None,
    }
    return render_template("dashboard/index.html", **context)


@blp.get("/dashboard/health")
@requires_role(*HEALTH_ROLES)
def health_panel():
    """The health panel alone: what htmx swaps in every 30 s."""
    results = gather(_health_jobs())
    return render_template("dashboard/_health.html", health=[results[f"health:{service}"] for service in API_SERVICES])


def _health_jobs() -> dict:
    figures = console().figures
    return {f"health:{service}": (lambda service=service: figures(service)) for service in API_SERVICES}


def _failure(result) -> ApiError | None:
    """The error to show in a panel; a 403 shows nothing (the panel is left out) and so is no failure."""
    return result if isinstance(result, ApiError) and result.status != 403 else None


def _indicator_panels(result) -> dict | None:
    if isinstance(result, ApiError):
        return None
    body = result.data
    by_code = {indicator["code"]: indicator for indicator in body["indicators"]}
    turkish = page_language() == "tr"
    members = by_code.get("OI.1") or {"breakdowns": {}, "value": 0}
    kinds = [(label("organisation_kind", kind), value)
             for kind, value in (members["breakdowns"].get("kind") or {}).items()]
    provinces = list((members["breakdowns"].get("province") or {}).items())
    progress = [
        (indicator["code"], indicator["name_tr"] if turkish else indicator["name"], indicator["cumulative"],
         indicator["target"])
        for indicator in body["indicators"] if indicator.get("target")
    ]
    return {
        "period": body["period"],
        "members_total": members["value"],
        "by_kind": charts.bar_chart(kinds),
        "kinds": sorted(kinds, key=lambda item: (-item[1], item[0])),
        "by_province": charts.bar_chart(provinces, limit=PROVINCES_IN_CHART),
        "provinces": sorted(provinces, key=lambda item: (-item[1], item[0])),
        "progress": charts.progress_chart(progress),
        "unit": {indicator["code"]: indicator["unit_tr"] if turkish else indicator["unit"]
                 for indicator in body["indicators"]},
    }
