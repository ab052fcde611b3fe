"""The correlation id of whatever this thread is doing: a request or a consumed event."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

_current: ContextVar[str | None] = ContextVar("tvp_correlation_id", default=None)


def new_correlation_id() -> str:
    return str(uuid.uuid4())


def get() -> str | None:
    return _current.get()


def set(value: str | None):  # noqa: A001 - mirrors ContextVar.set
    return _current.set(value)


def reset(token) -> None:
    _current.reset(token)
