"""Bytes checked against the SHA-256 recorded when they were uploaded, as they stream past."""

from __future__ import annotations

import hashlib
from typing import Iterable, Iterator


class EvidenceMismatch(Exception):
    """The bytes read are not the ones whose SHA-256 (and size) were recorded: a package must not carry them."""


def verified(chunks: Iterable[bytes], sha256: str, size: int | None = None) -> Iterator[bytes]:
    """`chunks` passed through; at their end EvidenceMismatch unless their SHA-256 (and size) are the recorded
    ones. A consumer that writes them somewhere discards what it wrote when this raises."""
    digest, read = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        read += len(chunk)
        yield chunk
    if digest.hexdigest() != sha256 or (size is not None and read != size):
        raise EvidenceMismatch(
            f"read {read} bytes with SHA-256 {digest.hexdigest()}, expected {size} bytes with SHA-256 {sha256}"
        )
