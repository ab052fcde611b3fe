"""Evidence files: the type by content, the size limit, names, the check of the bytes, and no evidence on any
public topic."""
from __future__ import annotations

import hashlib
import io

import mongomock
import mongomock.gridfs
import pytest

from shared.contracts import REGISTRY
from shared.errors import Unprocessable
from shared.evidence.integrity import EvidenceMismatch, verified
from shared.evidence.sniffing import sniff
from shared.evidence.store import TooLarge, UnsupportedType
from shared.evidence.uploads import clean_filename

from ...support.evidence_files import EXECUTABLE, JPEG, PDF, PNG


@pytest.mark.parametrize("content, expected", [
    (PDF, "application/pdf"), (JPEG, "image/jpeg"), (PNG, "image/png"),
    (EXECUTABLE, None),  # whatever its name says
    (b"%!PS-Adobe-3.0\n", None),
    (b"GIF89a" + b"\x00" * 20, None),
    (b"PK\x03\x04" + b"\x00" * 40, None),  # a ZIP (an .xlsx, a .docx)
    (b"<html><body>%PDF-1.4</body></html>", None),  # a PDF signature further in is not a PDF
    (b"", None),
    (b"\x00" * 64, None),
])
def test_the_type_is_read_from_the_content(content, expected):
    assert sniff(content) == expected


@pytest.mark.parametrize("name, cleaned", [
    ("İmza listesi.pdf", "İmza listesi.pdf"),
    ("C:\\Users\\ayse\\Desktop\\fatura.pdf", "fatura.pdf"),
    ("../../etc/passwd", "passwd"),
    ("tab\there\x00.pdf", "tabhere.pdf"),
    ("\u202egnp.exe", "gnp.exe"),  # a right-to-left override would disguise the extension
    ("", "evidence"),
    (None, "evidence"),
    (".hidden", "hidden"),
])
def test_file_names_lose_folders_and_control_characters(name, cleaned):
    assert clean_filename(name) == cleaned


def test_a_long_name_keeps_its_extension():
    cleaned = clean_filename("a" * 400 + ".pdf")
    assert len(cleaned) == 255 and cleaned.endswith(".pdf")


def test_bytes_are_checked_against_the_recorded_hash_as_they_pass():
    digest = hashlib.sha256(b"abcdef").hexdigest()
    assert b"".join(verified([b"abc", b"def"], digest, 6)) == b"abcdef"
    with pytest.raises(EvidenceMismatch):
        b"".join(verified([b"abc", b"deX"], digest, 6))
    with pytest.raises(EvidenceMismatch):
        b"".join(verified([b"abc", b"def"], digest, 7))


class _Stream(io.BytesIO):
    """Counts how much was read: the store must give up as soon as the limit is passed."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.largest_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.largest_read = max(self.largest_read, len(chunk))
        return chunk


@pytest.fixture
def files():
    from shared.evidence.store import EvidenceFiles

    mongomock.gridfs.enable_gridfs_integration()
    db = mongomock.MongoClient()["evidence_test"]
    return EvidenceFiles(db, outbox=None)


def store(files, stream, limit=1024 * 1024):
    return files.store(stream, filename="x.pdf", kind="invoice", owner_type="expenditure", owner_id="e-1",
                       uploaded_by="officer", limit=limit)


def test_the_limit_is_enforced_on_the_bytes_read_and_nothing_stays(files):
    stream = _Stream(PDF + b"0" * (3 * 1024 * 1024))
    with pytest.raises(TooLarge):
        store(files, stream)
    assert files.counts() == (0, 0)
    assert stream.tell() < 2 * 1024 * 1024  # stopped soon after the limit, never read whole
    assert stream.largest_read <= 255 * 1024


def test_exactly_the_limit_is_stored_one_byte_more_is_not(files):
    limit = 600 * 1024
    assert store(files, _Stream(PDF + b"0" * (limit - len(PDF))), limit=limit)["size"] == limit
    with pytest.raises(TooLarge):
        store(files, _Stream(PDF + b"0" * (limit + 1 - len(PDF))), limit=limit)
    assert files.counts()[0] == 1


def test_a_stored_file_has_its_hash_size_and_sniffed_type(files):
    content = PNG + b"\x01" * (600 * 1024)
    stored = store(files, _Stream(content))
    assert stored["sha256"] == hashlib.sha256(content).hexdigest() and stored["size"] == len(content)
    assert stored["content_type"] == "image/png"
    assert b"".join(files.chunks(stored["id"])) == content
    assert files.counts()[0] == 1


def test_refusals_before_anything_is_written(files):
    with pytest.raises(Unprocessable):
        store(files, _Stream(b""))
    with pytest.raises(UnsupportedType):
        store(files, _Stream(EXECUTABLE))
    assert files.counts() == (0, 0)


# A report's own SHA-256 is public (report.published); a file's name, type or evidence list never is.
EVIDENCE_WORDS = ("evidence", "filename", "content_type", "file")


def test_no_public_payload_can_carry_evidence():
    """Public topics (tvp.public.*) are read by other chambers: evidence is never part of their payloads. The
    builders' output is validated against these schemas (REGISTRY.build, unknown fields refused), so a field
    that is not declared here cannot ride along."""
    for spec in REGISTRY:
        if not spec.public:
            continue
        fields = _field_names(spec.schema())
        assert not [name for name in fields if any(word in name for word in EVIDENCE_WORDS)], spec.type


def _field_names(schema) -> list[str]:
    names = []
    for name, field in schema.fields.items():
        names.append(name)
        nested = getattr(field, "nested", None) or getattr(getattr(field, "inner", None), "nested", None)
        if nested is not None:
            names += _field_names(nested() if isinstance(nested, type) else nested)
    return names


def _fingerprint_of(content: bytes, kind: str = "invoice", filename: str = "fatura.pdf") -> str:
    from flask import Flask

    from shared.web.idempotency import _request_fingerprint

    app = Flask(__name__)
    data = {"kind": kind, "file": (io.BytesIO(content), filename)}
    with app.test_request_context("/api/v1/expenditures/e-1/evidence", method="POST", data=data,
                                  content_type="multipart/form-data"):
        first = _request_fingerprint()
        from flask import request

        assert request.files["file"].stream.read() == content  # the part is read again from its start
        return first


def test_an_uploads_idempotency_fingerprint_is_its_fields_and_its_files_hash():
    assert _fingerprint_of(PDF) == _fingerprint_of(PDF)
    assert _fingerprint_of(PDF) != _fingerprint_of(PDF + b" ")
    assert _fingerprint_of(PDF) != _fingerprint_of(PDF, kind="other")
    assert _fingerprint_of(PDF) != _fingerprint_of(PDF, filename="other.pdf")
