"""PDF (reportlab): a report a programme officer can file.

A4 portrait: title block, indicator table with progress chart, breakdown charts,
meetings of the period, financial summary with the co-financing split and a pie
chart, and the EU funding statement; a header with the platform and the EU
emblem, a footer with the page number, the SHA-256 of submitted reports, and a
DRAFT mark across draft pages. Turkish letters need a TrueType font: shared/pdf_fonts.py.
"""
from __future__ import annotations

import io
import logging
import math
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from shared.pdf_branding import EU_BLUE, EU_YELLOW, FUNDED_BY, eu_emblem
from shared.pdf_fonts import fonts, printable

from ...domain import labels
from . import common

log = logging.getLogger(__name__)

INK = colors.HexColor("#1F2937")
MUTED = colors.HexColor("#6B7280")
RULE = colors.HexColor("#D1D5DB")
ZEBRA = colors.HexColor("#F3F6FB")
PALETTE = [colors.HexColor(c) for c in ("#003399", "#2E86AB", "#F6AE2D", "#86BA90", "#F26419", "#7D5BA6",
                                        "#33658A", "#C8553D", "#55DDE0", "#999999")]


def _t(text) -> str:
    return printable(text)


class Styles:
    def __init__(self):
        regular, bold = fonts()
        base = dict(fontName=regular, textColor=INK, alignment=TA_LEFT)
        self.title = ParagraphStyle("title", fontName=bold, fontSize=20, leading=24, textColor=EU_BLUE, spaceAfter=2)
        self.subtitle = ParagraphStyle("subtitle", fontName=regular, fontSize=11, leading=14, textColor=MUTED,
                                       spaceAfter=8)
        self.h1 = ParagraphStyle("h1", fontName=bold, fontSize=13, leading=16, textColor=EU_BLUE, spaceBefore=10,
                                 spaceAfter=6)
        self.h2 = ParagraphStyle("h2", fontName=bold, fontSize=10, leading=13, textColor=INK, spaceBefore=6,
                                 spaceAfter=3)
        self.body = ParagraphStyle("body", fontSize=9, leading=12, **base)
        self.small = ParagraphStyle("small", fontSize=7.5, leading=9.5, **base)
        self.muted = ParagraphStyle("muted", fontName=regular, fontSize=7.5, leading=9.5, textColor=MUTED)
        self.cell = ParagraphStyle("cell", fontSize=8, leading=10, **base)
        self.cell_bold = ParagraphStyle("cellb", fontName=bold, fontSize=8, leading=10, textColor=INK)
        self.head = ParagraphStyle("head", fontName=bold, fontSize=7.5, leading=9.5, textColor=colors.white)
        self.statement = ParagraphStyle("statement", fontSize=8.5, leading=11.5, **base)


def P(text, style) -> Paragraph:
    return Paragraph(escape(_t(text)).replace("\n", "<br/>"), style)


def two_lines(primary: str, secondary: str | None, st: Styles) -> Paragraph:
    """A Turkish label with its English one below in grey (bilingual), or one label."""
    text = escape(_t(primary))
    if secondary and secondary != primary:
        text += f'<br/><font color="#6B7280" size="7">{escape(_t(secondary))}</font>'
    return Paragraph(text, st.cell)


def label(key: str, lang: str, st: Styles, table_head: bool = False) -> Paragraph:
    en, tr = labels.TEXT[key]
    style = st.head if table_head else st.cell
    if lang == "bi" and en != tr:
        colour = "#C7D2FE" if table_head else "#6B7280"
        return Paragraph(f'{escape(_t(tr))}<br/><font color="{colour}" size="6.5">{escape(_t(en))}</font>', style)
    return Paragraph(escape(_t(en if lang == "en" else tr)), style)


def value_label(key, lang: str, st: Styles) -> Paragraph:
    if lang == "bi":
        return two_lines(labels.value(key, "tr"), labels.value(key, "en"), st)
    return P(labels.value(key, lang), st.cell)


def table(rows, widths, st: Styles, numeric_from: int | None = None, total_row: bool = False) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), EU_BLUE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), fonts()[0]),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for row in range(1, len(rows)):
        if row % 2 == 0:
            style.append(("BACKGROUND", (0, row), (-1, row), ZEBRA))
    if numeric_from is not None:
        style.append(("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"))
    if total_row:
        style += [("FONTNAME", (0, -1), (-1, -1), fonts()[1]), ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
                  ("BACKGROUND", (0, -1), (-1, -1), colors.white)]
    t.setStyle(TableStyle(style))
    return t


# -- charts ---------------------------------------------------------------------------

