"""The attendance sheet a meeting's participants sign: the evidence EU-funded trainings keep.

A4 portrait: the platform's band with the EU emblem and funding line, the meeting (body and number,
title, day and time in Istanbul, host, venue), then one row per participant with a tall empty
signature cell; the header row repeats on every page.
"""
from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from shared.pdf_branding import EU_BLUE

from .common import RULE, Page, Styles, day, hours, numbered_meeting, para, word

ROW_HEIGHT = 12 * mm  # room for a signature


def _facts(sheet: dict, lang: str, st: Styles) -> Table:
    rows = [(word("date", lang), day(sheet["starts_at"], lang)),
            (word("time", lang), hours(sheet["starts_at"], sheet["ends_at"], lang)),
            (word("host", lang), sheet.get("host_name") or "—")]
    if sheet.get("venue"):
        rows.append((word("venue", lang), sheet["venue"]))
    table = Table([[para(k, st.muted), para(v, st.body)] for k, v in rows], colWidths=[28 * mm, 150 * mm],
                  hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _participants(sheet: dict, lang: str, st: Styles) -> Table:
    head = [para(word(k, lang), st.head) for k in ("no", "participant", "organisation", "signature")]
    rows = [head] + [[para(str(n), st.cell), para(r.get("full_name") or "—", st.cell),
                      para(r.get("organisation") or "—", st.cell), ""]
                     for n, r in enumerate(sheet["rows"], start=1)]
    # A few empty rows for walk-ins, who sign and are registered afterwards.
    rows += [[para(str(n), st.cell), "", "", ""] for n in range(len(sheet["rows"]) + 1, len(sheet["rows"]) + 4)]
    table = Table(rows, colWidths=[11 * mm, 62 * mm, 60 * mm, 53 * mm], repeatRows=1,
                  rowHeights=[8 * mm] + [ROW_HEIGHT] * (len(rows) - 1), hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), EU_BLUE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F5F7FB")]),
    ]))
    return table


def attendance_sheet(sheet: dict, lang: str = "tr") -> bytes:
    """`sheet`: title, body, sequence, starts_at, ends_at, host_name, venue, status and rows
    ({full_name, organisation}), as service_layer/printouts.py prepares it."""
    st = Styles()
    buffer = io.BytesIO()
    footer = f"{word('attendance_sheet', lang)} · {sheet['title']} · {word('registered', lang)}: {len(sheet['rows'])}"
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=20 * mm,
                            bottomMargin=15 * mm, title=f"{word('attendance_sheet', lang)} — {sheet['title']}",
                            author=word("platform", lang))
    story = [para(word("attendance_sheet", lang), st.muted)]
    if sheet.get("body") and sheet.get("sequence"):
        story.append(para(numbered_meeting(sheet["body"], sheet["sequence"], lang), st.title))
        story.append(para(sheet["title"], st.subtitle))
    else:
        story.append(para(sheet["title"], st.title))
    if sheet.get("status") == "cancelled":
        story.append(para(word("cancelled", lang), st.subtitle))
    story += [_facts(sheet, lang, st), Spacer(1, 5 * mm), _participants(sheet, lang, st)]
    page = Page(lang, footer, A4)
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()
