"""The multipart upload of an evidence file, as the views receive it.

werkzeug parses the form as it reads the body and spools a file part larger than 500 KB to a temporary file,
so the part is never held whole in memory; the request's body limit for these routes is the file limit plus
the framing (shared/web/limits.py, `max_body_bytes` on the view class), and the store enforces the file limit
on the bytes it reads.
"""

from __future__ import annotations

import posixpath
import unicodedata
from dataclasses import dataclass
from typing import IO

from werkzeug.datastructures import FileStorage

from ..errors import Unprocessable
from .rules import MAX_BYTES, MAX_FILENAME, MULTIPART_OVERHEAD

# What the view class of an upload route declares (class attribute), read by shared/web/limits.py.
UPLOAD_BODY_BYTES = MAX_BYTES + MULTIPART_OVERHEAD


@dataclass(frozen=True)
class Upload:
    stream: IO[bytes]
    filename: str
    kind: str


def clean_filename(name: str | None) -> str:
    """The client's file name without its folders and control characters, at most 255 characters; the
    Turkish letters stay (a name is what people recognise their file by)."""
    base = posixpath.basename((name or "").replace("\\", "/"))
    base = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Zl", "Zp")).strip()
    base = base.lstrip(".") or "evidence"
    if len(base) > MAX_FILENAME:
        stem, dot, extension = base.rpartition(".")
        keep = extension[:16] if dot else ""
        base = (stem if dot else base)[: MAX_FILENAME - len(keep) - 1] + ("." + keep if keep else "")
    return base


def upload_of(form: dict) -> Upload:
    """The parsed form (EvidenceUploadSchema): the `file` part (a werkzeug FileStorage) and the `kind`."""
    storage = form["file"]
    if not isinstance(storage, FileStorage):
        raise Unprocessable("`file` must be a file part of the multipart form", {"file": ["not a file"]})
    stream = storage.stream
    if hasattr(stream, "seek"):
        stream.seek(0)  # a rerun of the view (a lost race of its transaction) reads the part from its start
    return Upload(stream=stream, filename=clean_filename(storage.filename), kind=form["kind"])