def progress_chart(items: list[dict], lang: str, width: float) -> Drawing:
    """Horizontal bars: cumulative as % of target per indicator, with the 100 % line."""
    regular, bold = fonts()
    rows = [i for i in items if i["target"]]
    height = 26 + 20 * max(len(rows), 1) + 30
    d = Drawing(width, height)
    d.add(String(0, height - 12, _t(labels.text("chart_progress", lang)), fontName=bold, fontSize=9, fillColor=INK))
    if not rows:
        d.add(String(0, height - 34, _t(labels.text("none", lang)), fontName=regular, fontSize=8, fillColor=MUTED))
        return d
    chart = HorizontalBarChart()
    chart.x, chart.y = 40, 22
    chart.width, chart.height = width - 90, 20 * len(rows)
    values = [min(i["percent_of_target"] or 0, 150) for i in reversed(rows)]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [i["code"] for i in reversed(rows)]
    chart.categoryAxis.labels.fontName = bold
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.strokeColor = RULE
    top = max(110, math.ceil(max(values) / 25) * 25)
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, 25
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d %%"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.strokeColor = RULE
    chart.bars[0].fillColor = EU_BLUE
    chart.bars[0].strokeColor = None
    chart.barWidth = 10
    chart.barLabelFormat = "%.1f %%"
    chart.barLabels.fontName = regular
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    for n, i in enumerate(reversed(rows)):
        if (i["percent_of_target"] or 0) >= 100:
            chart.bars[(0, n)].fillColor = colors.HexColor("#2E7D32")
    d.add(chart)
    x100 = chart.x + chart.width * 100 / top
    d.add(Line(x100, chart.y - 4, x100, chart.y + chart.height + 4, strokeColor=EU_YELLOW, strokeWidth=1.5,
               strokeDashArray=[3, 2]))
    d.add(String(x100 + 2, chart.y + chart.height + 2, _t(labels.text("target", lang if lang != "bi" else "en")),
                 fontName=regular, fontSize=6.5, fillColor=MUTED))
    return d


def bar_chart(title: str, rows: list[tuple[str, str, float, float]], lang: str, width: float,
              height: float = 150) -> Drawing:
    """Vertical bars for one breakdown: period and cumulative side by side."""
    regular, bold = fonts()
    rows = rows[:10]
    d = Drawing(width, height)
    d.add(String(0, height - 11, _t(title), fontName=bold, fontSize=8.5, fillColor=INK))
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 36
    chart.width, chart.height = width - 40, height - 80
    chart.data = [[r[2] for r in rows], [r[3] for r in rows]]
    names = [_t(r[1]) for r in rows]
    chart.categoryAxis.categoryNames = [n if len(n) <= 16 else n[:15] + "…" for n in names]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 30 if len(rows) > 4 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(rows) > 4 else "n"
    chart.categoryAxis.strokeColor = RULE
    peak = max([max(r[2], r[3]) for r in rows] + [1])
    step = _nice_step(peak)
    chart.valueAxis.valueMin, chart.valueAxis.valueStep = 0, step
    chart.valueAxis.valueMax = step * math.ceil(peak / step)
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.strokeColor = RULE
    chart.bars[0].fillColor, chart.bars[1].fillColor = EU_BLUE, colors.HexColor("#9DB4E0")
    chart.bars[0].strokeColor = chart.bars[1].strokeColor = None
    chart.groupSpacing = 6
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 2, height - 20
    legend.fontName, legend.fontSize = regular, 6.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 60
    legend.colorNamePairs = [(EU_BLUE, _t(labels.text("value", "en" if lang == "en" else "tr"))),
                             (colors.HexColor("#9DB4E0"),
                              _t(labels.text("cumulative", "en" if lang == "en" else "tr")))]
    legend.dxTextSpace, legend.dx, legend.dy = 3, 6, 6
    legend.variColumn = 1
    legend.boxAnchor = "nw"
    d.add(legend)
    return d


def _nice_step(peak: float) -> float:
    raw = peak / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return max(1, factor * magnitude)
    return max(1, 10 * magnitude)


