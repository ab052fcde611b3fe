"""The last step of an XLSX export: cached values for its formulas, and the same bytes for the same report.

openpyxl writes a formula without its result (`<f>SUM(B2:B6)</f><v/>`): Excel computes it on opening, but
anything that reads the file without calculating (a previewer, pandas, openpyxl with `data_only`, a mail
client's thumbnail) sees an empty total. `Totals` records each total's value as the sheet's own cells add up,
and `finish` writes it into the file. It also dates every ZIP entry and the document properties with the
report's time instead of now, so exporting a submitted report twice gives identical bytes.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet


class Totals:
    """`=SUM(...)` cells of a workbook, each with the value it computes to."""

    def __init__(self):
        self._cached: dict[tuple[str, str], float] = {}

    def sum_column(self, ws: Worksheet, row: int, column: int, first: int, last: int, decimals: int = 2):
        """Write `=SUM(<column>first:<column>last)` at (row, column); its value is the sum of those cells."""
        letter = get_column_letter(column)
        cell = ws.cell(row=row, column=column, value=f"=SUM({letter}{first}:{letter}{last})")
        values = [ws.cell(row=n, column=column).value for n in range(first, last + 1)]
        self._cached[(ws.title, cell.coordinate)] = round(sum(v for v in values if isinstance(v, int | float)),
                                                          decimals)
        return cell

    def formula(self, ws: Worksheet, row: int, column: int, text: str, value: float):
        """Any other formula, with the value it computes to (worked out by the caller the same way)."""
        cell = ws.cell(row=row, column=column, value=text)
        self._cached[(ws.title, cell.coordinate)] = value
        return cell

    def cached(self, sheet: str, coordinate: str) -> float:
        return self._cached[(sheet, coordinate)]

    def by_sheet(self) -> dict[str, dict[str, float]]:
        sheets: dict[str, dict[str, float]] = {}
        for (sheet, coordinate), value in self._cached.items():
            sheets.setdefault(sheet, {})[coordinate] = value
        return sheets


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _fill_cached(xml: str, cached: dict[str, float]) -> str:
    for coordinate, value in cached.items():
        # openpyxl writes `<c r="B7" s="4"><f>SUM(B2:B6)</f><v></v></c>` (or `<v />`): put the result in.
        pattern = re.compile(rf'(<c r="{coordinate}"[^>]*><f>[^<]*</f>)(?:<v\s*/>|<v></v>)')
        xml, found = pattern.subn(rf"\g<1><v>{_number(value)}</v>", xml, count=1)
        if not found:
            raise ValueError(f"no formula cell {coordinate} to give a cached value")
    return xml


def _dated_core(xml: str, moment: datetime) -> str:
    """docProps/core.xml with `modified` = `created`: openpyxl's save stamps `modified` with now."""
    utc = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{utc}\g<2>", xml)


def finish(wb: Workbook, totals: Totals, moment: datetime) -> bytes:
    """The workbook's bytes with its totals' values filled in, dated `moment` (an aware time) throughout."""
    wb.properties.created = moment.astimezone(timezone.utc).replace(tzinfo=None)   # core.xml is in UTC
    saved = io.BytesIO()
    wb.save(saved)
    # openpyxl writes the worksheets as xl/worksheets/sheet<n>.xml in the workbook's order.
    parts = {f"xl/worksheets/sheet{n}.xml": totals.by_sheet().get(ws.title, {})
             for n, ws in enumerate(wb.worksheets, start=1)}
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if parts.get(info.filename):
                data = _fill_cached(data.decode("utf-8"), parts[info.filename]).encode("utf-8")
            elif info.filename == "docProps/core.xml":
                data = _dated_core(data.decode("utf-8"), moment).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    return out.getvalue()
