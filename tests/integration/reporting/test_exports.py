"""Exports of a report: XLSX opened with openpyxl (numbers and native charts), CSV parsed, PDF rendered to PNG."""
from __future__ import annotations

import csv
import io

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
                               "Mali özet - Financial"]
    summary = book["Özet - Summary"]
    rows = {row[0]: row for row in summary.iter_rows(values_only=True) if row[0] in
            ("OI.1", "OI.2", "OI.3", "OI.4", "OI.5", "OI.6", "FI.1")}
    assert rows["OI.1"][2:6] == (5, 5, 10, 50)
    assert rows["OI.4"][2:6] == (6, 6, 200, 3)
    assert rows["OI.5"][2:4] == (3, 3) and rows["OI.6"][2:4] == (5, 6)
    assert rows["FI.1"][2:6] == (7839.31, 7839.31, 250000, 3.1)
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
    financial = list(book["Mali özet - Financial"].iter_rows(values_only=True))
    total = next(row for row in financial if row[0] == "Toplam / Total")
    assert total[1:4] == (7839.31, 6663.41, 1175.9)
    english = load_workbook(io.BytesIO(export(api, report, "xlsx", "en").data))
    assert english.sheetnames == ["Summary", "Breakdowns", "Meetings", "Financial"]


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
    # Turkish letters as letters, not transliterated: the PDF embeds a font that has them.
    for expected in ("Dönem raporu / Period report — 2026-Q3", "Kırklareli", "Keşan TSO",
                     "4. Danışma Kurulu Toplantısı", "This publication was produced with the financial",
                     "7,839.31", "6,663.41", "Toplantılara katılan kuruluş sayısı"):
        assert expected in text, expected
