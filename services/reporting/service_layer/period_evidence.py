"""The evidence files of a report's period, as the package needs them: name, size, SHA-256 and a way to read
the bytes in chunks.

Reporting's evidence service (`evidence.evidence_of_period`, built on its own branch) is the source; until it
is merged a period has no evidence. `SOURCE` is what the package calls, so a test can put a fake source in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from ..domain.periods import Period

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class EvidenceFile:
    id: str
    filename: str
    size: int
    sha256: str
    kind: str
    content_type: str
    chunks: Callable[[], Iterable[bytes]]  # the bytes, read lazily


def _no_evidence(uow, period: Period) -> list:
    return []


def _source() -> Callable[[Any, Period], Iterable[Any]]:
    try:
        from .evidence import evidence_of_period  # type: ignore[attr-defined]
    except ImportError:  # the evidence branch is not merged yet
        return _no_evidence
    return evidence_of_period


SOURCE: Callable[[Any, Period], Iterable[Any]] = _source()


def _field(entry: Any, name: str, default: Any = None) -> Any:
    return entry.get(name, default) if isinstance(entry, dict) else getattr(entry, name, default)


def _reader(entry: Any) -> Callable[[], Iterable[bytes]]:
    """The entry's bytes in chunks, whether it opens a file object or hands out chunks itself."""
    opener = _field(entry, "open") or _field(entry, "chunks")

    def chunks() -> Iterator[bytes]:
        opened = opener()
        if hasattr(opened, "read"):
            with opened:
                while block := opened.read(CHUNK):
                    yield block
        else:
            yield from opened
    return chunks


def safe_name(name: str) -> str:
    """A file name that every unzip tool accepts: no folders, no control or shell-hostile characters."""
    base = re.sub(r"[^\w.\-]+", "_", (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip("._")
    return base[:100] or "file"


def evidence_files(uow, period: Period) -> list[EvidenceFile]:
    """The period's evidence in a fixed order (by id), whatever order the source gives."""
    found = [EvidenceFile(id=str(_field(e, "id") or _field(e, "_id")), filename=safe_name(_field(e, "filename")),
                          size=int(_field(e, "size")), sha256=str(_field(e, "sha256")),
                          kind=str(_field(e, "kind") or "other"),
                          content_type=str(_field(e, "content_type") or "application/octet-stream"),
                          chunks=_reader(e))
             for e in SOURCE(uow, period)]
    return sorted(found, key=lambda f: f.id)
