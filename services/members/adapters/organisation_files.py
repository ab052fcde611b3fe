"""Organisation files as chambers keep them: reading a CSV or XLSX into rows, writing the export.

Reading finds out, from the bytes and never from the file's name, what a file is:
- XLSX (a zip with `xl/workbook.xml`), read with openpyxl in read-only mode from its first sheet; a formula or
  a merged cell refuses the whole file (a formula's value is whatever Excel last computed, if it saved one at
  all, and a merged cell leaves all but one of its cells empty: either would import something else than the
  person sees);
- CSV in UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text") or Windows-1254 (what
  Turkish Excel saves as "CSV"): a file that decodes as strict UTF-8 is UTF-8 (Windows-1254 text with Turkish
  letters practically never does), otherwise Windows-1254, whose undefined bytes refuse the file; the
  delimiter (comma, semicolon or tab) is the one under which the header names the most known columns.
Row numbers are those a person sees in Excel (the header is usually row 1).
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable

from shared.clock import PLATFORM_ZONE

from ..domain.organisation_import import ColumnMap, known_header

MAX_FILE_BYTES = 10 * 1024 * 1024
# What an XLSX may unpack to: a 10 MB zip of repeated cells can hold gigabytes.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DELIMITERS = (";", ",", "\t")
# A value Excel would run as a formula when it opens an exported file (CSV injection): shown as text instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")
_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
SHOWN_CELLS = 5  # how many offending cells a refusal names


class FileProblem(Exception):
    """The file as a whole cannot be imported: 413, 415 or 422, with what is wrong in words."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Sheet:
    """A file's rows: its header cells and, for every non-empty row below, its number and cells."""
    format: str  # csv | xlsx
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    encoding: str | None = None
    delimiter: str | None = None

    def records(self, columns: ColumnMap) -> Iterable[tuple[int, dict]]:
        """Each row as the fields the columns name, with the values a JSON body would carry."""
        for number, cells in self.rows:
            record = {}
            for name, index in columns.fields.items():
                value = _json_value(name, cells[index] if index < len(cells) else None)
                if value is not None:
                    record[name] = value
            yield number, record


def read_sheet(data: bytes) -> Sheet:
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise FileProblem(422, "the file is empty")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(_OLE2):
        raise FileProblem(415, "an Excel 97-2003 file (.xls) is not supported: save it as .xlsx or as CSV")
    return _read_csv(_decode(data))


# -- CSV --------------------------------------------------------------------------------------------------

def _decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), "utf-16"
    if b"\x00" in data:
        raise FileProblem(415, "not a CSV or XLSX file (it holds binary data); upload a .csv or .xlsx file")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1254"), "cp1254"
    except UnicodeDecodeError:
        raise FileProblem(415, "the text is neither UTF-8 nor Windows-1254 (Turkish); save the CSV as UTF-8") \
            from None


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise FileProblem(415, f"the file starts like {encoding} text but is not; save the CSV as UTF-8") from None


def _read_csv(decoded: tuple[str, str]) -> Sheet:
    text, encoding = decoded
    delimiter = _sniff_delimiter(text)
    try:
        rows = [(number, cells) for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
                if any(cell.strip() for cell in cells)]
    except csv.Error as exc:
        raise FileProblem(422, f"the CSV cannot be read: {exc}") from None
    if not rows:
        raise FileProblem(422, "the file is empty")
    (_, header), body = rows[0], rows[1:]
    return Sheet("csv", [cell.strip() for cell in header], body, encoding, delimiter)


def _sniff_delimiter(text: str) -> str:
    """The delimiter under which the first non-empty line names the most known columns (then: the most cells)."""
    first = next((line for line in text.splitlines() if line.strip()), "")

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return sum(known_header(cell) for cell in cells), len(cells)

    return max(DELIMITERS, key=score)


# -- XLSX -------------------------------------------------------------------------------------------------

