"""`/health`: each service's readiness and runtime figures, for the platform admin; what is stuck and where
to look (the dashboard's health panel links here)."""

from __future__ import annotations

import json

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from shared.messaging.topics import dead_letter_topic

from ..adapters.api import ApiError
from ..adapters.health import service_figures
from ..config import API_SERVICES
from ..web import NavEntry, console, gather, requires_role

blp = Blueprint("health", __name__)
ROLES = ("platform_admin",)
NAV = [NavEntry("health.index", _l("Platform health"), roles=ROLES)]


def _readiness(client, service: str) -> dict:
    """The service's /readyz body (200 or 503 both carry the checks)."""
    try:
        return json.loads(client.operations_text(service, "/readyz")) | {"ready": True}
    except ApiError as error:
        return {"ready": False, "message": error.detail or error.title}
    except ValueError:
        return {"ready": False, "message": "not JSON"}


@blp.get("/health")
@requires_role(*ROLES)
def index():
    client, jobs = console().api, {}
    for service in API_SERVICES:
        jobs[f"ready:{service}"] = lambda service=service: _readiness(client, service)
        jobs[f"figures:{service}"] = lambda service=service: service_figures(client, service)
    results = gather(jobs)
    services = [
        {"name": service, "ready": results[f"ready:{service}"], "figures": results[f"figures:{service}"],
         "dead_letter_topic": dead_letter_topic(service), "url": console().settings.api_urls[service]}
        for service in API_SERVICES
    ]
    return render_template("health/index.html", services=services)
