"""A report's package: its PDF, its XLSX, the evidence files of its period and `manifest.json`, one ZIP.

The manifest names every other file with its size and SHA-256, and the report (id, revision, the SHA-256 of
its content and of the version it corrects). Submitting a report freezes its package: the PDF and XLSX are
rendered once and stored (report_files), the manifest is built and stored, and the report's `sha256` becomes
the SHA-256 of `manifest.json`, so one hash covers every byte of the package. A draft's package is built
from the draft as it is now.

The ZIP is streamed (zip_stream.py): the files are read in chunks as the archive is sent, never held whole.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Iterable, Iterator

from shared.clock import local_iso
from shared.errors import Conflict
from shared.ids import new_id

from ..domain.periods import parse_period
from . import evidence, exports
from .zip_stream import stream_zip

FORMAT = "tvp.reporting.package.v1"
LANG = "bi"  # the package's PDF and XLSX: Turkish with English alongside, as the programme reads them
MANIFEST = "manifest.json"
EVIDENCE_FOLDER = "evidence"


@dataclass(frozen=True)
class Part:
    name: str
    size: int
    sha256: str
    content_type: str
    chunks: Callable[[], Iterable[bytes]]
    evidence_id: str | None = None

    def listed(self) -> dict:
        entry = {"name": self.name, "size": self.size, "sha256": self.sha256, "content_type": self.content_type}
        return entry | ({"evidence_id": self.evidence_id} if self.evidence_id else {})


@dataclass(frozen=True)
class Rendered:
    """A draft's PDF and XLSX as they will be frozen: rendered from `draft_version` as submitted `at`; `key`
    names this submission attempt's files."""
    draft_version: int
    at: datetime
    files: list  # (name, bytes, content type)
    key: str = field(default_factory=new_id)


def file_id(report: dict, name: str) -> str:
    """Where a frozen file of a report is stored (report_files): under the key of the submission that froze
    it, which the report records in the same write as its status (`package_key`)."""
    return f"{report['_id']}/{report['package_key']}/{name}"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _in_memory(name: str, data: bytes, content_type: str) -> Part:
    return Part(name, len(data), digest(data), content_type, lambda: [data])


def rendered(report: dict) -> list[tuple[str, bytes, str]]:
    """The PDF and XLSX of the report as it is now: (name, bytes, content type)."""
    out = []
    for fmt in ("pdf", "xlsx"):
        body, name = exports.render(report, fmt, LANG)
        out.append((name, body, exports.CONTENT_TYPES[fmt]))
    return out


def safe_name(name: str) -> str:
    """A file name every unzip tool accepts: no folders, no control or shell-hostile characters."""
    base = re.sub(r"[^\w.\-]+", "_", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip("._")
    return base[:100] or "file"


def _evidence_parts(uow, report: dict, meeting_files: evidence.MeetingFiles | None) -> list[Part]:
    """The period's evidence (meetings' files, then expenditures', each in upload order), numbered so that two
    files of the same name stay two files; each read as the package is sent and checked against its SHA-256."""
    entries = evidence.evidence_of_period(uow, parse_period(report["period"]), meeting_files)
    return [Part(f"{EVIDENCE_FOLDER}/{n:03d}_{safe_name(e.filename)}", e.size, e.sha256, e.content_type, e.open, e.id)
            for n, e in enumerate(entries, start=1)]


def manifest(report: dict, parts: list[Part]) -> dict:
    """What the package holds and which report it is; nothing that changes between two builds of it."""
    approval = report.get("approval") or {}
    return {
        "format": FORMAT,
        "report_id": report["_id"], "period": report["period"], "kind": report["kind"],
        "status": report["status"],
        "revision": report.get("revision", 1), "revision_of": report.get("revision_of"),
        "previous_sha256": report.get("previous_sha256"), "reason": report.get("reason"),
        "content_sha256": report.get("content_sha256") or report["sha256"],
        "submitted_at": local_iso(report.get("submitted_at")), "submitted_by": approval.get("submitted_by"),
        "files": [part.listed() for part in parts],
    }


def encode(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def freeze(uow, report: dict, files: list[tuple[str, bytes, str]]) -> str:
    """Store the rendered files of a report being submitted (`report` as it will be once submitted) and its
    manifest; the manifest's SHA-256, which becomes the report's."""
    parts = []
    for name, body, content_type in files:
        uow.report_files.put(file_id(report, name), name, body, content_type)
        parts.append(_in_memory(name, body, content_type))
    listed = encode(manifest(report, parts + _evidence_parts(uow, report, None)))
    uow.report_files.put(file_id(report, MANIFEST), MANIFEST, listed, "application/json")
    return digest(listed)


def frozen_manifest(uow, report: dict) -> bytes:
    return uow.report_files.read(file_id(report, MANIFEST))


def _frozen_parts(uow, report: dict, listed: dict, meeting_files) -> list[Part]:
    """The files a submitted report's manifest lists: its stored PDF and XLSX, its period's evidence by id."""
    found = {part.evidence_id: part for part in _evidence_parts(uow, report, meeting_files)}
    parts = []
    for entry in listed["files"]:
        if entry.get("evidence_id"):
            current = found.get(entry["evidence_id"])
            if current is None or current.sha256 != entry["sha256"]:
                raise Conflict(f"evidence file {entry['evidence_id']} of this report's package is no longer "
                               "stored as it was at submission")
            parts.append(replace(current, name=entry["name"]))
        else:
            stored = file_id(report, entry["name"])
            parts.append(Part(entry["name"], entry["size"], entry["sha256"], entry["content_type"],
                              lambda stored=stored: uow.report_files.chunks(stored)))
    return parts


def package(uow, report: dict, meeting_files: evidence.MeetingFiles | None = None) -> tuple[str, Iterator[bytes]]:
    """The package's file name and its bytes, streamed: manifest.json first, then the files it lists.
    `meeting_files` opens the meetings' evidence (kept by the events service)."""
    if report["status"] == "submitted" and report.get("package_key"):
        listed_bytes = frozen_manifest(uow, report)
        parts = _frozen_parts(uow, report, json.loads(listed_bytes), meeting_files)
    else:  # a draft, or a report submitted before packages were frozen (its content is, and its PDF with it)
        parts = [_in_memory(*file) for file in rendered(report)] + _evidence_parts(uow, report, meeting_files)
        listed_bytes = encode(manifest(report, parts))
    entries = [(MANIFEST, [listed_bytes])] + [(part.name, part.chunks()) for part in parts]
    period = report["period"].replace("/", "_")
    name = f"tvp-report-{period}-{report['kind']}-r{report.get('revision', 1)}.zip"
    return name, stream_zip(entries)


def export(uow, report: dict, fmt: str, lang: str) -> tuple[bytes, str]:
    """An export of the report: the very bytes its package froze where there are some (a submitted report's
    PDF and XLSX in the package's language), else rendered from the stored content."""
    if report["status"] == "submitted" and report.get("package_key") and lang == LANG and fmt in ("pdf", "xlsx"):
        name = exports.filename(report, fmt, lang)
        stored = file_id(report, name)
        if uow.report_files.exists(stored):
            return uow.report_files.read(stored), name
    return exports.render(report, fmt, lang)
