"""The PDF's words around the figures: the note of a revision (which version it corrects and why) under the
title, the narrative sections, and the approval block (who submitted the report, as what, when).

Kept apart from pdf.py, which lays out the figures: pdf.py calls these three and places what they return.
`st` is pdf.Styles.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from shared.pdf_fonts import printable

from ...domain import narrative
from . import common

NOTE_INK = colors.HexColor("#7C2D12")
NOTE_BACK = colors.HexColor("#FFF7ED")
NOTE_RULE = colors.HexColor("#EA580C")
RULE = colors.HexColor("#D1D5DB")
MUTED = "#6B7280"


def _p(text: str, style, secondary: str | None = None) -> Paragraph:
    """A paragraph of plain text (line breaks kept), with a second language below in grey when given."""
    html = escape(printable(text)).replace("\n", "<br/>")
    if secondary:
        html += f'<br/><font color="{MUTED}">{escape(printable(secondary)).replace(chr(10), "<br/>")}</font>'
    return Paragraph(html, style)


def _languages(lang: str) -> list[str]:
    return ["tr", "en"] if lang == "bi" else [lang]


def revision_note(report: dict, lang: str, st) -> list:
    """For a revision: a boxed note under the title saying which version it corrects, and why."""
    if (report.get("revision") or 1) < 2:
        return []
    previous = report.get("revision") - 1
    lines = []
    for code in _languages(lang):
        corrects = narrative.heading("corrects", code).format(
            previous=previous, sha=(report.get("previous_sha256") or "")[:16],
            at=common.fmt_time(report.get("previous_submitted_at")) or "—")
        lines.append(_p(f"{narrative.heading('revision', code)} {report['revision']} · {corrects}", st.cell_bold))
    lines.append(_p(f"{narrative.heading('reason', lang)}: {report.get('reason') or '—'}", st.cell))
    box = Table([[lines]], colWidths=[174 * mm], hAlign="LEFT")
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, NOTE_RULE), ("BACKGROUND", (0, 0), (-1, -1), NOTE_BACK),
                             ("TEXTCOLOR", (0, 0), (-1, -1), NOTE_INK), ("TOPPADDING", (0, 0), (-1, -1), 4),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 4), ("LEFTPADDING", (0, 0), (-1, -1), 6)]))
    return [Spacer(1, 3 * mm), box]


def narrative_sections(report: dict, lang: str, st) -> list:
    """The four sections, each in the report's language (bilingual: Turkish, then English in grey); a report
    without any narrative prints none."""
    sections = narrative.complete(report.get("narrative"))
    if narrative.is_empty(sections):
        return []
    story: list = [_p(narrative.heading("narrative", lang), st.h1)]
    for name in narrative.SECTIONS:
        texts = [sections[name][code] for code in _languages(lang) if sections[name][code]]
        if not texts:
            continue
        story.append(_p(narrative.heading(name, lang), st.h2))
        story.append(_p(texts[0], st.body, texts[1] if len(texts) > 1 else None))
    return story


def approval_block(report: dict, lang: str, st) -> list:
    """Who submitted the report, in which role, when; a draft says it is not submitted yet."""
    approval = report.get("approval") or {}
    if report.get("status") != "submitted":
        rows = [[_p(narrative.heading("not_submitted", lang), st.cell)]]
        widths = [174 * mm]
    else:
        rows = [[_p(narrative.heading(key, lang), st.cell_bold), _p(value, st.cell)] for key, value in (
            ("submitted_by", approval.get("submitted_by") or report.get("submitted_by") or "—"),
            ("role", narrative.role_name(approval.get("role"), lang)),
            ("submitted_at", common.fmt_time(report.get("submitted_at")) or "—"))]
        widths = [45 * mm, 129 * mm]
    grid = Table(rows, colWidths=widths, hAlign="LEFT")
    grid.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [Spacer(1, 5 * mm), KeepTogether([_p(narrative.heading("approval", lang), st.h1), grid])]
