"""The parts of the report exports, without a service: breakdown charts, labels that fit, the PDF's dating,
and the XLSX totals' cached values."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pypdfium2 as pdfium
from openpyxl import Workbook, load_workbook
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate

from services.reporting.service_layer.exports import pdf_charts, pdf_metadata
from services.reporting.service_layer.exports.xlsx_finish import Totals, finish
from shared.pdf_fonts import fonts

ISTANBUL = timezone(timedelta(hours=3))


def _bars(drawing) -> HorizontalBarChart:
    return next(item for item in drawing.contents if isinstance(item, HorizontalBarChart))


def test_a_breakdown_whose_period_is_its_cumulative_has_one_bar_per_category():
    rows = [("female", "Kadın", 3, 3), ("male", "Erkek", 2, 2)]
    chart = _bars(pdf_charts.bar_chart("OI.4 · Cinsiyet", rows, "tr", 240))
    assert chart.data == [[2, 3]]   # drawn bottom-up: the largest at the top


def test_a_breakdown_that_differs_shows_period_and_cumulative_side_by_side():
    rows = [("female", "Kadın", 1, 3), ("male", "Erkek", 2, 2)]
    chart = _bars(pdf_charts.bar_chart("OI.4 · Cinsiyet", rows, "tr", 240))
    assert chart.data == [[2, 3], [2, 1]]   # cumulative first, so that the period bar is the upper one
    assert chart.bars[1].fillColor == pdf_charts.EU_BLUE


def test_chart_figures_are_in_the_reports_language():
    items = [{"code": "OI.1", "target": 10, "percent_of_target": 65.0},
             {"code": "FI.1", "target": 250000, "percent_of_target": 3.1}]
    turkish = _bars(pdf_charts.progress_chart(items, "tr", 400))
    assert turkish.barLabelArray == [["%3,1", "%65,0"]]
    assert turkish.valueAxis.labelTextFormat(25) == "%25"
    english = _bars(pdf_charts.bar_chart("FI.1", [("travel", "Travel", 1234.5, 1234.5)], "en", 240, 2))
    assert english.barLabelFormat(1234.5) == "1,234.50" and english.valueAxis.labelTextFormat(1000) == "1,000"


def test_long_category_names_wrap_on_two_lines_within_their_column():
    regular = fonts()[0]
    assert pdf_charts.fit_label("Kadın", 80, regular, 6.5) == "Kadın"
    wrapped = pdf_charts.fit_label("Organize sanayi bölgesi ve çevresindeki kuruluşlar", 70, regular, 6.5)
    lines = wrapped.split("\n")
    assert len(lines) == 2 and all(stringWidth(line, regular, 6.5) <= 70 for line in lines)
    assert lines[0].startswith("Organize") and lines[1].endswith("…")   # the full name is in the table


REPORT = {"period": "2026-Q3", "kind": "interim", "status": "submitted", "from": "2026-07-01", "to": "2026-09-30",
          "sha256": "ab" * 32, "submitted_at": datetime(2026, 10, 2, 7, 15, 30, tzinfo=timezone.utc),
          "content": {"computed_at": "2026-10-01T09:00:00+03:00",
                      "programme": {"name": "Thrace's Efficient SMEs", "name_tr": "Trakya'nın Verimli KOBİ'leri",
                                    "beneficiary": "Trakya Verimlilik Platformu"}}}


def _pdf(report: dict, lang: str) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, invariant=1, **pdf_metadata.document_info(report, lang))
    doc.build([Paragraph("x", getSampleStyleSheet()["Normal"])],
              canvasmaker=pdf_metadata.canvas_dated(pdf_metadata.report_moment(report)))
    return out.getvalue()


def test_the_pdf_is_dated_by_the_report_and_says_what_it_is():
    data = _pdf(REPORT, "tr")
    meta = pdfium.PdfDocument(data).get_metadata_dict()
    assert meta["CreationDate"] == meta["ModDate"] == "D:20261002101530+03'00'"   # submission, Istanbul time
    assert meta["Title"] == "Dönem raporu — 2026-Q3 · Ara rapor"
    assert meta["Author"] == "Trakya Verimlilik Platformu"
    assert meta["Subject"] == "Trakya'nın Verimli KOBİ'leri · 01.07.2026 – 30.09.2026"
    assert "sha256:" + "ab" * 32 in meta["Keywords"]
    assert b"/Lang (tr-TR)" in data
    assert b"/Lang (en-GB)" in _pdf(REPORT, "en")
    assert _pdf(REPORT, "tr") == data   # the same report, the same bytes


def test_a_drafts_pdf_is_dated_by_its_computation():
    draft = dict(REPORT, status="draft", submitted_at=None)
    assert pdfium.PdfDocument(_pdf(draft, "en")).get_metadata_dict()["CreationDate"] == "D:20261001090000+03'00'"


def test_xlsx_totals_are_formulas_with_their_values_cached_and_the_bytes_are_stable():
    def book() -> bytes:
        wb = Workbook()
        ws = wb.active
        ws.title = "Mali özet"
        for row, value in enumerate((1234.5, 6604.81, 0.1), start=2):
            ws.cell(row=row, column=2, value=value)
        totals = Totals()
        totals.sum_column(ws, 5, 2, 2, 4)
        return finish(wb, totals, datetime(2026, 10, 2, 10, 15, 30, tzinfo=ISTANBUL))

    data = book()
    assert load_workbook(io.BytesIO(data))["Mali özet"]["B5"].value == "=SUM(B2:B4)"
    cached = load_workbook(io.BytesIO(data), data_only=True)
    assert cached["Mali özet"]["B5"].value == 7839.41
    assert cached.properties.created == cached.properties.modified == datetime(2026, 10, 2, 7, 15, 30)
    assert book() == data
