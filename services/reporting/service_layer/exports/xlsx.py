"""XLSX with native Excel charts (openpyxl), made to be worked with and printed.

Sheets (names in the export's language): Summary (facts, indicator table, progress chart, funding statement),
Breakdowns (one filterable table of every breakdown, a chart per breakdown beside it), Meetings, Financial
(budget lines with EU/national split and a pie chart) and Expenditures.

Cells hold values, not text: dates are dates, amounts numbers, percentages fractions, each with a number
format; Excel shows them in the reader's own locale (a format code is locale-neutral: `#,##0.00` reads
`1.234,56` in a Turkish Excel). Totals are `=SUM(...)` formulas with their values cached (xlsx_finish.py).
Table sheets freeze their header row and carry an auto-filter; every sheet prints landscape on A4, fitted to
the page width, with the header row repeated, the report in the page header and page numbers in the footer.
"""
from __future__ import annotations

from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from shared.clock import local

from ...domain import labels, money
from . import common, formats
from .pdf_metadata import report_moment
from .xlsx_finish import Totals, finish
from .xlsx_narrative import narrative_sheet

BLUE = "003399"
HEAD_FILL = PatternFill("solid", fgColor=BLUE)
HEAD_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=16, color=BLUE)
SUB_FONT = Font(bold=True, size=12, color=BLUE)
BOLD = Font(bold=True)
THIN = Border(bottom=Side(style="thin", color="BBBBBB"))
TOTAL_BORDER = Border(top=Side(style="thin", color="1F2937"))
WRAP = Alignment(wrap_text=True, vertical="top")

# Number formats (locale-neutral codes; Excel applies the reader's separators).
INTEGER = "#,##0"
MONEY = "#,##0.00"
RATE = "#,##0.0000"
PERCENT = "0.0%"
DATES = {"tr": "dd.mm.yyyy", "bi": "dd.mm.yyyy", "en": "d mmm yyyy"}
WIDEST = 60   # characters; longer texts wrap

SHEETS = {"summary": ("Summary", "Özet"), "breakdowns": ("Breakdowns", "Kırılımlar"),
          "meetings": ("Meetings", "Toplantılar"), "financial": ("Financial", "Mali özet"),
          "expenditures": ("Expenditures", "Harcamalar")}
PAGE_FOOTER = {"en": "Page &P of &N", "tr": "Sayfa &P / &N", "bi": "Sayfa / Page &P / &N"}


def _sheet_title(key: str, lang: str) -> str:
    en, tr = SHEETS[key]
    return {"en": en, "tr": tr}.get(lang, f"{tr} - {en}")[:31]


def _head(ws, row: int, values: list[str]) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.fill, cell.font, cell.alignment = HEAD_FILL, HEAD_FONT, Alignment(wrap_text=True, vertical="center")


def _num(value):
    if value is None or value == "":
        return None
    number = float(value)   # amounts and rates are stored as decimal strings
    return int(number) if number.is_integer() else number


def _fraction(percent):
    """A percentage as Excel keeps one (65.0 → 0.65), shown by PERCENT as `65.0%` / `%65,0`."""
    return None if percent is None else round(float(percent) / 100, 6)


def _day(value) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _moment(value) -> datetime | None:
    """A stored time as Excel keeps one: the platform zone's wall time, without an offset (Excel has none)."""
    if not value:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return local(value).replace(tzinfo=None)


def _set(ws, row: int, column: int, value, number_format: str | None = None, **style):
    cell = ws.cell(row=row, column=column, value=value)
    if number_format:
        cell.number_format = number_format
    for key, item in style.items():
        setattr(cell, key, item)
    return cell


