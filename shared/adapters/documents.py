"""What every service's mongoengine documents share: the aggregate and read-model bases, and index creation.

The documents declare each collection's fields and indexes (the one source of both);
writes go through the repositories with pymongo, because an aggregate's change and its
outbox must be one document write (and mongoengine 0.29 has no transactions).
"""

from __future__ import annotations

from mongoengine import BooleanField, DictField, Document, IntField, ListField, StringField
from pymongo.database import Database


class AggregateDocument(Document):
    """What an event-sourced aggregate stores besides its own fields: its version and its outbox."""

    version = IntField(default=0)
    outbox = ListField(DictField())
    outbox_pending = BooleanField()

    meta = {"abstract": True, "strict": False}


class ReadModelDocument(Document):
    """A view of another service's aggregate, kept at the version of its latest event (apply_if_newer)."""

    id = StringField(primary_key=True)
    version = IntField(default=0)
    last_event_id = StringField()

    meta = {"abstract": True, "strict": False}


def create_declared_indexes(db: Database, document: type[Document], collection: str | None = None) -> None:
    """The indexes `document` declares, created in `db` under `collection` (default: its own).

    Not mongoengine's `ensure_indexes`: that one works on the connection registered under
    the document's alias, whereas this takes the database it is given (a worker's, a test's,
    `tvp rebuild`'s own client) and a collection name (reporting keeps projection generations
    under `<name>_r<n>`)."""
    target = db[collection or document._get_collection_name()]
    for spec in document._meta.get("index_specs", []):
        options = {name: value for name, value in spec.items() if name != "fields"}
        target.create_index(spec["fields"], **options)
