"""XLSX with native Excel charts (openpyxl): summary with the indicator table and a progress chart,
breakdowns each with its chart, meetings of the period, financial summary with a pie chart."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ...domain import labels
from . import common
from .xlsx_narrative import narrative_sheet

BLUE = "003399"
HEAD_FILL = PatternFill("solid", fgColor=BLUE)
HEAD_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=16, color=BLUE)
SUB_FONT = Font(bold=True, size=12, color=BLUE)
THIN = Border(bottom=Side(style="thin", color="BBBBBB"))
WRAP = Alignment(wrap_text=True, vertical="top")


SHEETS = {"summary": ("Summary", "Özet"), "breakdowns": ("Breakdowns", "Kırılımlar"),
          "meetings": ("Meetings", "Toplantılar"), "financial": ("Financial", "Mali özet")}


def _sheet_title(key: str, lang: str) -> str:
    en, tr = SHEETS[key]
    return {"en": en, "tr": tr}.get(lang, f"{tr} - {en}")[:31]


def _head(ws, row: int, values: list[str]) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.fill, cell.font, cell.alignment = HEAD_FILL, HEAD_FONT, Alignment(wrap_text=True, vertical="center")


def _widths(ws, widths: list[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _num(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _summary(wb: Workbook, report: dict, lang: str) -> None:
    content = report["content"]
    ws = wb.active
    ws.title = _sheet_title("summary", lang)
    _widths(ws, [10, 58, 14, 14, 14, 14])
    ws["A1"] = f"{labels.text('report_title', lang)} — {report['period']}"
    ws["A1"].font = TITLE_FONT
    programme = content["programme"]
    name_tr = programme.get("name_tr") or programme["name"]
    name = {"en": programme["name"], "tr": name_tr}.get(lang, f"{name_tr} / {programme['name']}")
    rows = [
        ("programme", name),
        ("beneficiary", programme.get("beneficiary") or ""),
        ("period", common.period_text(report, lang)),
        ("kind", labels.value(report["kind"], lang)),
        ("status", labels.value(report["status"], lang)),
        ("computed_at", common.fmt_time(content["computed_at"])),
        ("cumulative_from", content["cumulative_from"]),
        ("sha256", report["sha256"]),
    ]
    if report.get("submitted_at"):
        rows.insert(5, ("submitted_at", common.fmt_time(report["submitted_at"])))
    for n, (key, value) in enumerate(rows, start=3):
        ws.cell(row=n, column=1, value=labels.text(key, lang)).font = Font(bold=True)
        ws.cell(row=n, column=2, value=value)
    top = 3 + len(rows) + 1
    ws.cell(row=top, column=1, value=labels.text("indicators", lang)).font = SUB_FONT
    _head(ws, top + 1, [labels.text(k, lang) for k in ("code", "indicator", "value", "cumulative", "target",
                                                        "percent")])
    items = common.indicators(content)
    for n, indicator in enumerate(items, start=top + 2):
        ws.cell(row=n, column=1, value=indicator["code"])
        ws.cell(row=n, column=2, value=labels.indicator_name(indicator, lang)).alignment = WRAP
        for col, key in ((3, "value"), (4, "cumulative"), (5, "target"), (6, "percent_of_target")):
            cell = ws.cell(row=n, column=col, value=_num(indicator[key]))
            cell.number_format = "#,##0.0" if key == "percent_of_target" else (
                "#,##0.00" if indicator["code"] == "FI.1" else "#,##0")
        for col in range(1, 7):
            ws.cell(row=n, column=col).border = THIN
    first, last = top + 2, top + 1 + len(items)
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = labels.text("chart_progress", lang)
    chart.y_axis.title = "%"
    chart.y_axis.scaling.min = 0
    chart.add_data(Reference(ws, min_col=6, min_row=top + 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.legend = None
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.height, chart.width = 9, 18
    ws.add_chart(chart, f"A{last + 2}")
    statement_row = last + 22
    ws.cell(row=statement_row, column=1, value=labels.text("funding_statement", lang)).font = SUB_FONT
    for n, text in enumerate(common.funding_statement(content, lang), start=statement_row + 1):
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=6)
        cell = ws.cell(row=n, column=1, value=text)
        cell.alignment = WRAP
        ws.row_dimensions[n].height = 48


def _breakdowns(wb: Workbook, report: dict, lang: str) -> None:
    ws = wb.create_sheet(_sheet_title("breakdowns", lang))
    _widths(ws, [36, 14, 14])
    row = 1
    for indicator in common.indicators(report["content"]):
        for dimension in indicator["breakdowns"]:
            items = common.breakdown_rows(indicator, dimension, lang)
            if not items:
                continue
            title = f"{indicator['code']} — {labels.indicator_name(indicator, lang)}"
            ws.cell(row=row, column=1, value=title).font = SUB_FONT
            ws.cell(row=row + 1, column=1, value=labels.dimension(dimension, lang)).font = Font(italic=True)
            _head(ws, row + 2, [labels.dimension(dimension, lang), labels.text("value", lang),
                                labels.text("cumulative", lang)])
            for n, (_, label, value, cumulative) in enumerate(items, start=row + 3):
                ws.cell(row=n, column=1, value=label)
                ws.cell(row=n, column=2, value=_num(value)).number_format = "#,##0.##"
                ws.cell(row=n, column=3, value=_num(cumulative)).number_format = "#,##0.##"
            last = row + 2 + len(items)
            chart = BarChart()
            chart.type = "col"
            chart.style = 10
            chart.title = f"{indicator['code']} · {labels.dimension(dimension, lang)}"
            chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=row + 2, max_row=last), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=row + 3, max_row=last))
            chart.height, chart.width = 7, 14
            ws.add_chart(chart, f"E{row}")
            row = max(last + 2, row + 16)


def _meetings(wb: Workbook, report: dict, lang: str) -> None:
    ws = wb.create_sheet(_sheet_title("meetings", lang))
    _widths(ws, [12, 52, 26, 24, 14, 12, 14, 10, 14])
    _head(ws, 1, [labels.text(k, lang) for k in ("date", "meeting", "meeting_kind", "host", "province", "attendance",
                                                  "organisations", "smes", "quorum")])
    meetings = report["content"]["meetings"]
    for n, meeting in enumerate(meetings, start=2):
        values = [meeting["date"], common.meeting_title(meeting, lang), labels.value(meeting["kind"], lang),
                  meeting.get("host_name") or "", meeting.get("province") or "", meeting["attendances"],
                  meeting.get("distinct_organisations", 0), meeting.get("distinct_smes", 0),
                  common.quorum_text(meeting, lang)]
        for col, value in enumerate(values, start=1):
            ws.cell(row=n, column=col, value=value).border = THIN
        ws.cell(row=n, column=2).alignment = WRAP
    if not meetings:
        ws.cell(row=2, column=1, value=labels.text("no_meetings", lang))


def _financial(wb: Workbook, report: dict, lang: str) -> None:
    content = report["content"]
    financial = content["financial"]
    ws = wb.create_sheet(_sheet_title("financial", lang))
    _widths(ws, [30, 16, 16, 16, 40, 14, 10, 12])
    _head(ws, 1, [labels.text("budget_line", lang), labels.text("amount_eur", lang),
                  f"{labels.text('eu_share', lang)} ({financial['eu_share_pct']} %)",
                  f"{labels.text('national_share', lang)} ({financial['national_share_pct']} %)"])
    lines = financial["by_budget_line"]
    for n, line in enumerate(lines, start=2):
        ws.cell(row=n, column=1, value=labels.value(line["budget_line"], lang))
        for col, key in ((2, "amount_eur"), (3, "eu_eur"), (4, "national_eur")):
            ws.cell(row=n, column=col, value=_num(line[key])).number_format = "#,##0.00"
    total_row = 2 + len(lines)
    ws.cell(row=total_row, column=1, value=labels.text("total", lang)).font = Font(bold=True)
    for col, key in ((2, "total_eur"), (3, "eu_eur"), (4, "national_eur")):
        cell = ws.cell(row=total_row, column=col, value=_num(financial[key]))
        cell.number_format, cell.font = "#,##0.00", Font(bold=True)
    if lines:
        pie = PieChart()
        pie.title = labels.text("financial", lang)
        pie.add_data(Reference(ws, min_col=2, min_row=1, max_row=total_row - 1), titles_from_data=True)
        pie.set_categories(Reference(ws, min_col=1, min_row=2, max_row=total_row - 1))
        pie.dataLabels = DataLabelList()
        pie.dataLabels.showPercent = True
        pie.height, pie.width = 8, 12
        ws.add_chart(pie, "F1")
    start = max(total_row + 3, 20)
    ws.cell(row=start, column=1, value=labels.text("expenditures", lang)).font = SUB_FONT
    _head(ws, start + 1, [labels.text(k, lang) for k in ("date", "budget_line", "amount", "currency", "description",
                                                          "amount_eur", "rate")])
    for n, item in enumerate(financial["expenditures"], start=start + 2):
        values = [item["date"], labels.value(item["budget_line"], lang), float(item["amount"]), item["currency"],
                  item["description"], float(item["amount_eur"]), float(item["eur_rate"]) if item["eur_rate"] else None]
        for col, value in enumerate(values, start=1):
            ws.cell(row=n, column=col, value=value)
        ws.cell(row=n, column=3).number_format = ws.cell(row=n, column=6).number_format = "#,##0.00"
    end = start + 3 + len(financial["expenditures"])
    for n, text in enumerate(common.funding_statement(content, lang), start=end):
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=5)
        ws.cell(row=n, column=1, value=text).alignment = WRAP
        ws.row_dimensions[n].height = 48


def render_xlsx(report: dict, lang: str) -> bytes:
    wb = Workbook()
    _summary(wb, report, lang)
    _breakdowns(wb, report, lang)
    _meetings(wb, report, lang)
    _financial(wb, report, lang)
    narrative_sheet(wb, report, lang)
    wb.properties.title = f"TVP {report['period']} {report['kind']}"
    wb.properties.creator = "Thrace Productivity Platform"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