def _fit_columns(ws: Worksheet, first_row: int, last_row: int, least: int = 8) -> None:
    """Widths from the longest content of rows first_row..last_row (numbers as they will show), capped at
    WIDEST characters (longer texts wrap); merged cells (the funding statement) do not widen a column."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=first_row, max_row=last_row):
        for cell in row:
            if cell.value is None or cell.coordinate in ws.merged_cells:
                continue
            if isinstance(cell.value, datetime | date):
                length = 17 if isinstance(cell.value, datetime) else 11
            elif isinstance(cell.value, int | float):
                length = len(f"{cell.value:,.2f}") + 1
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                length = 14
            else:
                length = max(len(line) for line in str(cell.value).split("\n"))
            widths[cell.column] = max(widths.get(cell.column, least), min(length + 2, WIDEST))
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width


def _table_sheet(ws: Worksheet, last_row: int, columns: int) -> None:
    """A header row frozen and filtered, repeated on every printed page."""
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(last_row, 2)}"
    ws.print_title_rows = "1:1"


def _print_setup(ws: Worksheet, report: dict, lang: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0   # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    # `&` starts a code in a header; a literal one is doubled.
    title = f"{labels.text('report_title', lang)} {report['period']} · {labels.value(report['kind'], lang)}"
    ws.oddHeader.left.text = title.replace("&", "&&")
    ws.oddHeader.right.text = "&A"
    ws.oddFooter.left.text = f"SHA-256 {report['sha256'][:16]}…"
    ws.oddFooter.right.text = PAGE_FOOTER[lang]


def _summary(wb: Workbook, report: dict, lang: str) -> None:
    content = report["content"]
    ws = wb.active
    ws.title = _sheet_title("summary", lang)
    ws["A1"] = f"{labels.text('report_title', lang)} — {report['period']}"
    ws["A1"].font = TITLE_FONT
    programme = content["programme"]
    name_tr = programme.get("name_tr") or programme["name"]
    name = {"en": programme["name"], "tr": name_tr}.get(lang, f"{name_tr} / {programme['name']}")
    rows = [
        ("programme", name, None),
        ("beneficiary", programme.get("beneficiary") or "", None),
        ("period", common.period_text(report, lang), None),
        ("kind", labels.value(report["kind"], lang), None),
        ("status", labels.value(report["status"], lang), None),
        ("computed_at", _moment(content["computed_at"]), DATES[lang] + " hh:mm"),
        ("cumulative_from", _day(content["cumulative_from"]), DATES[lang]),
        ("sha256", report["sha256"], None),
    ]
    if report.get("submitted_at"):
        rows.insert(5, ("submitted_at", _moment(report["submitted_at"]), DATES[lang] + " hh:mm"))
    for n, (key, value, number_format) in enumerate(rows, start=3):
        _set(ws, n, 1, labels.text(key, lang), font=BOLD)
        _set(ws, n, 2, value, number_format, alignment=Alignment(horizontal="left"))
    top = 3 + len(rows) + 1
    _set(ws, top, 1, labels.text("indicators", lang), font=SUB_FONT)
    _head(ws, top + 1, [labels.text(k, lang) for k in ("code", "indicator", "value", "cumulative", "target",
                                                        "percent")])
    items = common.indicators(content)
    for n, indicator in enumerate(items, start=top + 2):
        figures = MONEY if indicator["code"] == "FI.1" else INTEGER
        _set(ws, n, 1, indicator["code"])
        _set(ws, n, 2, labels.indicator_name(indicator, lang), alignment=WRAP)
        for col, key in ((3, "value"), (4, "cumulative"), (5, "target")):
            _set(ws, n, col, _num(indicator[key]), figures)
        _set(ws, n, 6, _fraction(indicator["percent_of_target"]), PERCENT)
        for col in range(1, 7):
            ws.cell(row=n, column=col).border = THIN
    first, last = top + 2, top + 1 + len(items)
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = labels.text("chart_progress", lang)
    chart.y_axis.scaling.min = 0
    chart.y_axis.number_format = "0%"
    chart.y_axis.majorGridlines = None
    chart.add_data(Reference(ws, min_col=6, min_row=top + 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"   # OI.1 at the top, as in the table
    chart.legend = None
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.height, chart.width = 9, 18
    ws.add_chart(chart, f"A{last + 2}")
    statement_row = last + 22
    _set(ws, statement_row, 1, labels.text("funding_statement", lang), font=SUB_FONT)
    for n, text in enumerate(common.funding_statement(content, lang), start=statement_row + 1):
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=6)
        _set(ws, n, 1, text, alignment=WRAP)
        ws.row_dimensions[n].height = 48
    _fit_columns(ws, top + 1, last)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 24)
    ws.column_dimensions["B"].width = WIDEST
    _print_setup(ws, report, lang)


def _breakdowns(wb: Workbook, report: dict, lang: str) -> None:
    """One table (code, indicator, dimension, item, period, cumulative) to filter, a chart per breakdown."""
    ws = wb.create_sheet(_sheet_title("breakdowns", lang))
    _head(ws, 1, [labels.text("code", lang), labels.text("indicator", lang), labels.text("breakdown", lang),
                  labels.text("category", lang), labels.text("value", lang), labels.text("cumulative", lang)])
    row, charts = 2, 0
    for indicator in common.indicators(report["content"]):
        figures = MONEY if indicator["code"] == "FI.1" else INTEGER
        for dimension in indicator["breakdowns"]:
            items = common.breakdown_rows(indicator, dimension, lang)
            if not items:
                continue
            first = row
            for _, label, value, cumulative in items:
                _set(ws, row, 1, indicator["code"])
                _set(ws, row, 2, labels.indicator_name(indicator, lang))
                _set(ws, row, 3, labels.dimension(dimension, lang))
                _set(ws, row, 4, label)
                _set(ws, row, 5, _num(value), figures)
                _set(ws, row, 6, _num(cumulative), figures)
                row += 1
            chart = _breakdown_chart(ws, indicator, dimension, items, first, row - 1, lang)
            ws.add_chart(chart, f"H{2 + 15 * charts}")
            charts += 1
    _table_sheet(ws, row - 1, 6)
    _fit_columns(ws, 1, row - 1)
    _print_setup(ws, report, lang)


def _breakdown_chart(ws, indicator: dict, dimension: str, items: list, first: int, last: int, lang: str) -> BarChart:
    """Bars per item: period and cumulative where they differ, one series where they are the same."""
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = f"{indicator['code']} · {labels.dimension(dimension, lang)}"
    same = all(value == cumulative for _, _, value, cumulative in items)
    columns = ((5, "period_is_cumulative"),) if same else ((5, "value"), (6, "cumulative"))
    for column, key in columns:
        chart.add_data(Reference(ws, min_col=column, min_row=first, max_row=last), titles_from_data=False)
        chart.series[-1].tx = SeriesLabel(v=labels.text(key, lang))
    chart.set_categories(Reference(ws, min_col=4, min_row=first, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"   # the largest first, as in the table
    chart.y_axis.scaling.min = 0
    chart.y_axis.majorGridlines = None
    chart.legend.position = "b"
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.height, chart.width = 7, 15
    return chart


def _meetings(wb: Workbook, report: dict, lang: str, totals: Totals) -> None:
    ws = wb.create_sheet(_sheet_title("meetings", lang))
    columns = ("date", "meeting", "meeting_kind", "host", "province", "attendance", "organisations", "smes",
               "quorum")
    _head(ws, 1, [labels.text(k, lang) for k in columns])
    meetings = report["content"]["meetings"]
    for n, meeting in enumerate(meetings, start=2):
        values = [_day(meeting["date"]), common.meeting_title(meeting, lang), labels.value(meeting["kind"], lang),
                  meeting.get("host_name") or "", meeting.get("province") or "", meeting["attendances"],
                  meeting.get("distinct_organisations", 0), meeting.get("distinct_smes", 0),
                  common.quorum_text(meeting, lang)]
        for col, value in enumerate(values, start=1):
            _set(ws, n, col, value, DATES[lang] if col == 1 else INTEGER if col in (6, 7, 8) else None, border=THIN)
        ws.cell(row=n, column=2).alignment = WRAP
    last = 1 + len(meetings)
    if meetings:
        # Attendances add up; distinct organisations and SMEs do not (one firm comes to several meetings).
        total_row = last + 1
        _set(ws, total_row, 1, labels.text("total", lang), font=BOLD, border=TOTAL_BORDER)
        cell = totals.sum_column(ws, total_row, 6, 2, last, 0)
        cell.number_format, cell.font, cell.border = INTEGER, BOLD, TOTAL_BORDER
    else:
        _set(ws, 2, 1, labels.text("no_meetings", lang))
    _table_sheet(ws, last, len(columns))
    _fit_columns(ws, 1, last)
    _print_setup(ws, report, lang)


def _financial(wb: Workbook, report: dict, lang: str, totals: Totals) -> None:
    content = report["content"]
    financial = content["financial"]
    ws = wb.create_sheet(_sheet_title("financial", lang))
    _head(ws, 1, [labels.text("budget_line", lang), labels.text("amount_eur", lang),
                  f"{labels.text('eu_share', lang)} ({formats.percent(financial['eu_share_pct'], lang, 0)})",
                  f"{labels.text('national_share', lang)} "
                  f"({formats.percent(financial['national_share_pct'], lang, 0)})"])
    lines = financial["by_budget_line"]
    for n, line in enumerate(lines, start=2):
        _set(ws, n, 1, labels.value(line["budget_line"], lang))
        for col, key in ((2, "amount_eur"), (3, "eu_eur"), (4, "national_eur")):
            _set(ws, n, col, _num(line[key]), MONEY)
    total_row = 2 + len(lines)
    _set(ws, total_row, 1, labels.text("total", lang), font=BOLD, border=TOTAL_BORDER)
    if lines:
        total = totals.sum_column(ws, total_row, 2, 2, total_row - 1)
        # The shares of the total are taken of the total, as the report computes them (domain/money.split):
        # the lines' rounded shares may add up to a cent more or less.
        share = format(money.dec(financial["eu_share_pct"]), "f")
        eu, national = money.split(totals.cached(ws.title, total.coordinate), share)
        cells = [total, totals.formula(ws, total_row, 3, f"=ROUND(B{total_row}*{share}/100,2)", float(eu)),
                 totals.formula(ws, total_row, 4, f"=B{total_row}-C{total_row}", float(national))]
    else:
        cells = [_set(ws, total_row, col, 0) for col in (2, 3, 4)]
    for cell in cells:
        cell.number_format, cell.font, cell.border = MONEY, BOLD, TOTAL_BORDER
    if lines:
        pie = PieChart()
        pie.title = labels.text("financial", lang)
        pie.add_data(Reference(ws, min_col=2, min_row=1, max_row=total_row - 1), titles_from_data=True)
        pie.set_categories(Reference(ws, min_col=1, min_row=2, max_row=total_row - 1))
        pie.dataLabels = DataLabelList()
        pie.dataLabels.showPercent = True
        pie.height, pie.width = 8, 12
        ws.add_chart(pie, "F1")
    else:
        _set(ws, total_row + 1, 1, labels.text("no_expenditure", lang))
    start = max(total_row + 3, 20)
    _set(ws, start, 1, labels.text("funding_statement", lang), font=SUB_FONT)
    for n, text in enumerate(common.funding_statement(content, lang), start=start + 1):
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=5)
        _set(ws, n, 1, text, alignment=WRAP)
        ws.row_dimensions[n].height = 48
    _table_sheet(ws, total_row - 1, 4)
    _fit_columns(ws, 1, total_row)
    _print_setup(ws, report, lang)


def _expenditures(wb: Workbook, report: dict, lang: str, totals: Totals) -> None:
    ws = wb.create_sheet(_sheet_title("expenditures", lang))
    columns = ("date", "budget_line", "description", "amount", "currency", "rate", "amount_eur")
    _head(ws, 1, [labels.text(k, lang) for k in columns])
    items = report["content"]["financial"]["expenditures"]
    for n, item in enumerate(items, start=2):
        values = [(_day(item["date"]), DATES[lang]), (labels.value(item["budget_line"], lang), None),
                  (item["description"], None), (_num(item["amount"]), MONEY), (item["currency"], None),
                  (_num(item.get("eur_rate")), RATE), (_num(item["amount_eur"]), MONEY)]
        for col, (value, number_format) in enumerate(values, start=1):
            _set(ws, n, col, value, number_format, border=THIN)
        ws.cell(row=n, column=3).alignment = WRAP
    last = 1 + len(items)
    if items:
        _set(ws, last + 1, 1, labels.text("total", lang), font=BOLD, border=TOTAL_BORDER)
        cell = totals.sum_column(ws, last + 1, 7, 2, last)
        cell.number_format, cell.font, cell.border = MONEY, BOLD, TOTAL_BORDER
    else:
        _set(ws, 2, 1, labels.text("no_expenditure", lang))
    _table_sheet(ws, last, len(columns))
    _fit_columns(ws, 1, last)
    _print_setup(ws, report, lang)


def render_xlsx(report: dict, lang: str) -> bytes:
    wb = Workbook()
    totals = Totals()
    _summary(wb, report, lang)
    _breakdowns(wb, report, lang)
    _meetings(wb, report, lang, totals)
    _financial(wb, report, lang, totals)
    _expenditures(wb, report, lang, totals)
    narrative_sheet(wb, report, lang)
    wb.properties.title = f"{labels.text('report_title', lang)} — {report['period']}"
    wb.properties.subject = labels.value(report["kind"], lang)
    wb.properties.creator = labels.text("platform", lang)
    wb.properties.language = formats.LANGUAGE_TAGS[lang]
    wb.properties.keywords = f"{report['period']}, {report['kind']}, sha256:{report['sha256']}"
    return finish(wb, totals, report_moment(report))
