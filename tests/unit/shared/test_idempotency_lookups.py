"""Every lookup of an idempotency record goes through `by_key` (`_id.sub` + `_id.key`), never `{_id: {sub, key}}`,
which SecantusDB answers by scanning the whole collection (shared/adapters/idempotency.py)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from pymongo.errors import DuplicateKeyError

from shared.adapters.idempotency import KEY_FIELD, IdempotencyRecords, by_key
from shared.clock import utc_now


class RecordingCollection:
    """Answers like a collection holding one record, and keeps every filter it was given."""

    def __init__(self, record: dict | None):
        self.record, self.filters, self.indexes = record, [], []

    def create_index(self, keys, **options):
        self.indexes.append(keys)

    def insert_one(self, document, session=None):
        if self.record is not None:
            raise DuplicateKeyError("taken")

    def find_one(self, where):
        self.filters.append(where)
        return self.record

    def _matched(self, where, *_args, **_options):
        self.filters.append(where)
        return SimpleNamespace(matched_count=1)

    replace_one = update_one = delete_one = _matched


class NoSession:
    """A session whose transaction does nothing: these tests look at the filters only."""

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        return False

    def start_transaction(self):
        return self


def records_with(record: dict | None) -> tuple[IdempotencyRecords, RecordingCollection]:
    collection = RecordingCollection(record)
    return IdempotencyRecords({"idempotency_keys": collection}, start_session=NoSession), collection


def test_by_key_names_the_subject_and_the_key_and_keeps_the_guards():
    assert by_key("s", "k", token="t") == {"_id.sub": "s", "_id.key": "k", "token": "t"}


def test_the_key_field_is_indexed():
    records, collection = records_with(None)
    records.ensure_indexes()
    assert [(KEY_FIELD, 1)] in collection.indexes


def test_no_lookup_names_the_whole_id():
    now = utc_now()
    expired = {"fingerprint": "f", "state": "running", "token": "old", "expires_at": now - timedelta(seconds=1)}
    lease_over = {"fingerprint": "f", "state": "running", "token": "old", "expires_at": now + timedelta(hours=1),
                  "lease_until": now - timedelta(seconds=1)}
    seen = []
    for record in (expired, lease_over):
        records, collection = records_with(record)
        records.claim("s", "k", "f", now=now)
        records.complete("s", "k", "t", {"status": 201}, session=None)
        records.release("s", "k", "t")
        seen += collection.filters
    assert len(seen) >= 8
    assert all("_id" not in where and where["_id.key"] == "k" and where["_id.sub"] == "s" for where in seen)
