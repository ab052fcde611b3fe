"""The embedded SecantusDB keeps a short oplog: its memory grows with the oplog until the cap (docs/operations.md,
"The soak"), so the cap is what bounds it. A private SecantusDB, started as `tvp up` and the fixtures start it."""
from __future__ import annotations

import pytest
from pymongo import MongoClient

from infra import embedded

# SecantusDB prunes its oplog every 1,000 entries written, so it may run up to that far past its cap.
PRUNE_EVERY = 1_000


@pytest.fixture
def private_mongo(tmp_path):
    port = embedded.free_port()
    process = embedded.embedded_mongo(port, tmp_path / "db", tmp_path / "log").start()
    embedded.wait_for_mongo(process, port)
    client = MongoClient(embedded.mongo_uri(port))
    yield client
    client.close()
    process.stop()


def test_the_oplog_is_pruned_at_the_embedded_cap(private_mongo):
    written = embedded.OPLOG_MAX_ENTRIES + 3 * PRUNE_EVERY
    collection = private_mongo.footprint.entries
    for start in range(0, written, 2_000):
        collection.insert_many([{"n": n} for n in range(start, min(start + 2_000, written))])

    assert collection.count_documents({}) == written
    kept = private_mongo.local["oplog.rs"].estimated_document_count()
    assert embedded.OPLOG_MAX_ENTRIES <= kept <= embedded.OPLOG_MAX_ENTRIES + PRUNE_EVERY

