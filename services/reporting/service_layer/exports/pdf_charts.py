"""The PDF's charts (reportlab graphics): progress towards targets, one breakdown, the budget-line pie.

Every figure on a chart goes through `formats`, so a chart reads `%65,0` where its table does. Breakdowns
are horizontal bars: their category names (`Organize sanayi bölgesi`) get a column of their own, wrapped on
two lines, instead of being cut off under narrow vertical bars. Period and cumulative are drawn side by side
only where they differ; when the programme began inside the period they are the same figures, and a second
bar would say the same thing twice.
"""
from __future__ import annotations

import math
import textwrap

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from shared.pdf_branding import EU_BLUE, EU_YELLOW
from shared.pdf_fonts import fonts, printable

from ...domain import labels
from . import formats

LIGHT_BLUE = colors.HexColor("#9DB4E0")
ACHIEVED = colors.HexColor("#2E7D32")
INK = colors.HexColor("#1F2937")
MUTED = colors.HexColor("#6B7280")
RULE = colors.HexColor("#D1D5DB")
PALETTE = [colors.HexColor(c) for c in ("#003399", "#2E86AB", "#F6AE2D", "#86BA90", "#F26419", "#7D5BA6",
                                        "#33658A", "#C8553D", "#55DDE0", "#999999")]
MOST_CATEGORIES = 10


def chart_language(lang: str) -> str:
    """Charts carry one language: a bilingual chart would need twice the room for every label."""
    return "en" if lang == "en" else "tr"


def fit_label(text: str, width: float, font: str, size: float, lines: int = 2) -> str:
    """`text` wrapped to at most `lines` lines of `width` points, the last shortened with `…` if it must be.
    The full text is always in the table beside the chart."""
    text = printable(text)
    if stringWidth(text, font, size) <= width:
        return text
    chars = max(4, int(width / (size * 0.55)))
    wrapped = textwrap.wrap(text, chars) or [text]
    while chars > 4 and any(stringWidth(line, font, size) > width for line in wrapped[:lines]):
        chars -= 1
        wrapped = textwrap.wrap(text, chars)
    if len(wrapped) > lines:
        last = wrapped[lines - 1]
        while last and stringWidth(last + "…", font, size) > width:
            last = last[:-1]
        wrapped = wrapped[:lines - 1] + [last.rstrip() + "…"]
    return "\n".join(wrapped)


def nice_step(peak: float) -> float:
    raw = peak / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return max(1, factor * magnitude)
    return max(1, 10 * magnitude)


def progress_chart(items: list[dict], lang: str, width: float) -> Drawing:
    """Horizontal bars: cumulative as % of target per indicator (green once reached), the target line at 100 %."""
    regular, bold = fonts()
    words = chart_language(lang)
    rows = [i for i in items if i["target"]]
    band = 17   # points per indicator: the bilingual title block and table leave the chart ~70 mm on page 1
    height = 26 + band * max(len(rows), 1) + 30
    d = Drawing(width, height)
    d.add(String(0, height - 12, printable(labels.text("chart_progress", lang)), fontName=bold, fontSize=9,
                 fillColor=INK))
    if not rows:
        d.add(String(0, height - 34, printable(labels.text("no_targets", lang)), fontName=regular, fontSize=8,
                     fillColor=MUTED))
        return d
    chart = HorizontalBarChart()
    chart.x, chart.y = 40, 22
    chart.width, chart.height = width - 100, band * len(rows)
    shown = list(reversed(rows))
    # Bars stop at 150 % so that one runaway indicator does not flatten the others; its label tells the truth.
    chart.data = [[min(i["percent_of_target"] or 0, 150) for i in shown]]
    actual = [i["percent_of_target"] or 0 for i in shown]
    chart.categoryAxis.categoryNames = [i["code"] for i in shown]
    chart.categoryAxis.labels.fontName = bold
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.strokeColor = RULE
    top = max(110, math.ceil(max(chart.data[0]) / 25) * 25)
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, 25
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: formats.percent(v, lang, 0)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.strokeColor = RULE
    chart.bars[0].fillColor = EU_BLUE
    chart.bars[0].strokeColor = None
    chart.barWidth = 9
    chart.barLabelFormat = "values"
    chart.barLabelArray = [[formats.percent(v, lang) for v in actual]]
    chart.barLabels.fontName = regular
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    for n, value in enumerate(actual):
        if value >= 100:
            chart.bars[(0, n)].fillColor = ACHIEVED
    d.add(chart)
    x100 = chart.x + chart.width * 100 / top
    d.add(Line(x100, chart.y - 4, x100, chart.y + chart.height + 4, strokeColor=EU_YELLOW, strokeWidth=1.5,
               strokeDashArray=[3, 2]))
    d.add(String(x100 + 2, chart.y + chart.height + 2,
                 printable(f"{labels.text('target', words)} ({formats.percent(100, lang, 0)})"),
                 fontName=regular, fontSize=6.5, fillColor=MUTED))
    return d


