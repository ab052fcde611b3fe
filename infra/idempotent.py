"""Writes through the API that survive a crash of the server: one `Idempotency-Key` per logical write, retried
with the same key on what may be transient (connection errors, 503, the key's first request still in flight).

A retry with the same key is what makes the retry safe: the server answers the stored
response instead of writing again (contract, "Reliability (v2)"). Without the server
side a retry may still duplicate; the fault suite counts those by reading back.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Callable

import requests

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HEADER = "Idempotency-Key"


def new_key() -> str:
    return uuid.uuid4().hex


def in_flight(response: requests.Response) -> bool:
    """A 409 about the key (its first request is still running), not a conflict of the domain (a duplicate,
    an illegal transition), which a retry cannot change. The contract names the header in such errors."""
    if response.status_code != 409:
        return False
    try:
        return HEADER.lower() in response.text.lower()
    except ValueError:
        return False


@dataclass
class RetryPolicy:
    budget_s: float = 60.0          # a write given up after this long is reported as failed
    first_wait_s: float = 0.2
    max_wait_s: float = 2.0
    max_retry_after_s: float = 5.0  # a server's Retry-After is honoured up to this


@dataclass
class IdempotentSession:
    """`request()` like requests.Session's, with a key on every write and safe retries. `attempts` counts the
    retries of the last request (figures for the fault suite)."""

    session: requests.Session = field(default_factory=requests.Session)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    retries: int = 0

    def request(self, method: str, url: str, key: str | None = None, **kwargs) -> requests.Response:
        method = method.upper()
        headers = dict(kwargs.pop("headers", None) or {})
        if method in WRITES:
            headers[HEADER] = key or new_key()
        kwargs.setdefault("timeout", 10)
        deadline = self.clock() + self.policy.budget_s
        wait = self.policy.first_wait_s
        while True:
            try:
                response = self.session.request(method, url, headers=headers, **kwargs)
            except (requests.ConnectionError, requests.Timeout):
                # Connection refused or reset, or no answer in time: the write may or may not have happened;
                # the same key makes asking again harmless.
                if self.clock() + wait > deadline:
                    raise
                response = None
            if response is not None:
                if response.status_code == 503:
                    wait = max(wait, min(_retry_after(response), self.policy.max_retry_after_s))
                elif not in_flight(response):
                    return response
                if self.clock() + wait > deadline:
                    return response
            self.retries += 1
            self.sleep(wait)
            wait = min(wait * 2, self.policy.max_wait_s)


def _retry_after(response: requests.Response) -> float:
    try:
        return float(response.headers.get("Retry-After", 0))
    except ValueError:
        return 0.0
