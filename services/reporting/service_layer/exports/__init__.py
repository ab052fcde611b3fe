"""Exports of a report's frozen content: XLSX (native charts), CSV and PDF (charts), in Turkish and/or English.

Every export is rendered from the stored content only, so a submitted report
exports the same figures forever; the PDF (reportlab's invariant mode, dated by
the report) and the XLSX (dated by the report) are byte-identical too. Figures
and dates are written in the reader's language by `formats` (Babel).
"""
from __future__ import annotations

from shared.errors import Unprocessable

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "pdf": "application/pdf",
}


def filename(report: dict, fmt: str, lang: str) -> str:
    period = report["period"].replace("/", "_")
    return f"tvp-report-{period}-{report['kind']}-{lang}.{fmt}"


def render(report: dict, fmt: str, lang: str = "bi") -> tuple[bytes, str]:
    if fmt == "xlsx":
        from .xlsx import render_xlsx as render_one
    elif fmt == "csv":
        from .csv_export import render_csv as render_one
    elif fmt == "pdf":
        from .pdf import render_pdf as render_one
    else:
        raise Unprocessable(f"unknown export format {fmt!r}: xlsx, csv or pdf", {"format": ["xlsx, csv or pdf"]})
    # The PDF and XLSX print the SHA-256 of the content: a submitted report's own `sha256` is that of its
    # package's manifest, which lists these very files, so it cannot be printed in them. The CSV, in no
    # package, gives the report's.
    shown = report if fmt == "csv" else report | {"sha256": report.get("content_sha256") or report["sha256"]}
    return render_one(shown, lang), filename(report, fmt, lang)