def _read_xlsx(data: bytes) -> Sheet:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileProblem(415, "not a readable XLSX file (a damaged zip); upload a .csv or .xlsx file") from None
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise FileProblem(415, "a zip file but not an XLSX workbook; upload a .csv or .xlsx file")
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise FileProblem(413, f"the XLSX unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")
        workbook = _open_workbook(data)
        try:
            sheet = workbook.worksheets[0]
            merged = _merged_cells(archive, getattr(sheet, "_worksheet_path", ""))
            if merged:
                raise FileProblem(422, f"the sheet has merged cells ({_some(merged)}): unmerge them, give every "
                                       "row its own values, and upload it again")
            return _rows_of(sheet)
        finally:
            workbook.close()


def _open_workbook(data: bytes):
    from openpyxl import load_workbook  # here: only an XLSX upload pays for importing it

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged workbook; all mean the same here
        raise FileProblem(415, "not a readable XLSX file; save it again from Excel, or as CSV") from None


def _merged_cells(archive: zipfile.ZipFile, sheet_path: str) -> list[str]:
    """The merged ranges of the sheet, read from its XML in chunks (it may unpack to many megabytes)."""
    path = sheet_path.lstrip("/")
    if path not in archive.namelist():
        return []
    found: list[str] = []
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(1 << 20):
            window = tail + chunk
            found.extend(match.decode() for match in _MERGE.findall(window))
            tail = window[-200:]  # a tag cut at the chunk's end is found whole in the next window
            if found:
                break
    return found


def _rows_of(sheet) -> Sheet:
    sheet.reset_dimensions()  # a workbook's stored dimension may be wrong: read every row there is
    formulas: list[str] = []
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(sheet.iter_rows(), 1):
        values = []
        for cell in cells:
            if getattr(cell, "data_type", None) == "f":
                formulas.append(cell.coordinate)
            values.append(cell.value)
        if any(value is not None and str(value).strip() for value in values):
            rows.append((number, values))
    if formulas:
        raise FileProblem(422, f"the sheet holds formulas ({_some(formulas)}): paste them as values "
                               "(Paste Special → Values) and upload it again")
    if not rows:
        raise FileProblem(422, "the file is empty")
    (_, header), body = rows[0], rows[1:]
    return Sheet("xlsx", ["" if cell is None else str(cell).strip() for cell in header], body)


def _some(cells: list[str]) -> str:
    more = len(cells) - SHOWN_CELLS
    return ", ".join(cells[:SHOWN_CELLS]) + (f" and {more} more" if more > 0 else "")


# -- cell values ------------------------------------------------------------------------------------------

def _json_value(name: str, value: Any) -> Any:
    """A cell as a JSON body would carry the field: text trimmed, empty as absent, whole numbers as digits
    (a VKN that Excel stored as a number gets back the leading zeros it dropped), dates as ISO dates."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if name == "employees":
            return value
        return str(value).zfill(10) if name == "tax_number" else str(value)
    if isinstance(value, float):
        return value if name == "employees" else str(value)
    text = str(value).strip()
    if not text:
        return None
    if name == "employees" and text.isascii() and text.isdigit():
        return int(text)
    return text


# -- export -----------------------------------------------------------------------------------------------

def _as_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(moment: datetime) -> datetime:
    """A stored UTC time as Istanbul wall time without zone (what a spreadsheet's date cells hold)."""
    return moment.astimezone(PLATFORM_ZONE).replace(tzinfo=None)


def csv_bytes(columns: list[str], documents: Iterable[dict]) -> bytes:
    """UTF-8 with BOM (Excel then reads the Turkish letters right) and semicolons (Turkish Excel's list
    separator: it opens the file in columns)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for document in documents:
        row = []
        for name in columns:
            value = document.get(name)
            if isinstance(value, datetime):
                value = _local(value).isoformat(sep=" ", timespec="seconds")
            elif isinstance(value, bool):
                value = "true" if value else "false"
            row.append("" if value is None else _as_text(value))
        writer.writerow(row)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def xlsx_bytes(columns: list[str], documents: Iterable[dict], title: str = "Organisations") -> bytes:
    """One sheet: the header bold and frozen with filters on it, times as real date cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for document in documents:
        sheet.append([_cell_value(document.get(name)) for name in columns])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # a name starting with "=" is text, never a formula
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"
    for index, name in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(name) + 4))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return _local(value)
    return value
