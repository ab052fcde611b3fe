"""Reading chambers' organisation files (encodings, delimiters, headers, cells) and the duplicate rule: no I/O."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from services.members.adapters.organisation_files import FileProblem, csv_bytes, read_sheet
from services.members.domain.organisation_import import (
    DuplicateFinder,
    HeaderProblem,
    Identity,
    map_columns,
    name_key,
    normalise_values,
)

HEADER_TR = "Ünvanı;Türü;İL;Vergi Numarası"
ROW_TR = "Çorlu Ticaret ve Sanayi Odası;Oda;TEKİRDAĞ;0123456789"


def records(data: bytes) -> list[tuple[int, dict]]:
    sheet = read_sheet(data)
    return list(sheet.records(map_columns(sheet.header)))


@pytest.mark.parametrize("data, encoding", [
    ((HEADER_TR + "\n" + ROW_TR + "\n").encode("utf-8"), "utf-8"),
    ((HEADER_TR + "\n" + ROW_TR + "\n").encode("utf-8-sig"), "utf-8-sig"),
    ((HEADER_TR + "\r\n" + ROW_TR + "\r\n").encode("cp1254"), "cp1254"),
    ((HEADER_TR + "\n" + ROW_TR + "\n").encode("utf-16"), "utf-16"),
])
def test_turkish_text_reads_the_same_in_every_encoding_chambers_save(data, encoding):
    sheet = read_sheet(data)
    assert (sheet.encoding, sheet.delimiter) == (encoding, ";")
    assert records(data) == [(2, {"name": "Çorlu Ticaret ve Sanayi Odası", "kind": "Oda", "province": "TEKİRDAĞ",
                                  "tax_number": "0123456789"})]


def test_bytes_undefined_in_windows_1254_refuse_the_file():
    with pytest.raises(FileProblem) as refused:
        read_sheet(b"name,kind,province\n\x81\x8d\x8e,chamber,Edirne\n")
    assert refused.value.status == 415 and "Windows-1254" in refused.value.message


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_the_one_under_which_the_header_names_columns(delimiter):
    # The name holds the other delimiters: counting characters alone would guess wrong.
    text = delimiter.join(["name", "kind", "province"]) + "\n" + delimiter.join(
        ['"Keşan; Ticaret, Borsası"', "commodity_exchange", "Edirne"]) + "\n"
    sheet = read_sheet(text.encode())
    assert sheet.delimiter == delimiter
    assert records(text.encode())[0][1]["name"] == "Keşan; Ticaret, Borsası"


@pytest.mark.parametrize("cell, field", [
    ("name", "name"), ("ADI", "name"), ("Ünvanı", "name"), ("ÜNVANI", "name"), ("Organisation Name", "name"),
    ("İl", "province"), ("IL", "province"), ("il", "province"), ("Şehir", "province"), ("TÜRÜ", "kind"),
    ("Vergi Kimlik No", "tax_number"), ("VKN", "tax_number"), ("tax_number", "tax_number"),
    ("E-posta", "email"), ("İLÇE", "district"), ("Çalışan Sayısı", "employees"), ("Ölçek", "size_class"),
])
def test_header_names_in_turkish_or_english_any_case_and_dotted_i(cell, field):
    header = ["name", "kind", "province"]
    header = [cell if alias == field else alias for alias in header] if field in header else [*header, cell]
    assert field in map_columns(header).fields


def test_extra_columns_are_ignored_and_named():
    columns = map_columns(["Notlar", "name", "kind", "", "province", "Üye No"])
    assert columns.fields == {"name": 1, "kind": 2, "province": 4}
    assert columns.ignored == ["Notlar", "Üye No"]


@pytest.mark.parametrize("header, words", [
    (["foo", "bar"], "no recognisable header"),
    (["name", "province"], "kind"),
    (["name", "Adı", "kind", "province"], "two columns"),
])
def test_headers_that_cannot_be_imported(header, words):
    with pytest.raises(HeaderProblem, match=words):
        map_columns(header)


@pytest.mark.parametrize("typed, value", [
    ("Şirket", "company"), ("COMPANY", "company"), ("Ticaret Borsası", "commodity_exchange"),
    ("public body", "public_body"), ("OSB", "industrial_zone"), ("martian", "martian")])
def test_the_words_chambers_use_for_kinds(typed, value):
    assert normalise_values({"kind": typed})["kind"] == value


def test_size_classes_in_turkish():
    assert normalise_values({"size_class": "Küçük"})["size_class"] == "small"


def xlsx(rows, merge=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_cells_become_what_a_json_body_carries():
    data = xlsx([["Başlık satırı değil"], [], ["name", "kind", "province", "tax_number", "employees", "district"],
                 ["Edirne TSO", "chamber", "edirne", 123456789, 12.0, datetime(2026, 5, 1)],
                 [None, None, None, None, None, None],
                 ["Keşan TSO", "chamber", "Edirne", None, "7", date(2026, 5, 2)]])
    sheet = read_sheet(data)
    # The first non-empty row is the header, however far down it starts (here a title row, then a blank one).
    assert sheet.header[0] == "Başlık satırı değil"
    data = xlsx([["name", "kind", "province", "tax_number", "employees", "district"],
                 ["Edirne TSO", "chamber", "edirne", 123456789, 12.0, datetime(2026, 5, 1)],
                 [None, None, None, None, None, None],
                 ["Keşan TSO", "chamber", "Edirne", None, "7", date(2026, 5, 2)]])
    assert records(data) == [
        (2, {"name": "Edirne TSO", "kind": "chamber", "province": "edirne", "tax_number": "0123456789",
             "employees": 12, "district": "2026-05-01"}),
        (4, {"name": "Keşan TSO", "kind": "chamber", "province": "Edirne", "employees": 7, "district": "2026-05-02"}),
    ]


def test_xlsx_formulas_and_merged_cells_refuse_the_whole_file_naming_the_cells():
    with pytest.raises(FileProblem, match=r"formulas \(B2, B3\)"):
        read_sheet(xlsx([["name", "kind", "province"], ["A", "=LOWER(\"ODA\")", "Edirne"], ["B", "=B2", "Edirne"]]))
    with pytest.raises(FileProblem, match=r"merged cells \(C2:C3\)"):
        read_sheet(xlsx([["name", "kind", "province"], ["A", "chamber", "Edirne"], ["B", "chamber", None]],
                        merge="C2:C3"))


@pytest.mark.parametrize("data, status", [
    (b"", 422), (b"\n \n", 422), (b"\xef\xbb\xbf", 422), (b"\x00\x01\x02 binary", 415),
    (bytes.fromhex("d0cf11e0a1b11ae1") + bytes(64), 415), (b"PK\x03\x04 not a zip", 415),
])
def test_files_that_are_no_table(data, status):
    with pytest.raises(FileProblem) as refused:
        read_sheet(data)
    assert refused.value.status == status


def test_the_csv_export_opens_in_turkish_excel_and_never_runs_a_formula():
    data = csv_bytes(["name", "province", "is_sme", "created_at"],
                     [{"name": "=cmd|' /C calc'!A0", "province": "Kırklareli", "is_sme": True,
                       "created_at": datetime.fromisoformat("2026-05-01T09:00:00+00:00")}])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["name;province;is_sme;created_at",
                                                     "'=cmd|' /C calc'!A0;Kırklareli;true;2026-05-01 12:00:00"]


@pytest.mark.parametrize("a, b", [("Tekirdağ T.S.O.", "TEKIRDAG TSO"),
                                  ("Çorlu  Ticaret-Borsası", "corlu ticaret borsasi")])
def test_names_that_differ_only_in_spelling_are_one_name(a, b):
    assert name_key(a) == name_key(b)


def test_duplicates_by_tax_number_or_by_name_in_the_same_province():
    finder = DuplicateFinder({"org-1": Identity("0123456789", "Edirne", "Edirne TSO")})
    assert finder.check(Identity("0123456789", "Tekirdağ", "Other"), 2) == (
        "tax_number", "same tax number as the registered organisation org-1")
    assert finder.check(Identity(None, "Edirne", "EDİRNE T.S.O."), 3)[0] == "name"
    assert finder.check(Identity(None, "Kırklareli", "Edirne TSO"), 4) is None  # another province
    assert finder.check(Identity("1111111111", "Kırklareli", "edirne tso"), 5) == (
        "name", "same name in Kırklareli as row 4")
