"""MongoDB for one service: a pymongo client shared with mongoengine under the service's alias.

Create it inside the process that uses it: pymongo clients must not cross a fork.
"""

from __future__ import annotations

import mongoengine
from pymongo import MongoClient
from pymongo.database import Database

from .config import Settings


def connect(settings: Settings) -> tuple[MongoClient, Database]:
    alias = settings.service
    mongoengine.disconnect(alias)
    mongoengine.connect(
        alias=alias,
        db=settings.mongo_db,
        host=settings.mongo_uri,
        tz_aware=True,
        uuidRepresentation="standard",
        serverSelectionTimeoutMS=3000,
    )
    client = mongoengine.get_connection(alias)
    return client, client[settings.mongo_db]


def ping(client: MongoClient) -> tuple[bool, str]:
    try:
        client.admin.command("ping")
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return False, f"MongoDB unreachable: {exc.__class__.__name__}: {str(exc)[:200]}"
