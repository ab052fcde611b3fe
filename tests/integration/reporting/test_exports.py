"""Exports of a report: XLSX opened with openpyxl (numbers and native charts), CSV parsed, PDF rendered to PNG."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from .conftest import history

pytestmark = pytest.mark.integration


@pytest.fixture
def report(api, feed, stream, programme):
    events, ids = history(stream)
    feed(*events)
    for body in ({"date": "2026-07-10", "budget_line": "travel", "amount": 1234.5, "currency": "EUR",
                  "description": "Travel to Keşan for the 4th Advisory Board meeting"},
                 {"date": "2026-08-10", "budget_line": "services", "amount": "250000", "currency": "TRY",
                  "eur_rate": "37.8512", "description": "Catering, resource efficiency workshop",
                  "meeting_id": ids["ws1"]}):
        assert api("POST", "/expenditures", json=body).status_code == 201
    draft = api("POST", "/reports", role="programme_officer", json={"period": "2026-Q3", "kind": "interim"}).json
    return api("POST", f"/reports/{draft['id']}/submit", role="programme_officer").json


def export(api, report, fmt, lang="bi"):
    response = api("GET", f"/reports/{report['id']}/export?format={fmt}&lang={lang}", role="auditor")
    assert response.status_code == 200, response.data[:300]
    assert f"tvp-report-2026-Q3-interim-{lang}.{fmt}" in response.headers["Content-Disposition"]
    return response


def test_xlsx_has_the_numbers_and_native_charts(api, report):
    response = export(api, report, "xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Özet - Summary", "Kırılımlar - Breakdowns", "Toplantılar - Meetings",
                               "Mali özet - Financial", "Harcamalar - Expenditures"]
    summary = book["Özet - Summary"]
    rows = {row[0]: row for row in summary.iter_rows(values_only=True) if row[0] in
            ("OI.1", "OI.2", "OI.3", "OI.4", "OI.5", "OI.6", "FI.1")}
    # percentages are fractions shown as percentages (0.5 → 50.0%)
    assert rows["OI.1"][2:6] == (5, 5, 10, 0.5)
    assert rows["OI.4"][2:6] == (6, 6, 200, 0.03)
    assert rows["OI.5"][2:4] == (3, 3) and rows["OI.6"][2:4] == (5, 6)
    assert rows["FI.1"][2:6] == (7839.31, 7839.31, 250000, 0.031)
    assert len(summary._charts) == 1
    assert len(book["Kırılımlar - Breakdowns"]._charts) >= 10
    assert len(book["Mali özet - Financial"]._charts) == 1
    values = [c for row in summary.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(v.startswith("This publication was produced with the financial support of the European Union")
               for v in values)
    assert any(v.startswith("Bu yayın Avrupa Birliği") for v in values)
    assert report["content_sha256"] in values  # "SHA-256 of the content": the package's manifest hashes the file
    meetings = list(book["Toplantılar - Meetings"].iter_rows(values_only=True))
    assert meetings[2][1] == "4. Danışma Kurulu Toplantısı / 4th Advisory Board Meeting" and meetings[2][5] == 1
    financial = list(load_workbook(io.BytesIO(response.data), data_only=True)["Mali özet - Financial"]
                     .iter_rows(values_only=True))
    total = next(row for row in financial if row[0] == "Toplam / Total")
    assert total[1:4] == (7839.31, 6663.41, 1175.9)   # the cached results of the total's formulas
    english = load_workbook(io.BytesIO(export(api, report, "xlsx", "en").data))
    assert english.sheetnames == ["Summary", "Breakdowns", "Meetings", "Financial", "Expenditures"]
    # (one test with the next check: the report fixture costs seconds of a suite over its time budget)
    xlsx_cells_are_typed_formatted_and_ready_to_print(api, report, english)


def xlsx_cells_are_typed_formatted_and_ready_to_print(api, report, english):
    data = export(api, report, "xlsx", "tr").data
    book, cached = load_workbook(io.BytesIO(data)), load_workbook(io.BytesIO(data), data_only=True)
    formats = {cell.number_format for ws in book for row in ws.iter_rows() for cell in row}
    assert "#,##0.##" not in formats   # it showed "6." for 6
    summary = book["Özet"]
    by_code = {row[0].value: row for row in summary.iter_rows() if row[0].value in ("OI.4", "FI.1")}
    assert [c.number_format for c in by_code["OI.4"][2:6]] == ["#,##0", "#,##0", "#,##0", "0.0%"]
    assert [c.number_format for c in by_code["FI.1"][2:5]] == ["#,##0.00"] * 3
    meetings = book["Toplantılar"]
    first = meetings["A2"]
    assert isinstance(first.value, datetime) and first.value.date() == date(2026, 7, 8)   # a date, not text
    assert first.number_format == "dd.mm.yyyy"
    expenditures, expenditures_cached = book["Harcamalar"], cached["Harcamalar"]
    assert [expenditures.cell(row=2, column=c).value for c in (4, 5, 6, 7)] == [1234.5, "EUR", None, 1234.5]
    assert expenditures["D3"].value == 250000 and expenditures["F3"].number_format == "#,##0.0000"
    assert expenditures["G4"].value == "=SUM(G2:G3)" and expenditures_cached["G4"].value == 7839.31
    assert book["Mali özet"]["B4"].value == "=SUM(B2:B3)"
    assert meetings["F5"].value == "=SUM(F2:F4)" and cached["Toplantılar"]["F5"].value == 7
    for ws in (book["Kırılımlar"], meetings, book["Mali özet"], expenditures):
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
    assert meetings.auto_filter.ref == "A1:I4"   # the meetings, not their total
    for ws in book:
        setup = ws.page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight, setup.paperSize) == ("landscape", 1, 0, 9)
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.oddFooter.right.text == "Sayfa &P / &N" and "2026-Q3" in ws.oddHeader.left.text
    # widths fit the content: the meeting titles' column is wider than the default, the dates' narrower
    assert meetings.column_dimensions["B"].width >= len("4. Danışma Kurulu Toplantısı")
    assert 10 <= meetings.column_dimensions["A"].width <= 14
    breakdowns = list(book["Kırılımlar"].iter_rows(values_only=True))
    assert breakdowns[0] == ("Kod", "Gösterge", "Kırılım", "Kategori", "Dönem", "Kümülatif")
    assert ("OI.4", "Kapasite geliştirme etkinliklerine katılım", "Cinsiyet", "Kadın", 3, 3) in breakdowns
    assert english["Meetings"]["A2"].number_format == "d mmm yyyy"
    assert english["Summary"].oddFooter.right.text == "Page &P of &N"
    assert export(api, report, "xlsx", "tr").data == data   # a submitted report exports to the same bytes


def test_csv_parses_with_the_figures(api, report):
    response = export(api, report, "csv", "en")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    indicators = {r["code"]: r for r in rows if r["section"] == "indicator"}
    assert list(indicators) == ["OI.1", "OI.2", "OI.3", "OI.4", "OI.5", "OI.6", "FI.1"]
    assert (indicators["OI.4"]["value"], indicators["OI.4"]["cumulative"], indicators["OI.4"]["target"]) == \
        ("6", "6", "200")
    assert indicators["FI.1"]["value"] == "7839.31" and indicators["FI.1"]["percent_of_target"] == "3.1"
    genders = {r["item"]: r["value"] for r in rows if r["section"] == "breakdown" and r["code"] == "OI.4"
               and r["dimension"] == "Gender"}
    assert genders == {"Women": "3", "Men": "2", "Undisclosed": "1"}
    meta = {r["dimension"]: r["item"] for r in rows if r["section"] == "report"}
    assert meta["sha256"] == report["sha256"] and meta["status"] == "submitted"
    assert meta["funding_statement"].startswith("This publication was produced with the financial support")
    assert [r["name"] for r in rows if r["section"] == "meeting"] == [
        "Resource efficiency workshop", "4th Advisory Board Meeting", "Energy efficiency training"]
    turkish = export(api, report, "csv", "tr").data.decode("utf-8-sig")
    assert "Kadın" in turkish and "Bu yayın Avrupa Birliği" in turkish


def test_pdf_renders_to_png_pages(api, report, tmp_path):
    response = export(api, report, "pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    again = export(api, report, "pdf")
    assert again.data == response.data   # invariant rendering: a submitted report exports identically
    pdf = pdfium.PdfDocument(response.data)
    assert len(pdf) >= 3
    text = ""
    for number, page in enumerate(pdf):
        image = page.render(scale=60 / 72).to_pil()
        image.save(tmp_path / f"page-{number}.png")
        assert (tmp_path / f"page-{number}.png").stat().st_size > 10_000   # a rendered page, not a blank one
        ink = sum(image.convert("L").histogram()[:200])   # pixels darker than the page
        assert ink > 2_000, f"page {number + 1} is (nearly) blank"
        text += page.get_textpage().get_text_range() + "\n"
    # Turkish letters as letters, not transliterated: the PDF embeds a font that has them. The bilingual
    # export is a Turkish document: its figures and dates read the Turkish way, in tables and charts alike.
    for expected in ("Dönem raporu / Period report — 2026-Q3", "Kırklareli", "Keşan TSO",
                     "4. Danışma Kurulu Toplantısı", "This publication was produced with the financial",
                     "7.839,31", "6.663,41", "Toplantılara katılan kuruluş sayısı", "%3,1", "08.07.2026",
                     "Hedef (%100)"):
        assert expected in text, expected
    assert "7,839.31" not in text and not re.search(r"\d[.,]\d %\s", text)   # no English figures, no "65.0 %"
    # OI.1 counts members at the period's end: period and cumulative are one bar; OI.6 differs (5 and 6): two.
    assert "Dönem = kümülatif (aynı değerler)" in text and "Kümülatif" in text
    meta = pdf.get_metadata_dict()
    submitted = datetime.fromisoformat(report["submitted_at"])
    assert meta["CreationDate"] == submitted.strftime("D:%Y%m%d%H%M%S+03'00'")   # not 2000-01-01
    assert meta["Title"] == "Dönem raporu / Period report — 2026-Q3 · Ara rapor / Interim report"
    assert meta["Subject"] == "Trakya'nın Verimli KOBİ'leri · 01.07.2026 – 30.09.2026"
    assert b"/Lang (tr-TR)" in response.data
    pdf_in_english_reads_the_english_way(api, report)   # the same report: one fixture for both


def pdf_in_english_reads_the_english_way(api, report):
    data = export(api, report, "pdf", "en").data
    pdf = pdfium.PdfDocument(data)
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    for expected in ("7,839.31", "6,663.41", "3.1%", "8 Jul 2026", "Target (100%)", "EU contribution (85%)"):
        assert expected in text, expected
    assert "7.839,31" not in text and "%3,1" not in text
    assert b"/Lang (en-GB)" in data and pdf.get_metadata_dict()["Title"] == "Period report — 2026-Q3 · Interim report"
