"""The rebuild of reporting's projections as a command (`tvp rebuild`): the only way in for tools outside
the service, so that they never reach into its service layer or adapters."""
from __future__ import annotations

import re
from typing import Callable

from pymongo import MongoClient

from ..adapters.documents import STATE, STATE_ID
from ..service_layer.rebuild import rebuild

_REPLAYED = re.compile(r"^\s*(\d+) events replayed")


def rebuild_projections(mongo_uri: str, database: str, say: Callable[[str], None] | None = None,
                        progress: Callable[[int, int], None] | None = None) -> dict:
    """Rebuild from the journal; `say` gets the rebuild's messages, `progress` (events done, events in the journal).

    Raises pymongo's errors as they come: the caller decides how to show them."""
    client = MongoClient(mongo_uri, serverSelectionTimeoutMS=3000)
    try:
        db = client[database]
        total = (db[STATE].find_one({"_id": STATE_ID}) or {}).get("seq", 0)

        def relay(text: str) -> None:
            # rebuild() reports in words; the numbers of its "N events replayed" lines drive the progress bar.
            done = _REPLAYED.match(text)
            if done and progress:
                progress(int(done.group(1)), total)
            elif say:
                say(text)
        result = rebuild(client, db, progress=relay)
        if progress:
            progress(result["events"], max(total, result["events"]))
        return result
    finally:
        client.close()
