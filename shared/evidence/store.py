"""Evidence files in GridFS (`fs.files`, `fs.chunks`) of the owning service's database.

A file is written as it is read, one GridFS chunk at a time: the SHA-256 and the size are computed on the way,
the limit is enforced on the bytes actually read (not on what the client announced), and a refusal part-way
(too large, the upload cut off) aborts the GridFS file, which deletes the chunks written so far. Nothing of a
file is ever held whole in memory.

The file document carries what the API shows: `filename`, `length`, `sha256` and, in `metadata`, the `kind`,
the `content_type` found by sniffing, the owner (`owner_type`, `owner_id`: a meeting, an expenditure) and who
uploaded it when. Files are written outside the request's transaction (a 20 MiB write does not belong in one);
the caller deletes the file again when what follows the upload refuses it (shared/evidence/flow.py).
"""

from __future__ import annotations

import hashlib
from typing import IO, Any, ClassVar, Iterator

import gridfs
from pymongo import ASCENDING
from pymongo.database import Database

from ..adapters.repository import MongoRepository, Page, page_of
from ..clock import utc_now
from ..errors import DomainError, NotFound, Unprocessable
from ..ids import new_id
from .rules import CONTENT_TYPES, MAX_BYTES
from .sniffing import HEAD_BYTES, sniff

CHUNK_BYTES = 255 * 1024  # GridFS's default chunk size: one read, one hash update, one chunk written
FILES = "fs.files"
CHUNKS = "fs.chunks"


class TooLarge(DomainError):
    status = 413


class UnsupportedType(DomainError):
    status = 415


def _read_head(stream: IO[bytes]) -> bytes:
    """The first HEAD_BYTES of the stream (fewer only at its end): a read may return less than asked."""
    head = b""
    while len(head) < HEAD_BYTES:
        more = stream.read(HEAD_BYTES - len(head))
        if not more:
            break
        head += more
    return head


def shown(document: dict) -> dict:
    """A stored file as the API shows it (EvidenceSchema)."""
    metadata = document.get("metadata") or {}
    return {
        "id": document["_id"],
        "filename": document.get("filename"),
        "content_type": metadata.get("content_type"),
        "size": document.get("length"),
        "sha256": document.get("sha256"),
        "kind": metadata.get("kind"),
        "owner_type": metadata.get("owner_type"),
        "owner_id": metadata.get("owner_id"),
        "uploaded_by": metadata.get("uploaded_by"),
        "uploaded_at": metadata.get("uploaded_at"),
    }


class EvidenceFiles(MongoRepository):
    """The service's evidence files; handed out by its unit of work as `uow.evidence`."""

    collection = FILES
    noun = "evidence file"
    hidden: ClassVar[dict[str, int]] = {}

    @property
    def bucket(self) -> gridfs.GridFSBucket:
        return gridfs.GridFSBucket(self.db, chunk_size_bytes=CHUNK_BYTES)

    # -- writes ----------------------------------------------------------------------------
    def store(
        self,
        stream: IO[bytes],
        *,
        filename: str,
        kind: str,
        owner_type: str,
        owner_id: str,
        uploaded_by: str | None,
        limit: int = MAX_BYTES,
    ) -> dict:
        """Write the stream as a new file; 422 if empty, 415 unless PDF/JPEG/PNG by content, 413 past `limit`.
        Nothing stays stored when it refuses."""
        head = _read_head(stream)
        if not head:
            raise Unprocessable("the file is empty", {"file": ["empty"]})
        content_type = sniff(head)
        if content_type not in CONTENT_TYPES:
            raise UnsupportedType(
                "only PDF, JPEG and PNG files are accepted (recognised by their content, not their name)",
                {"file": ["not a PDF, JPEG or PNG file"]},
            )
        file_id = new_id()
        metadata = {
            "kind": kind,
            "content_type": content_type,
            "owner_type": owner_type,
            "owner_id": owner_id,
            "uploaded_by": uploaded_by,
            "uploaded_at": utc_now(),
        }
        digest, size = hashlib.sha256(), 0
        upload = self.bucket.open_upload_stream_with_id(file_id, filename, metadata=metadata)
        try:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"the file is larger than {limit // (1024 * 1024)} MiB", {"file": ["too large"]})
                digest.update(chunk)
                upload.write(chunk)
                chunk = stream.read(CHUNK_BYTES)
            upload.sha256 = digest.hexdigest()  # an extra field of the file document, written on close
            upload.close()
        except BaseException:
            upload.abort()  # deletes the chunks written so far
            raise
        # Read back outside the request's transaction, which began before the file was written.
        written = self.documents.find_one({"_id": file_id})
        assert written is not None  # closed above: the file document exists
        return shown(written)

    def delete(self, file_id: str) -> None:
        """The file and its chunks (an upload refused after it was written)."""
        try:
            self.bucket.delete(file_id)
        except gridfs.errors.NoFile:
            pass

    # -- reads -----------------------------------------------------------------------------
    def get(self, file_id: str, projection: dict | None = None) -> dict:
        found = self.documents.find_one({"_id": file_id}, session=self.session)
        if found is None or not (found.get("metadata") or {}).get("owner_id"):
            raise NotFound(f"no evidence file {file_id}")
        return shown(found)

    def of_owners(self, owner_type: str, owner_ids: list[str]) -> list[dict]:
        """The files of the owners, oldest first."""
        if not owner_ids:
            return []
        cursor = self.documents.find(
            {"metadata.owner_type": owner_type, "metadata.owner_id": {"$in": list(owner_ids)}}, session=self.session
        ).sort([("metadata.uploaded_at", ASCENDING), ("_id", ASCENDING)])
        return [shown(document) for document in cursor]

    def page_of_owner(self, owner_type: str, owner_id: str, page: int, page_size: int) -> Page:
        """One page of an owner's files, oldest first, as the API shows them."""
        found = page_of(
            self.documents,
            {"metadata.owner_type": owner_type, "metadata.owner_id": owner_id},
            None,
            [("metadata.uploaded_at", ASCENDING), ("_id", ASCENDING)],
            page,
            page_size,
            self.session,
        )
        return found | {"items": [shown(document) for document in found["items"]]}

    def chunks(self, file_id: str) -> Iterator[bytes]:
        """The file's bytes, one chunk at a time."""
        with self.bucket.open_download_stream(file_id) as download:
            while True:
                chunk = download.readchunk()
                if not chunk:
                    return
                yield chunk

    def counts(self) -> tuple[int, int]:
        """How many file documents and chunks are stored (what a refusal must leave unchanged)."""
        return (
            self.db[FILES].count_documents({}, session=self.session),
            self.db[CHUNKS].count_documents({}, session=self.session),
        )


def ensure_evidence_indexes(db: Database, session: Any = None) -> None:
    db[FILES].create_index(
        [("metadata.owner_type", ASCENDING), ("metadata.owner_id", ASCENDING), ("metadata.uploaded_at", ASCENDING)],
        name="evidence_by_owner",
    )
