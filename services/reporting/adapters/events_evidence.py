"""The bytes of a meeting's evidence file, from the events service that keeps them.

Reporting knows a meeting's evidence from its `meeting.evidence_added` events (kind, name, type, size, SHA-256),
never from the events' database; a package that includes a file fetches it from
`GET /api/v1/evidence/{evidence_id}` of the events service, streamed, with the bearer token of the person who
asked for the package (events' access table lets programme officers and auditors read evidence), and checks it
against the event's SHA-256 (shared/evidence/integrity.py).
"""
from __future__ import annotations

import os
from typing import Iterator

import requests

from shared.config import SERVICE_PORTS

CHUNK_BYTES = 256 * 1024
TIMEOUT_S = (5, 60)  # connect, and between two reads of the body


class EvidenceUnavailable(Exception):
    """The events service did not hand the file over (down, 404, 403)."""


def events_url() -> str:
    """Where the events service answers: TVP_EVENTS_URL, else the port of the embedded stack."""
    return os.environ.get("TVP_EVENTS_URL") or f"http://127.0.0.1:{SERVICE_PORTS['events']}"


class EventsEvidence:
    """Opens meetings' evidence files over HTTP as the caller (its `Authorization` header)."""

    def __init__(self, authorization: str, base_url: str | None = None):
        self.authorization = authorization
        self.base_url = (base_url or events_url()).rstrip("/")

    def chunks(self, evidence_id: str) -> Iterator[bytes]:
        url = f"{self.base_url}/api/v1/evidence/{evidence_id}"
        try:
            with requests.get(url, headers={"Authorization": self.authorization}, stream=True,
                              timeout=TIMEOUT_S) as response:
                if response.status_code != 200:
                    raise EvidenceUnavailable(f"GET {url} answered {response.status_code}")
                yield from response.iter_content(CHUNK_BYTES)
        except requests.RequestException as exc:
            raise EvidenceUnavailable(f"GET {url} failed: {exc}") from exc
