"""What a report's PDF says about itself: title, author, subject, language, and when it was made.

The PDF is rendered in reportlab's invariant mode (fixed object ids, no comments), so the same report is
the same bytes (its SHA-256 is recorded by others). Invariant mode also stamps every file as created on
2000-01-01 (reportlab's fixed epoch, `TimeStamp(invariant=1)`), which is what readers' "Properties" showed.
The creation date here is the report's own time instead: when it was submitted, or for a draft when its
figures were computed. Both are stored with the report, so the bytes stay a function of the report alone.
"""
from __future__ import annotations

from datetime import datetime

from reportlab.pdfgen.canvas import Canvas

from shared.clock import local

from ...domain import labels
from . import formats

CREATOR = "TVP reporting service (Thrace Productivity Platform)"


def report_moment(report: dict) -> datetime:
    """The time a reader should see as the document's creation: submission, else computation."""
    value = report.get("submitted_at") or report["content"]["computed_at"]
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return local(value)


def document_info(report: dict, lang: str) -> dict:
    """Keyword arguments of reportlab's document template: the PDF's Info dictionary and /Lang."""
    programme = report["content"]["programme"]
    name = programme["name"] if lang == "en" else (programme.get("name_tr") or programme["name"])
    title = f"{labels.text('report_title', lang)} — {report['period']} · {labels.value(report['kind'], lang)}"
    return {
        "title": title,
        "author": programme.get("beneficiary") or labels.text("platform", lang),
        "subject": f"{name} · {formats.day(report['from'], lang)} – {formats.day(report['to'], lang)}",
        "creator": CREATOR,
        "keywords": [report["period"], report["kind"], report["status"], f"sha256:{report['sha256']}"],
        "lang": formats.LANGUAGE_TAGS[lang],
    }


class _ReportTimeStamp:
    """The parts of reportlab's TimeStamp that its PDFDate reads, for a given moment (local wall time and offset)."""

    def __init__(self, moment: datetime):
        delta = moment.utcoffset()
        offset = int(delta.total_seconds() // 60) if delta else 0
        self.t = moment.timestamp()
        self.YMDhms = moment.timetuple()[:6]
        self.dhh, self.dmm = int(offset / 60), abs(offset) % 60
        self.tzname = moment.tzname() or "UTC"


def canvas_dated(moment: datetime) -> type[Canvas]:
    """A reportlab canvas class whose document is dated `moment` (CreationDate and ModDate) in invariant mode."""

    class DatedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _ReportTimeStamp(moment)
            # The file identifier is a digest of what went in; the moment makes two reports' ids differ.
            self._doc.updateSignature(moment.isoformat())

    return DatedCanvas
