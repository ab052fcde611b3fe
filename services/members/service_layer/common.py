"""Small helpers the members use cases share."""
from __future__ import annotations


def pick(document: dict, names: list[str]) -> dict:
    """An event payload: the named fields of a stored document (`id` is its `_id`)."""
    return {name: document.get("_id" if name == "id" else name) for name in names}
