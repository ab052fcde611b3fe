"""A ZIP archive written as a stream of chunks: the standard library's zipfile over a sink it cannot seek,
so every entry is written once, front to back, with a data descriptor after it, and the caller sends each
chunk as soon as it is written. Memory stays at one chunk whatever the archive's size.

Deterministic: entries in the order given, one fixed timestamp, fixed permissions, stored (not deflated:
PDFs, JPEGs and PNGs are compressed already), so the same entries always make the same bytes.
"""
from __future__ import annotations

import io
import zipfile
from typing import Iterable, Iterator

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP can hold: says nothing, changes nothing


class _Sink(io.RawIOBase):
    """Collects what zipfile writes until the generator hands it on; tells the offset, refuses to seek."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._offset = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self._chunks.append(bytes(data))
        self._offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self._offset

    @property
    def pending(self) -> int:
        return sum(len(c) for c in self._chunks)

    def take(self) -> bytes:
        out, self._chunks = b"".join(self._chunks), []
        return out


def entry_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    info.create_system = 3  # Unix, whatever the server runs on
    return info


def stream_zip(entries: Iterable[tuple[str, Iterable[bytes]]]) -> Iterator[bytes]:
    """The archive of `(name, chunks)` entries, as chunks of bytes; each entry's chunks are read lazily."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", allowZip64=True) as archive:
        for name, chunks in entries:
            with archive.open(entry_info(name), mode="w", force_zip64=True) as target:
                for chunk in chunks:
                    target.write(chunk)
                    if sink.pending >= 256 * 1024:
                        yield sink.take()
            yield sink.take()
    yield sink.take()
