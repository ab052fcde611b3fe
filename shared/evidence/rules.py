"""What an evidence file may be: its kind, its type (by content) and its size."""

from __future__ import annotations

from ..contracts.events import EVIDENCE_CONTENT_TYPES, EVIDENCE_KINDS

KINDS = tuple(EVIDENCE_KINDS)  # the contract's list: the meetings' event carries the kind
CONTENT_TYPES = tuple(EVIDENCE_CONTENT_TYPES)
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
MAX_BYTES = 20 * 1024 * 1024  # 20 MiB of file (the contract)
# What the multipart framing, the `kind` field and the headers of the part may add to the body around the file;
# a body larger than MAX_BYTES + this is refused from its Content-Length before anything is read.
MULTIPART_OVERHEAD = 64 * 1024
MAX_FILENAME = 255