def pie_chart(rows: list[tuple[str, float]], lang: str, width: float, height: float = 150) -> Drawing:
    regular, _ = fonts()
    d = Drawing(width, height)
    if not rows or not sum(v for _, v in rows):
        return d
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 10, 10, height - 20, height - 20
    pie.data = [v for _, v in rows]
    total = sum(pie.data)
    pie.labels = [f"{100 * v / total:.0f} %" if v / total >= 0.05 else "" for v in pie.data]
    pie.simpleLabels = 1
    pie.slices.fontName, pie.slices.fontSize = regular, 7
    pie.slices.labelRadius = 0.7
    pie.slices.fontColor = colors.white
    pie.slices.strokeColor, pie.slices.strokeWidth = colors.white, 1
    for n in range(len(rows)):
        pie.slices[n].fillColor = PALETTE[n % len(PALETTE)]
    d.add(pie)
    legend = Legend()
    legend.x, legend.y = height + 10, height - 15
    legend.fontName, legend.fontSize = regular, 7.5
    legend.alignment = "right"
    legend.columnMaximum = 8
    legend.colorNamePairs = [(PALETTE[n % len(PALETTE)], _t(f"{name}  {common.fmt_number(v, lang, 2)} EUR"))
                             for n, (name, v) in enumerate(rows)]
    legend.dxTextSpace = 5
    d.add(legend)
    return d


# -- document -------------------------------------------------------------------------

class _Page:
    def __init__(self, report: dict, lang: str):
        self.report, self.lang = report, lang

    def __call__(self, canvas, doc):
        regular, bold = fonts()
        width, height = A4
        canvas.saveState()
        canvas.setFillColor(EU_BLUE)
        canvas.rect(0, height - 16 * mm, width, 16 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(bold, 10)
        canvas.drawString(18 * mm, height - 9 * mm, _t("Trakya Verimlilik Platformu"))
        canvas.setFont(regular, 7.5)
        canvas.drawString(18 * mm, height - 13 * mm,
                          _t("Thrace Productivity Platform · TR21 Edirne · Kırklareli · Tekirdağ"))
        emblem = eu_emblem(24, 16)
        emblem.drawOn(canvas, width - 18 * mm - 24, height - 14.5 * mm)
        canvas.setFont(regular, 6.5)
        lines = [FUNDED_BY["tr"], FUNDED_BY["en"]] if self.lang == "bi" else [FUNDED_BY[self.lang]]
        for n, line in enumerate(lines):
            canvas.drawRightString(width - 18 * mm - 28, height - 8.5 * mm - n * 8, _t(line))
        # footer
        canvas.setStrokeColor(RULE)
        canvas.line(18 * mm, 14 * mm, width - 18 * mm, 14 * mm)
        canvas.setFillColor(MUTED)
        canvas.setFont(regular, 7)
        left = f"{self.report['period']} · {labels.value(self.report['kind'], self.lang)} · " \
               f"{labels.value(self.report['status'], self.lang)}"
        if self.report["status"] == "submitted":
            left += f" · SHA-256 {self.report['sha256'][:16]}…"
        canvas.drawString(18 * mm, 10 * mm, _t(left))
        canvas.drawRightString(width - 18 * mm, 10 * mm, _t(f"{labels.text('page', self.lang)} {doc.page}"))
        if self.report["status"] == "draft":
            canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.08))
            canvas.setFont(bold, 90)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(40)
            canvas.drawCentredString(0, -30, _t(labels.text("draft_watermark", "tr" if self.lang == "tr" else "en")))
        canvas.restoreState()


