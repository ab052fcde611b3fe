"""Small helpers the members use cases share."""
from __future__ import annotations

from pymongo.errors import DuplicateKeyError


def pick(document: dict, names: list[str]) -> dict:
    """An event payload: the named fields of a stored document (`id` is its `_id`)."""
    return {name: document.get("_id" if name == "id" else name) for name in names}


def broke_index(exc: DuplicateKeyError, index_name: str) -> bool:
    """Whether a duplicate-key error comes from the unique index `index_name`."""
    details = exc.details or {}
    return index_name in str(details.get("errmsg") or exc)
