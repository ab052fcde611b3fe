"""Importing organisations from files and exporting them, through the HTTP API against the real embedded MongoDB."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from .conftest import new_vkn

pytestmark = pytest.mark.integration

ORGS = "/api/v1/organisations"
IMPORTS = f"{ORGS}/imports"


def upload(api, content: bytes, dry_run: bool | None = None, filename="uyeler.csv", role="platform_admin", **kw):
    data = {"file": (io.BytesIO(content), filename)}
    if dry_run is not None:
        data["dry_run"] = "true" if dry_run else "false"
    return api.post(IMPORTS, data=data, content_type="multipart/form-data", role=role, **kw)


def chamber_file(taxes: list[str]) -> bytes:
    """A Turkish Excel CSV: Windows-1254, semicolons, Turkish headers, provinces as people type them, an extra
    column; row 4 refused (no size class for a company), row 5 a duplicate of row 2's tax number, row 6 the
    same name as row 3 in the same province."""
    lines = [
        "Ünvanı;Türü;İL;İlçe;Vergi No;Ölçek;Çalışan Sayısı;Notlar",
        f"Çorlu Tekstil A.Ş.;Şirket;TEKİRDAĞ;Çorlu;{taxes[0]};Küçük;42;eski üye",
        f"Keşan Ticaret Borsası;Borsa;edirne;Keşan;{taxes[1]};;;",
        "Lüleburgaz Makina;şirket;Kırklareli;Lüleburgaz;;;12;",
        f"Çorlu Tekstil (şube);company;Tekirdag;Çorlu;{taxes[0]};small;5;",
        "KEŞAN TİCARET BORSASI;commodity_exchange;Edirne;;;;;",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1254")


def test_the_dry_run_checks_every_row_reports_all_and_creates_nothing(api):
    response = upload(api, chamber_file([new_vkn(), new_vkn()]))
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["rows"], body["valid"], body["invalid"], body["duplicates"]) == (5, 2, 1, 2)
    assert body["errors"] == [{"row": 4, "field": "size_class", "message": "required for companies"}]
    assert [(d["row"], d["field"]) for d in body["duplicate_rows"]] == [(5, "tax_number"), (6, "name")]
    assert "row 2" in body["duplicate_rows"][0]["message"] and "row 3" in body["duplicate_rows"][1]["message"]
    assert body["ignored_columns"] == ["Notlar"]
    assert api.get(ORGS).json["total"] == 0


def test_a_row_fails_the_import_exactly_when_it_fails_the_api(api):
    rows = [("Bad VKN Ltd", "company", "Edirne", "1234567891", "small", "3"),
            ("X", "chamber", "Edirne", "", "", ""),
            ("Nowhere TSO", "chamber", "Atlantis", "", "", ""),
            ("Staff Ltd", "company", "Edirne", "", "small", "many")]
    text = "name,kind,province,tax_number,size_class,employees\n" + "\n".join(",".join(r) for r in rows) + "\n"
    imported = upload(api, text.encode()).json
    for number, row in enumerate(rows, 2):
        names = ("name", "kind", "province", "tax_number", "size_class", "employees")
        body = {k: v for k, v in zip(names, row, strict=True) if v}
        if "employees" in body:
            body["employees"] = int(body["employees"]) if body["employees"].isdigit() else body["employees"]
        refused = api.post(ORGS, body)
        assert refused.status_code == 422
        assert {e["field"]: [e["message"]] for e in imported["errors"] if e["row"] == number} == \
            refused.json["errors"]
    assert imported["invalid"] == 4 and imported["valid"] == 0


def test_the_commit_registers_the_new_rows_with_their_events_and_the_same_file_again_creates_nothing(api):
    existing = api.organisation(name="Babaeski Ticaret Odası", province="Kırklareli")
    content = chamber_file([new_vkn(), new_vkn()]) + "Babaeski Ticaret Odasi;oda;KIRKLARELI;;;;;\r\n".encode("cp1254")
    first = upload(api, content, dry_run=False, headers={"X-Correlation-Id": "import-1"})
    assert first.status_code == 201, first.json
    assert (first.json["created"], first.json["skipped"], first.json["duplicates"]) == (2, 4, 3)
    assert existing["id"] in first.json["duplicate_rows"][-1]["message"]
    created = {o["row"]: o["id"] for o in first.json["organisations"]}
    assert set(created) == {2, 3}
    corlu = api.get(f"{ORGS}/{created[2]}").json
    assert (corlu["name"], corlu["kind"], corlu["province"], corlu["size_class"], corlu["employees"],
            corlu["status"]) == ("Çorlu Tekstil A.Ş.", "company", "Tekirdağ", "small", 42, "applicant")
    [event] = api.events("organisations", created[2])
    assert event["type"] == "tr.tvp.members.organisation.registered.v1"
    assert event["correlationid"] == "import-1" and event["data"]["tax_number"] == corlu["tax_number"]

    again = upload(api, content, dry_run=False)
    assert again.status_code == 201
    assert (again.json["created"], again.json["skipped"], again.json["valid"]) == (0, 6, 0)
    assert api.get(ORGS).json["total"] == 3


ENCODINGS = [
    ("\ufeffname,kind,province\nEdirne TSO,chamber,edirne\n".encode(), "bom.csv"),
    ("name;kind;province\nEdirne TSO;chamber;EDİRNE\n".encode(), "semicolons.csv"),
    ("Adı\tTürü\tİli\nEdirne TSO\tOda\tEdirne\n".encode("utf-16"), "unicode.txt"),
]


def test_encodings_and_delimiters_chambers_use(api):
    for content, filename in ENCODINGS:
        body = upload(api, content, filename=filename).json
        assert (body["rows"], body["valid"], body["errors"]) == (1, 1, []), (filename, body)


def xlsx(rows, merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_xlsx_with_a_numeric_tax_number_imports(api):
    vkn = new_vkn()
    content = xlsx([["Ad", "Tür", "İl", "VKN", "Çalışan sayısı"], ["Uzunköprü TSO", "oda", "edirne", int(vkn), 7.0]])
    body = upload(api, content, dry_run=False, filename="uyeler.xlsx").json
    assert body["created"] == 1, body
    organisation = api.get(f"{ORGS}/{body['organisations'][0]['id']}").json
    assert (organisation["tax_number"], organisation["employees"]) == (vkn, 7)


BAD_FILES = [
    (b"", 422, "empty"),
    (b"\xef\xbb\xbf\r\n\r\n", 422, "empty"),
    (b"foo,bar,baz\n1,2,3\n", 422, "no recognisable header"),
    (b"name,province\nEdirne TSO,Edirne\n", 422, "kind"),
    (b"name,kind,province\n", 422, "no rows"),
    (b"%PDF-1.7\x00\x01binary", 415, "not a CSV or XLSX"),
    (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 100, 415, ".xls"),
    (b"PK\x03\x04broken", 415, "XLSX"),
]


def test_bad_files_are_refused_whole_naming_the_problem(api):
    # Valid rows first, so a partial import would show.
    good = ["Edirne TSO", "chamber", "Edirne"]
    cases = [*BAD_FILES,
             (xlsx([["name", "kind", "province"], good, ["=A2", "chamber", "Edirne"]]), 422, "formulas (A3)"),
             (xlsx([["name", "kind", "province"], good, ["", "", ""]], merge="A2:A3"), 422, "merged cells (A2:A3)")]
    for content, status, words in cases:
        response = upload(api, content, dry_run=False)
        assert response.status_code == status, (words, response.json)
        assert words in response.json["message"]
    assert api.get(ORGS).json["total"] == 0


def test_a_file_over_10_mb_is_413_and_nothing_is_imported(api):
    content = b"name,kind,province\n" + b"Edirne TSO,chamber,Edirne\n" * 420_000
    response = upload(api, content, dry_run=False)
    assert response.status_code == 413 and "10" in response.json["message"]
    assert api.get(ORGS).json["total"] == 0


def test_only_platform_admins_import(api):
    own = api.organisation(status="active")
    content = b"name,kind,province\nEdirne TSO,chamber,Edirne\n"
    assert upload(api, content, role="chamber_admin", org=own["id"]).status_code == 403
    assert upload(api, content, role="auditor").status_code == 403


def test_the_export_has_the_lists_filters_in_csv_and_xlsx(api):
    api.organisation(name="Edirne TSO", province="Edirne", tax_number=new_vkn())
    api.organisation(name="=HYPERLINK(\"x\")", province="Edirne", kind="ngo")
    api.organisation(name="Tekirdağ TSO", province="Tekirdağ")
    as_csv = api.get(f"{ORGS}/export?format=csv&province=edirne&sort=name", role="auditor")
    assert as_csv.status_code == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["Content-Disposition"]
    assert as_csv.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(as_csv.data.decode("utf-8-sig")), delimiter=";"))
    assert [r["name"] for r in rows] == ["'=HYPERLINK(\"x\")", "Edirne TSO"]
    assert {r["province"] for r in rows} == {"Edirne"} and rows[1]["status"] == "applicant"

    as_xlsx = api.get(f"{ORGS}/export?format=xlsx&q=tso")
    sheet = load_workbook(io.BytesIO(as_xlsx.data)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["id", "name", "short_name"] and sheet[1][0].font.bold
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Edirne TSO", "Tekirdağ TSO"]
    created = sheet.cell(row=2, column=header.index("created_at") + 1)
    assert created.is_date and created.value.year >= 2026

    refused = api.get(f"{ORGS}/export?format=pdf")
    assert refused.status_code == 422 and "format" in refused.json["errors"]


def test_an_exported_file_imports_again_as_duplicates_only(api):
    api.organisation(name="Edirne TSO", province="Edirne", tax_number=new_vkn())
    for fmt, filename in (("csv", "export.csv"), ("xlsx", "export.xlsx")):
        exported = api.get(f"{ORGS}/export?format={fmt}").data
        body = upload(api, exported, filename=filename).json
        assert (body["rows"], body["duplicates"], body["valid"], body["invalid"]) == (1, 1, 0, 0), body
        assert "id" in body["ignored_columns"]
