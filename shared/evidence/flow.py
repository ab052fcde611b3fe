"""Storing an upload, then attaching it to its owner: if attaching refuses (the owner changed meanwhile, a
lost race, a database error), the stored file is deleted again, so a refusal leaves nothing behind."""

from __future__ import annotations

from typing import Any, Callable

from .store import EvidenceFiles
from .uploads import Upload


def store_then_attach(
    files: EvidenceFiles,
    upload: Upload,
    *,
    owner_type: str,
    owner_id: str,
    uploaded_by: str | None,
    attach: Callable[[dict], Any],
) -> dict:
    """Store `upload` for its owner, then `attach(stored)`; the stored file as the API shows it."""
    stored = files.store(
        upload.stream,
        filename=upload.filename,
        kind=upload.kind,
        owner_type=owner_type,
        owner_id=owner_id,
        uploaded_by=uploaded_by,
    )
    try:
        attach(stored)
    except BaseException:
        files.delete(stored["id"])
        raise
    return stored
