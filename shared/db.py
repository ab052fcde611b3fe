"""MongoDB for one service: a pymongo client shared with mongoengine under the service's alias.

Create it inside the process that uses it: pymongo clients must not cross a fork.

Durability lives here, once: every write of every process (API, relay's event log, consumers'
transactions) is acknowledged only after it is journaled on a majority (`w: majority, j: true`,
docs/reliability.md). A URI that names `w` or `journal` itself wins, so an operator (or the
durability benchmark's "before" run) can choose otherwise on purpose.
"""

from __future__ import annotations

import logging

import mongoengine
import pymongo
from pymongo import MongoClient
from pymongo.database import Database
from pymongo.uri_parser import parse_uri

from .config import Settings

log = logging.getLogger(__name__)

DURABLE = {"w": "majority", "journal": True}
# A dead or stalled server is noticed within these, so a request can answer 503 well inside 5 s
# (docs/reliability.md); the web's clients bound every operation as well (`operation_timeout_s`).
TIMEOUTS_MS = {"serverSelectionTimeoutMS": 2000, "connectTimeoutMS": 2000}
PING_TIMEOUT_S = 2.0


def write_concern_options(uri: str) -> dict:
    """DURABLE, except what the URI sets itself."""
    named = {name.lower() for name in parse_uri(uri).get("options", {})}
    return {name: value for name, value in DURABLE.items() if name.lower() not in named}


def connect(settings: Settings, operation_timeout_s: float | None = None) -> tuple[MongoClient, Database]:
    """The service's client; `operation_timeout_s` bounds each operation (pymongo's timeoutMS) for processes
    that answer people (the web), not for workers, whose change streams and batches run longer."""
    alias = settings.service
    bound = {"timeoutMS": int(operation_timeout_s * 1000)} if operation_timeout_s else {}
    mongoengine.disconnect(alias)
    mongoengine.connect(
        alias=alias,
        db=settings.mongo_db,
        host=settings.mongo_uri,
        tz_aware=True,
        uuidRepresentation="standard",
        **TIMEOUTS_MS,
        **write_concern_options(settings.mongo_uri),
        **bound,
    )
    client = mongoengine.get_connection(alias)
    return client, client[settings.mongo_db]


def ping(client: MongoClient) -> tuple[bool, str]:
    """(reachable, "ok" | "unreachable"): the reason with its address goes to the log, never to a client."""
    try:
        with pymongo.timeout(PING_TIMEOUT_S):
            client.admin.command("ping")
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        log.warning("MongoDB unreachable: %s: %s", exc.__class__.__name__, str(exc)[:300])
        return False, "unreachable"
