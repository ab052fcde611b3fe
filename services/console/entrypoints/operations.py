"""`/healthz` and `/readyz`, as every service of the platform answers them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests
from flask import Blueprint, jsonify

from shared.db import ping

from ..config import SERVICE
from ..web import console, public

blp = Blueprint("operations", __name__)
NAV: list = []
HEALTH_TIMEOUT_S = 2.0


@blp.get("/healthz")
@public
def healthz():
    return jsonify(status="alive", service=SERVICE)


def _service_alive(url: str) -> tuple[bool, str]:
    try:
        response = requests.get(f"{url}/healthz", timeout=HEALTH_TIMEOUT_S)
    except requests.RequestException:
        return False, "unreachable"
    return (True, "ok") if response.status_code == 200 else (False, f"answered {response.status_code}")


@blp.get("/readyz")
@public
def readyz():
    """Ready when its own database answers and the three services are alive: without them no page works."""
    urls = console().settings.api_urls
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        answers = dict(zip(urls, pool.map(_service_alive, urls.values()), strict=True))
    mongo_ok, mongo_detail = ping(console().client)
    checks = {"mongodb": mongo_detail, **{name: detail for name, (_, detail) in answers.items()}}
    failing = ([] if mongo_ok else ["mongodb"]) + [name for name, (ok, _) in answers.items() if not ok]
    if not failing:
        return jsonify(status="ready", checks=checks)
    body = {"code": 503, "status": "Service Unavailable",
            "message": f"not ready: {' and '.join(failing)} unreachable", "failing": failing, "checks": checks}
    return jsonify(body), 503
