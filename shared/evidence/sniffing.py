"""The type of a file from its content, with puremagic (pure Python, maintained): a name says nothing, and an
executable named `report.pdf` is an executable."""

from __future__ import annotations

import puremagic

from .rules import CONTENT_TYPES

HEAD_BYTES = 8192  # what the signatures of PDF, JPEG and PNG need, with room for a PDF's leading junk

# Which of puremagic's answers stand for the accepted types: the MIME type where its table has one, else the
# extension (some JPEG variants are listed with an extension only).
_BY_EXTENSION = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def sniff(head: bytes) -> str | None:
    """The accepted content type `head` (a file's first bytes) begins, or None for anything else."""
    if not head:
        return None
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return None
    for match in matches:  # most confident first
        content_type = match.mime_type if match.mime_type in CONTENT_TYPES else _BY_EXTENSION.get(match.extension)
        if content_type is not None and _starts_as(head, content_type):
            return content_type
    return None


# The signature each accepted type must begin with: puremagic also matches signatures found further in (a
# footer, an embedded thumbnail), which must not make a file that starts as something else acceptable.
_LEADING = {"application/pdf": b"%PDF-", "image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}


def _starts_as(head: bytes, content_type: str) -> bool:
    return head.startswith(_LEADING[content_type])
