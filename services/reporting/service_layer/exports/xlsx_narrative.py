"""The XLSX's narrative sheet: the revision note, the four sections in the export's language(s) and the
approval block, as the PDF prints them (pdf_narrative.py). A report without narrative text has no such sheet.
Kept apart from xlsx.py, which lays out the figures."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ...domain import narrative
from . import common

TITLE_FONT = Font(bold=True, size=14, color="003399")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _languages(lang: str) -> list[str]:
    return ["tr", "en"] if lang == "bi" else [lang]


def narrative_sheet(wb: Workbook, report: dict, lang: str) -> None:
    sections = narrative.complete(report.get("narrative"))
    if narrative.is_empty(sections):
        return
    ws = wb.create_sheet(narrative.heading("narrative", lang).replace("/", "-")[:31])
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 100
    ws["A1"] = narrative.heading("narrative", lang)
    ws["A1"].font = TITLE_FONT
    row = 3
    if (report.get("revision") or 1) > 1:
        ws.cell(row=row, column=1, value=f"{narrative.heading('revision', lang)} {report['revision']}").font = BOLD
        ws.cell(row=row, column=2, value=narrative.heading("corrects", _languages(lang)[-1]).format(
            previous=report["revision"] - 1, sha=(report.get("previous_sha256") or "")[:16],
            at=common.fmt_time(report.get("previous_submitted_at")) or "—")).alignment = WRAP
        ws.cell(row=row + 1, column=1, value=narrative.heading("reason", lang)).font = BOLD
        ws.cell(row=row + 1, column=2, value=report.get("reason") or "").alignment = WRAP
        row += 3
    for name in narrative.SECTIONS:
        for code in _languages(lang):
            ws.cell(row=row, column=1, value=narrative.heading(name, code)).font = BOLD
            ws.cell(row=row, column=2, value=sections[name][code]).alignment = WRAP
            row += 1
    approval = report.get("approval")
    if approval:
        row += 1
        ws.cell(row=row, column=1, value=narrative.heading("approval", lang)).font = TITLE_FONT
        for key, value in (("submitted_by", approval.get("submitted_by")),
                           ("role", narrative.role_name(approval.get("role"), lang)),
                           ("submitted_at", common.fmt_time(report.get("submitted_at")))):
            row += 1
            ws.cell(row=row, column=1, value=narrative.heading(key, lang)).font = BOLD
            ws.cell(row=row, column=2, value=value)
