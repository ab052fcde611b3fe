"""In-memory stand-ins for MongoDB and Kafka, enough for the runtime's unit tests."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field


class FakeCollection:
    def __init__(self):
        self.docs: dict = {}

    def find(self, query, projection=None, session=None):
        ids = query["_id"]["$in"]
        return [self.docs[i] for i in ids if i in self.docs]

    def insert_many(self, docs, session=None):
        for doc in docs:
            if doc["_id"] in self.docs:
                raise KeyError(f"duplicate {doc['_id']}")
        for doc in docs:
            session.pending.append((self, doc)) if session else self.docs.__setitem__(doc["_id"], doc)


class FakeDatabase(dict):
    def __missing__(self, name):
        self[name] = FakeCollection()
        return self[name]


@dataclass
class FakeSession:
    pending: list = field(default_factory=list)

    def with_transaction(self, callback):
        self.pending.clear()
        callback(self)  # an exception aborts: nothing pending is applied
        for collection, doc in self.pending:
            collection.docs[doc["_id"]] = doc


class FakeClient:
    @contextmanager
    def start_session(self):
        yield FakeSession()


@dataclass
class FakeRecord:
    value: bytes
    topic: str = "tvp.members.organisations"
    partition: int = 0
    offset: int = 0
    key: bytes = b"k"
    headers: list = field(default_factory=list)


class FakeDeadLetter:
    def __init__(self):
        self.records = []

    def __call__(self, record, error):
        self.records.append((record, error))
