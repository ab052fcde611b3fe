"""Small files for the evidence tests: real signatures of each accepted type, and impostors."""
from __future__ import annotations

import io

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 200
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 200 + b"\xff\xd9"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 400  # a Windows executable


def form(content: bytes, filename: str = "imza-listesi.pdf", kind: str | None = "attendance_sheet") -> dict:
    """A multipart body for the Flask test client."""
    data: dict = {"file": (io.BytesIO(content), filename)}
    if kind is not None:
        data["kind"] = kind
    return data


def big_pdf(size: int) -> bytes:
    """A PDF-looking file of `size` bytes."""
    return PDF + b"0" * (size - len(PDF))