def _title_block(report: dict, lang: str, st: Styles) -> list:
    content = report["content"]
    programme = content["programme"]
    title = f"{labels.text('report_title', lang)} — {report['period']}"
    story = [P(title, st.title), P(f"{labels.value(report['kind'], lang)} · {common.period_text(report, lang)}",
                                    st.subtitle)]
    name = {"en": programme["name"], "tr": programme.get("name_tr") or programme["name"]}
    facts = [
        ("programme", name["tr"] + ("\n" + name["en"] if lang == "bi" and name["en"] != name["tr"] else "")
         if lang != "en" else name["en"]),
        ("beneficiary", programme.get("beneficiary") or ""),
        ("period", common.period_text(report, lang)),
        ("cumulative_from", content["cumulative_from"]),
        ("computed_at", common.fmt_time(content["computed_at"])),
        ("status", labels.value(report["status"], lang)),
    ]
    if report.get("submitted_at"):
        facts.append(("submitted_at", common.fmt_time(report["submitted_at"])))
        facts.append(("sha256", report["sha256"]))
    rows = [[label(key, lang, st), P(value, st.cell)] for key, value in facts]
    t = Table(rows, colWidths=[45 * mm, 129 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                           ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return story + [t]


def _indicator_table(items: list[dict], lang: str, st: Styles) -> Table:
    rows = [[label(k, lang, st, True) for k in ("code", "indicator", "value", "cumulative", "target", "percent")]]
    for i in items:
        decimals = 2 if i["code"] == "FI.1" else 0
        name = (two_lines(i["name_tr"], i["name"], st) if lang == "bi"
                else P(labels.indicator_name(i, lang), st.cell))
        extra = cumulative_extra = ""
        if i["code"] == "OI.2":
            word = "with quorum" if lang == "en" else "nisaplı"
            extra = f"\n({i['details'].get('with_quorum', 0)} {word})"
            cumulative_extra = f"\n({i['details'].get('cumulative_with_quorum', 0)} {word})"
        rows.append([P(i["code"], st.cell_bold), name,
                     P(common.fmt_number(i["value"], lang, decimals) + extra, st.cell),
                     P(common.fmt_number(i["cumulative"], lang, decimals) + cumulative_extra, st.cell),
                     P(common.fmt_number(i["target"], lang, decimals), st.cell),
                     P(common.fmt_percent(i["percent_of_target"], lang), st.cell)])
    return table(rows, [14 * mm, 74 * mm, 22 * mm, 22 * mm, 22 * mm, 20 * mm], st, numeric_from=2)


CHARTED = (("OI.1", "kind"), ("OI.3", "theme"), ("OI.4", "gender"), ("OI.4", "province"),
           ("OI.4", "organisation_kind"), ("OI.5", "size_class"), ("OI.5", "province"), ("OI.6", "kind"),
           ("OI.2", "body"), ("OI.3", "kind"))


def _breakdowns(items: list[dict], lang: str, st: Styles) -> list:
    by_code = {i["code"]: i for i in items}
    story = [P(labels.text("breakdowns", lang), st.h1)]
    charts = []
    width = 84 * mm
    for code, dimension in CHARTED:
        indicator = by_code.get(code)
        if not indicator:
            continue
        rows = common.breakdown_rows(indicator, dimension, "en" if lang == "en" else "tr")
        if not rows:
            continue
        title = f"{code} · {labels.dimension(dimension, 'en' if lang == 'en' else 'tr')}"
        if lang == "bi":
            title += f" / {labels.dimension(dimension, 'en')}"
        charts.append(bar_chart(title, rows, lang, width))
    if not charts:
        return story + [P(labels.text("none", lang), st.body)]
    grid = [charts[n:n + 2] + [""] * (2 - len(charts[n:n + 2])) for n in range(0, len(charts), 2)]
    t = Table(grid, colWidths=[width + 4 * mm, width + 4 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
    story.append(t)
    # every breakdown as figures
    for indicator in items:
        blocks = []
        for dimension in indicator["breakdowns"]:
            rows = common.breakdown_rows(indicator, dimension, lang)
            if not rows:
                continue
            decimals = 2 if indicator["code"] == "FI.1" else 0
            data = [[P(labels.dimension(dimension, lang), st.head), label("value", lang, st, True),
                     label("cumulative", lang, st, True)]]
            data += [[P(name, st.cell), P(common.fmt_number(v, lang, decimals), st.cell),
                      P(common.fmt_number(c, lang, decimals), st.cell)] for _, name, v, c in rows]
            blocks.append(table(data, [42 * mm, 21 * mm, 21 * mm], st, numeric_from=1))
        if not blocks:
            continue
        heading = P(f"{indicator['code']} — {labels.indicator_name(indicator, lang)}", st.h2)
        grid = [blocks[n:n + 2] + [""] * (2 - len(blocks[n:n + 2])) for n in range(0, len(blocks), 2)]
        g = Table(grid, colWidths=[88 * mm, 88 * mm], hAlign="LEFT")
        g.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        story.append(KeepTogether([heading, g]))
    return story


def _meetings(content: dict, lang: str, st: Styles) -> list:
    story = [P(labels.text("meetings", lang), st.h1)]
    meetings = content["meetings"]
    if not meetings:
        return story + [P(labels.text("no_meetings", lang), st.body)]
    rows = [[label(k, lang, st, True) for k in ("date", "meeting", "host", "attendance", "organisations", "quorum")]]
    for m in meetings:
        title = common.meeting_title(m, "tr" if lang == "bi" else lang)
        sub = labels.value(m["kind"], lang)
        if m.get("numbered_title") and lang == "bi":
            sub = m["numbered_title"]
        elif m.get("numbered_title"):
            sub = m.get("title") or sub
        elif not m.get("numbered_title") and m.get("themes"):
            sub += " · " + ", ".join(labels.value(t, "en" if lang == "en" else "tr") for t in m["themes"][:3])
        rows.append([P(m["date"], st.cell), two_lines(title, sub, st),
                     P((m.get("host_name") or "") + (f"\n{m['province']}" if m.get("province") else ""), st.cell),
                     P(common.fmt_number(m["attendances"], lang, 0), st.cell),
                     P(f"{m.get('distinct_organisations', 0)} ({m.get('distinct_smes', 0)} "
                       f"{labels.text('smes', 'en' if lang == 'en' else 'tr')})", st.cell),
                     P(common.quorum_text(m, "en" if lang == "en" else "tr"), st.cell)])
    return story + [table(rows, [21 * mm, 57 * mm, 29 * mm, 21 * mm, 25 * mm, 21 * mm], st, numeric_from=3)]


def _financial(content: dict, lang: str, st: Styles) -> list:
    financial = content["financial"]
    story = [P(labels.text("financial", lang), st.h1)]
    lines = financial["by_budget_line"]
    if not lines:
        story.append(P(labels.text("no_expenditure", lang), st.body))
    else:
        rows = [[label("budget_line", lang, st, True), label("amount_eur", lang, st, True),
                 Paragraph(escape(_t(f"{labels.text('eu_share', lang)} ({financial['eu_share_pct']} %)")), st.head),
                 Paragraph(escape(_t(f"{labels.text('national_share', lang)} ({financial['national_share_pct']} %)")),
                           st.head)]]
        for line in lines:
            rows.append([value_label(line["budget_line"], lang, st),
                         common.fmt_number(line["amount_eur"], lang, 2), common.fmt_number(line["eu_eur"], lang, 2),
                         common.fmt_number(line["national_eur"], lang, 2)])
        rows.append([_t(labels.text("total", lang)), common.fmt_number(financial["total_eur"], lang, 2),
                     common.fmt_number(financial["eu_eur"], lang, 2),
                     common.fmt_number(financial["national_eur"], lang, 2)])
        story.append(table(rows, [60 * mm, 36 * mm, 40 * mm, 40 * mm], st, numeric_from=1, total_row=True))
        story.append(Spacer(1, 4 * mm))
        pie_rows = [(labels.value(line["budget_line"], "en" if lang == "en" else "tr"), line["amount_eur"])
                    for line in lines]
        story.append(pie_chart(pie_rows, lang, 170 * mm, max(42, 12 + 7 * len(pie_rows)) * mm))
        story.append(Spacer(1, 3 * mm))
        items = financial["expenditures"]
        story.append(P(labels.text("expenditures", lang), st.h2))
        data = [[label(k, lang, st, True) for k in ("date", "description", "budget_line", "amount", "rate",
                                                     "amount_eur")]]
        for item in items:
            data.append([P(item["date"], st.cell), P(item["description"], st.cell),
                         P(labels.value(item["budget_line"], "en" if lang == "en" else "tr"), st.cell),
                         P(f"{common.fmt_number(float(item['amount']), lang, 2)} {item['currency']}", st.cell),
                         P(common.fmt_number(float(item["eur_rate"]), lang, 4) if item.get("eur_rate") else "—",
                           st.cell),
                         P(common.fmt_number(float(item["amount_eur"]), lang, 2), st.cell)])
        story.append(table(data, [21 * mm, 58 * mm, 27 * mm, 28 * mm, 18 * mm, 24 * mm], st, numeric_from=3))
    return story


def _statement(content: dict, lang: str, st: Styles) -> list:
    inner = [P(labels.text("funding_statement", lang), st.h2)]
    for text in common.funding_statement(content, lang):
        inner.append(P(text, st.statement))
        inner.append(Spacer(1, 2 * mm))
    emblem = eu_emblem(45, 30)
    box = Table([[emblem, inner]], colWidths=[20 * mm, 154 * mm], hAlign="LEFT")
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, EU_BLUE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("TOPPADDING", (0, 0), (-1, -1), 6), ("LEFTPADDING", (0, 0), (-1, -1), 6),
                             ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#F5F7FF"))]))
    return [Spacer(1, 6 * mm), KeepTogether([box])]


def render_pdf(report: dict, lang: str) -> bytes:
    st = Styles()
    content = report["content"]
    items = common.indicators(content)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=22 * mm,
                            bottomMargin=20 * mm, invariant=1, title=f"TVP {report['period']} {report['kind']}",
                            author="Thrace Productivity Platform", subject=labels.text("report_title", lang),
                            creator="TVP reporting service")
    story = _title_block(report, lang, st)
    story += [P(labels.text("indicators", lang), st.h1), _indicator_table(items, lang, st), Spacer(1, 5 * mm),
              progress_chart(items, lang, 174 * mm)]
    story += [CondPageBreak(120 * mm)] + _breakdowns(items, lang, st)
    story += [CondPageBreak(60 * mm)] + _meetings(content, lang, st)
    story += [CondPageBreak(90 * mm)] + _financial(content, lang, st)
    story += _statement(content, lang, st)
    page = _Page(report, lang)
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return out.getvalue()
