"""The readable side of `tvp data-export`: one A4 PDF, headings in Turkish and English.

Per service: what it holds, section by section (a record as a two-column table; a list as one such table
per item, nested fields written `meeting.title`), then the audit entries naming the person. Nothing is left
out that the JSON holds, except empty fields; the JSON stays the complete, machine-readable answer.
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from shared.pdf_fonts import fonts, printable

INK = colors.HexColor("#1F2937")
MUTED = colors.HexColor("#6B7280")
RULE = colors.HexColor("#D1D5DB")
BAND = colors.HexColor("#F3F6FB")

SERVICE_TITLES = {
    "members": "Üyelik servisi / Members service",
    "events": "Etkinlik servisi / Events service",
    "reporting": "Raporlama servisi / Reporting service",
}
SECTION_TITLES = {
    "person": "Kişi kaydı / Person record",
    "organisation": "Kuruluş / Organisation",
    "consents": "Açık rızalar / Consents",
    "seats": "Kurul üyelikleri / Seats on governance bodies",
    "registrations": "Toplantı kayıtları / Meeting registrations",
    "attendances": "Katılımlar (yoklama) / Attendances (check-ins)",
    "waitlist": "Bekleme listesi / Waiting lists",
    "personal_data": "Kişisel veriler / Personal data",
    "statement": "Açıklama / Statement",
}
NOTHING = "Kayıt yok / None"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=15, leading=19, textColor=INK, spaceAfter=4),
        "h1": ParagraphStyle("h1", fontName=bold, fontSize=12.5, leading=16, textColor=INK, spaceBefore=10,
                             spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=10, leading=13, textColor=INK, spaceBefore=6,
                             spaceAfter=3),
        "body": ParagraphStyle("body", fontName=regular, fontSize=8.5, leading=11, textColor=INK),
        "muted": ParagraphStyle("muted", fontName=regular, fontSize=8, leading=10, textColor=MUTED),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=7.5, leading=9.5, textColor=INK),
        "key": ParagraphStyle("key", fontName=bold, fontSize=7.5, leading=9.5, textColor=INK),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(printable(text)), style)


def _flat(value, prefix: str = "") -> list[tuple[str, str]]:
    """A record as (field, text) rows; nested records as `parent.child`, empty fields left out."""
    if isinstance(value, dict):
        rows = []
        for key, inner in value.items():
            rows += _flat(inner, f"{prefix}.{key}" if prefix else str(key))
        return rows
    if value is None or value == [] or value == {}:
        return []
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return [(prefix, ", ".join(str(v) for v in value))]
        rows = []
        for n, inner in enumerate(value, 1):
            rows += _flat(inner, f"{prefix}[{n}]")
        return rows
    if isinstance(value, bool):
        return [(prefix, "evet / yes" if value else "hayır / no")]
    return [(prefix, str(value))]


def _record_table(record, styles, width) -> Table | Paragraph:
    rows = _flat(record)
    if not rows:
        return _p(NOTHING, styles["muted"])
    table = Table([[_p(k, styles["key"]), _p(v, styles["cell"])] for k, v in rows],
                  colWidths=[width * 0.32, width * 0.68])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, RULE), ("BACKGROUND", (0, 0), (0, -1), BAND),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _audit_table(entries, styles, width) -> Table | Paragraph:
    if entries is None:
        return _p("Bu servis, soran kişinin yetkisini doğrulayamadığı için göstermez. / "
                  "Not shown: this service cannot verify the asker's organisation.", styles["muted"])
    if not entries:
        return _p(NOTHING, styles["muted"])
    head = ["Zaman / At", "Olay / Type", "Yapan / Actor", "Sürüm / Version"]
    body = [[e.get("at"), e.get("type"),
             "—" if not e.get("actor") else f"{e['actor'].get('sub')} ({e['actor'].get('role')})",
             "" if e.get("version") is None else e.get("version")] for e in entries]
    table = Table([[_p(h, styles["key"]) for h in head]] + [[_p(c, styles["cell"]) for c in row] for row in body],
                  colWidths=[width * 0.22, width * 0.42, width * 0.26, width * 0.10], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, RULE), ("BACKGROUND", (0, 0), (-1, 0), BAND),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _service(name: str, answer: dict, styles, width) -> list:
    story = [CondPageBreak(60 * mm), _p(SERVICE_TITLES.get(name, name), styles["h1"])]
    if answer.get("unknown"):
        return story + [_p(f"Bu servis kişiyi tanımıyor. / This service knows no such person. "
                           f"({answer.get('message')})", styles["muted"])]
    holds = answer.get("holds") or {}
    # The services' JSON comes with its keys sorted; the PDF shows the person first, as SECTION_TITLES lists.
    known = [name for name in SECTION_TITLES if name in holds]
    for section in known + sorted(name for name in holds if name not in SECTION_TITLES):
        content = holds[section]
        title = _p(SECTION_TITLES.get(section, section), styles["h2"])
        if isinstance(content, list) and content and all(isinstance(item, dict) for item in content):
            story.append(title)
            for n, item in enumerate(content, 1):
                story += [KeepTogether([_p(f"#{n}", styles["muted"]), _record_table(item, styles, width)]),
                          Spacer(1, 3)]
        else:
            story += [KeepTogether([title, _record_table(content, styles, width)])]
    notifications = answer.get("notifications")
    story.append(KeepTogether([
        _p("Bildirimler / Notifications", styles["h2"]),
        _p("Bu servis bildirim göndermiyor. / This service sends no notifications."
           if notifications is None else f"{len(notifications)}", styles["muted"])]))
    for item in notifications or []:  # the mails owed to the person: which, to where, what became of them
        story += [_record_table(item, styles, width), Spacer(1, 3)]
    story += [CondPageBreak(30 * mm),
              _p("Kişiyi konu alan denetim kayıtları / Audit entries naming the person", styles["h2"]),
              _audit_table(answer.get("audit"), styles, width)]
    return story


def render(export: dict) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"Data export {export['person_id']}",
                            author="Trakya Verimlilik Platformu")
    width = doc.width
    story = [
        _p("Kişisel veri erişim talebi yanıtı", styles["title"]),
        _p("Data subject access report", styles["h2"]),
        _p("Trakya Verimlilik Platformu / Thrace Productivity Platform", styles["muted"]),
        Spacer(1, 6),
        _record_table({"Kişi no / Person id": export["person_id"],
                       "Tarih / Generated at": export["generated_at"],
                       "İsteyen / Requested by": export.get("requested_by"),
                       "Hukuki dayanak / Legal basis": export.get("legal_basis")}, styles, width),
    ]
    for name, answer in export["services"].items():
        story += _service(name, answer, styles, width)

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(fonts()[0], 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(16 * mm, 9 * mm, printable(f"{export['person_id']} · {export['generated_at']}"))
        canvas.drawRightString(A4[0] - 16 * mm, 9 * mm, f"{document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
