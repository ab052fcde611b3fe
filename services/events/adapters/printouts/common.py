"""What the events printouts share: their words in Turkish and English, dates in Istanbul, styles, the page."""
from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

from babel.dates import format_date, format_time
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from shared.clock import local
from shared.pdf_branding import EU_BLUE, FUNDED_BY, eu_emblem
from shared.pdf_fonts import fonts, printable

LANGUAGES = ("tr", "en")
INK = colors.HexColor("#1F2937")
MUTED = colors.HexColor("#6B7280")
RULE = colors.HexColor("#9CA3AF")

WORDS = {
    "platform": ("Thrace Productivity Platform", "Trakya Verimlilik Platformu"),
    "attendance_sheet": ("Attendance sheet", "Katılım çizelgesi"),
    "decision_book": ("Decision book", "Karar defteri"),
    "date": ("Date", "Tarih"),
    "time": ("Time", "Saat"),
    "host": ("Host", "Ev sahibi"),
    "venue": ("Venue", "Yer"),
    "no": ("No.", "Sıra"),
    "participant": ("Participant", "Katılımcı"),
    "organisation": ("Organisation", "Kurum / Kuruluş"),
    "signature": ("Signature", "İmza"),
    "page": ("Page", "Sayfa"),
    "registered": ("Registered participants", "Kayıtlı katılımcı"),
    "meeting": ("Meeting", "Toplantı"),
    "decision": ("Decision", "Karar"),
    "votes": ("Votes (for / against / abstain)", "Oylar (kabul / ret / çekimser)"),
    "no_decisions": ("No decisions recorded for this body in this year.",
                     "Bu kurulun bu yıl kaydedilmiş kararı yok."),
    "check_in_code": ("Check-in code", "Giriş kodu"),
    "cancelled": ("CANCELLED", "İPTAL EDİLDİ"),
    "year": ("Year", "Yıl"),
}

BODIES = {"board": ("Board", "Yönetim Kurulu"), "advisory_board": ("Advisory Board", "Danışma Kurulu")}


def word(key: str, lang: str) -> str:
    en, tr = WORDS[key]
    return en if lang == "en" else tr


def body_name(body: str, lang: str) -> str:
    en, tr = BODIES.get(body) or (body.replace("_", " ").title(),) * 2
    return en if lang == "en" else tr


def numbered_meeting(body: str, sequence: int, lang: str) -> str:
    """"4. Danışma Kurulu Toplantısı" / "Advisory Board Meeting No. 4"."""
    if lang == "en":
        return f"{body_name(body, lang)} Meeting No. {sequence}"
    return f"{sequence}. {body_name(body, lang)} Toplantısı"


def day(moment: datetime, lang: str) -> str:
    """The Istanbul calendar day, e.g. "3 Aralık 2026 Perşembe"."""
    return format_date(local(moment).date(), "d MMMM y EEEE", locale=lang)


def hours(starts_at: datetime, ends_at: datetime, lang: str) -> str:
    """Istanbul wall-clock times, e.g. "10:00–13:00"."""
    start, end = local(starts_at), local(ends_at)
    shown = f"{format_time(start, 'HH:mm', locale=lang)}–{format_time(end, 'HH:mm', locale=lang)}"
    if start.date() != end.date():
        shown += f" ({day(end, lang)})"
    return shown


class Styles:
    def __init__(self, scale: float = 1.0):
        regular, bold = fonts()
        self.regular, self.bold = regular, bold
        self.title = ParagraphStyle("title", fontName=bold, fontSize=15 * scale, leading=19 * scale,
                                    textColor=EU_BLUE, spaceAfter=3)
        self.subtitle = ParagraphStyle("subtitle", fontName=bold, fontSize=11 * scale, leading=14 * scale,
                                       textColor=INK, spaceAfter=4)
        self.body = ParagraphStyle("body", fontName=regular, fontSize=9 * scale, leading=12 * scale, textColor=INK)
        self.muted = ParagraphStyle("muted", fontName=regular, fontSize=8 * scale, leading=10 * scale,
                                    textColor=MUTED)
        self.cell = ParagraphStyle("cell", fontName=regular, fontSize=9, leading=11, textColor=INK)
        self.head = ParagraphStyle("head", fontName=bold, fontSize=8.5, leading=10.5, textColor=colors.white)


def para(text, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(printable(text)).replace("\n", "<br/>"), style)


class Page:
    """The frame of every page: the platform's band with the EU emblem and funding line, a footer with the page."""

    def __init__(self, lang: str, footer: str, page_size: tuple[float, float]):
        self.lang, self.footer, self.size = lang, footer, page_size

    def __call__(self, canvas, doc) -> None:
        regular, bold = fonts()
        width, height = self.size
        margin = 12 * mm
        canvas.saveState()
        canvas.setFillColor(EU_BLUE)
        canvas.rect(0, height - 14 * mm, width, 14 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(bold, 9.5)
        canvas.drawString(margin, height - 8.5 * mm, printable(word("platform", self.lang)))
        canvas.setFillColor(colors.white)  # a white edge: the emblem's blue would vanish into the band's
        canvas.rect(width - margin - 25, height - 12 * mm - 1, 26, 18, stroke=0, fill=1)
        eu_emblem(24, 16).drawOn(canvas, width - margin - 24, height - 12 * mm)
        canvas.setFillColor(colors.white)
        canvas.setFont(regular, 6.5)
        canvas.drawRightString(width - margin - 28, height - 8.5 * mm, printable(FUNDED_BY[self.lang]))
        canvas.setStrokeColor(RULE)
        canvas.line(margin, 11 * mm, width - margin, 11 * mm)
        canvas.setFillColor(MUTED)
        canvas.setFont(regular, 7)
        canvas.drawString(margin, 7.5 * mm, printable(self.footer))
        canvas.drawRightString(width - margin, 7.5 * mm, printable(f"{word('page', self.lang)} {doc.page}"))
        canvas.restoreState()
