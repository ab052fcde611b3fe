"""A participant's badge: A6, name and organisation large, the meeting, and the QR code of the check-in code.

The QR code (segno, pure Python) is drawn as reportlab rectangles, so the PDF stays vector and sharp
on any printer; the code is printed beneath it for typing when a scanner fails.
"""
from __future__ import annotations

import io

import segno
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from shared.pdf_branding import EU_BLUE, FUNDED_BY, eu_emblem
from shared.pdf_fonts import fonts, printable

from .common import INK, MUTED, day, hours, numbered_meeting, word

QR_SIZE = 46 * mm


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> float:
    """The largest font size up to `size` at which `text` fits `width`."""
    while size > 7 and canvas.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _qr(canvas: Canvas, code: str, x: float, y: float, size: float) -> None:
    qr = segno.make(code, error="m", micro=False)
    matrix = list(qr.matrix)
    cell = size / len(matrix)
    canvas.setFillColor(INK)
    for row, modules in enumerate(matrix):
        for column, dark in enumerate(modules):
            if dark:
                canvas.rect(x + column * cell, y + size - (row + 1) * cell, cell, cell, stroke=0, fill=1)


def badge(card: dict, lang: str = "tr") -> bytes:
    """`card`: full_name, organisation, title, body, sequence, starts_at, ends_at, code and shown_code."""
    regular, bold = fonts()
    width, height = A6
    margin = 8 * mm
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A6)
    canvas.setTitle(printable(f"{card['full_name']} — {card['title']}"))
    canvas.setFillColor(EU_BLUE)
    canvas.rect(0, height - 13 * mm, width, 13 * mm, stroke=0, fill=1)
    canvas.setFillColor("white")
    canvas.setFont(bold, 8.5)
    canvas.drawString(margin, height - 8 * mm, printable(word("platform", lang)))
    canvas.rect(width - margin - 22, height - 11 * mm - 1, 23, 16, stroke=0, fill=1)  # the emblem's white edge
    eu_emblem(21, 14).drawOn(canvas, width - margin - 21, height - 11 * mm)

    y = height - 24 * mm
    name = printable(card["full_name"] or "—")
    size = _fit(canvas, name, bold, 20, width - 2 * margin)
    canvas.setFillColor(INK)
    canvas.setFont(bold, size)
    canvas.drawCentredString(width / 2, y, name)
    organisation = printable(card.get("organisation") or "")
    canvas.setFont(regular, _fit(canvas, organisation, regular, 12, width - 2 * margin))
    canvas.drawCentredString(width / 2, y - 7 * mm, organisation)

    canvas.setFillColor(MUTED)
    meeting = card["title"]
    if card.get("body") and card.get("sequence"):
        meeting = f"{numbered_meeting(card['body'], card['sequence'], lang)} · {meeting}"
    meeting = printable(meeting)
    canvas.setFont(regular, _fit(canvas, meeting, regular, 8.5, width - 2 * margin))
    canvas.drawCentredString(width / 2, y - 16 * mm, meeting)
    when = printable(f"{day(card['starts_at'], lang)} · {hours(card['starts_at'], card['ends_at'], lang)}")
    canvas.setFont(regular, _fit(canvas, when, regular, 8, width - 2 * margin))
    canvas.drawCentredString(width / 2, y - 21 * mm, when)

    qr_y = 24 * mm
    _qr(canvas, card["code"], (width - QR_SIZE) / 2, qr_y, QR_SIZE)
    canvas.setFillColor(INK)
    canvas.setFont(bold, 11)
    canvas.drawCentredString(width / 2, qr_y - 6 * mm, card["shown_code"])
    canvas.setFillColor(MUTED)
    canvas.setFont(regular, 6.5)
    canvas.drawCentredString(width / 2, qr_y - 10 * mm, printable(word("check_in_code", lang)))
    canvas.drawCentredString(width / 2, 6 * mm, printable(FUNDED_BY[lang]))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
