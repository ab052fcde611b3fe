"""Reading an aggregate's outbox in tests: its own events apart from the public views written with them."""
from __future__ import annotations

from shared.contracts import REGISTRY


def internal(outbox: list[dict]) -> list[dict]:
    """The aggregate's events (aggregateversion 1, 2, 3 …), without the tvp.public.* views."""
    return [e for e in outbox if not REGISTRY.spec(e["type"]).public]


def public(outbox: list[dict]) -> list[dict]:
    """The public views (shared/contracts/public.py) written with the aggregate's changes."""
    return [e for e in outbox if REGISTRY.spec(e["type"]).public]