def bar_chart(title: str, rows: list[tuple[str, str, float, float]], lang: str, width: float,
              decimals: int = 0) -> Drawing:
    """One breakdown as horizontal bars, largest first: period and cumulative side by side where they differ,
    one bar per category where they are the same; each bar says its figure."""
    regular, bold = fonts()
    words = chart_language(lang)
    rows = rows[:MOST_CATEGORIES]
    same = all(period == cumulative for _, _, period, cumulative in rows)
    band = 13 if same else 20
    label_width = max(70.0, width * 0.36)
    height = 34 + band * len(rows) + 12
    d = Drawing(width, height)
    d.add(String(0, height - 11, printable(title), fontName=bold, fontSize=8.5, fillColor=INK))
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width + 4, 14
    chart.width, chart.height = width - label_width - 30, band * len(rows)
    shown = list(reversed(rows))   # reportlab draws the first category at the bottom
    # Within a category reportlab stacks the first series at the bottom: cumulative first puts the period on top,
    # in the legend's order.
    chart.data = [[r[2] for r in shown]] if same else [[r[3] for r in shown], [r[2] for r in shown]]
    chart.categoryAxis.categoryNames = [fit_label(r[1], label_width - 4, regular, 6.5) for r in shown]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.leading = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.textAnchor = "end"
    chart.categoryAxis.strokeColor = RULE
    peak = max([max(r[2], r[3]) for r in rows] + [1])
    step = nice_step(peak)
    chart.valueAxis.valueMin, chart.valueAxis.valueStep = 0, step
    chart.valueAxis.valueMax = step * math.ceil(peak / step)
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.labelTextFormat = lambda v: formats.number(v, lang, 0)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.strokeColor = RULE
    chart.barLabelFormat = lambda v: formats.number(v, lang, decimals if not float(v).is_integer() else 0)
    chart.barLabels.fontName, chart.barLabels.fontSize = regular, 6
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 2
    chart.bars[0].fillColor = EU_BLUE if same else LIGHT_BLUE
    chart.bars[0].strokeColor = None
    if not same:
        chart.bars[1].fillColor, chart.bars[1].strokeColor = EU_BLUE, None
    chart.barSpacing, chart.groupSpacing = 1, 4
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 2, height - 16
    legend.fontName, legend.fontSize = regular, 6.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 70
    legend.dxTextSpace, legend.dx, legend.dy = 3, 6, 6
    legend.variColumn = 1
    legend.boxAnchor = "nw"
    if same:
        legend.colorNamePairs = [(EU_BLUE, printable(labels.text("period_is_cumulative", words)))]
    else:
        # The legend reads top-down as the bars do: period first, cumulative below it.
        legend.colorNamePairs = [(EU_BLUE, printable(labels.text("value", words))),
                                 (LIGHT_BLUE, printable(labels.text("cumulative", words)))]
    d.add(legend)
    return d


def pie_chart(rows: list[tuple[str, float]], lang: str, width: float, height: float = 150) -> Drawing:
    """Budget lines' shares of the expenditure, each slice's percentage on it, amounts in the legend."""
    regular, _ = fonts()
    d = Drawing(width, height)
    if not rows or not sum(v for _, v in rows):
        return d
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 10, 10, height - 20, height - 20
    pie.data = [v for _, v in rows]
    total = sum(pie.data)
    pie.labels = [formats.percent(100 * v / total, lang, 0) if v / total >= 0.05 else "" for v in pie.data]
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
    legend.colorNamePairs = [
        (PALETTE[n % len(PALETTE)], printable(f"{name}  {formats.money(v, lang)}  "
                                              f"({formats.percent(100 * v / total, lang)})"))
        for n, (name, v) in enumerate(rows)]
    legend.dxTextSpace = 5
    d.add(legend)
    return d
