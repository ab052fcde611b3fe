"""A report's PDF and XLSX exports on the demo programme's year: render times, and its pages as PNG to look at.

Builds the year `tvp demo` records (its organisations, meetings with member and outside participants, and
expenditures, from infra/demo.py) in memory, through reporting's own use cases over the unit tests' fakes
(no database, no broker), computes the interim report of the year, submits it, then:

1. renders the PDF and the XLSX `--repeat` times per language and prints the median and worst CPU times;
2. writes every PDF page as a PNG under `--out/<lang>/` (pypdfium2), to look at the charts;
3. checks that the submitted report's PDF is the same bytes on every rendering.

    python -m benchmarks.report_exports [--out var/report-pages/after] [--langs tr,bi,en] [--repeat 5]
                                        [--period 2026-Q4]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from infra.demo import EXPENDITURES, FIRST_NAMES, MEETINGS, ORGANISATIONS, OUTSIDE
from services.reporting.service_layer import expenditures, exports, projector, reports
from services.reporting.service_layer.commands import CreateReport, RecordExpenditure, SubmitReport
from shared.auth import Principal
from shared.messaging.outbox import Causation
from shared.service_layer.messagebus import system_principal
from tests.integration.reporting.stream import Stream
from tests.unit.reporting.fakes import fake_uow

YEAR = 2026
OFFICER = Principal("officer-1", "programme_officer")
CAUSE = Causation("benchmark-report-exports")
PROGRAMME = {"name": "Thrace's Efficient SMEs", "name_tr": "Trakya'nın Verimli KOBİ'leri",
             "beneficiary": "Trakya Verimlilik Platformu", "start_date": f"{YEAR}-01-01",
             "end_date": f"{YEAR + 1}-12-31", "eu_share": "85", "national_share": "15",
             "targets": {"OI.1": 15, "OI.2": 8, "OI.3": 12, "OI.4": 200, "OI.5": 40, "OI.6": 60, "FI.1": 250000}}


def demo_report(period: str = str(YEAR)) -> dict:
    """The demo's year as a submitted interim report (its content as reporting computes it)."""
    rng = random.Random(7)
    stream, events, ids = Stream(), [], {}
    for key, body in ORGANISATIONS:
        org_id, registered = stream.organisation(body.get("short_name") or body["name"], body["kind"],
                                                 body["province"], body.get("size_class"))
        ids[key] = org_id
        events += [registered, stream.membership(org_id, at=f"{YEAR}-01-05T10:00:00+03:00")]
    members = [stream.ref(ids[key]) for key, _ in ORGANISATIONS]
    outside = [Stream.outside(name, kind, size or "small", province) for name, kind, size, province in OUTSIDE]
    first, span = date(YEAR, 1, 5), 320
    advisory, board = 0, 0
    for fraction, kind, host, title, themes, member_count, outside_count in MEETINGS:
        day = first + timedelta(days=int(span * fraction))
        sequence = None
        if kind == "advisory_board_meeting":
            advisory += 1
            sequence = advisory
        elif kind == "board_meeting":
            board += 1
            sequence = board
        meeting, scheduled = stream.schedule(kind, f"{day.isoformat()}T10:00:00+03:00", ids[host], themes=themes,
                                             title=title, sequence=sequence,
                                             province=dict(ORGANISATIONS)[host]["province"])
        events.append(scheduled)
        for organisation in rng.sample(members, member_count) + [rng.choice(outside) for _ in range(outside_count)]:
            events.append(stream.attend(meeting, organisation, rng.choice(FIRST_NAMES)[1]))
        quorum = {"seated": 7, "present": member_count, "required": 4, "met": member_count >= 4} if sequence else None
        events.append(stream.held(meeting, quorum))
    uow = fake_uow(PROGRAMME)
    projector.project_batch(uow, events, system_principal("reporting"), CAUSE)
    for fraction, line, amount, currency, rate, description in EXPENDITURES:
        expenditures.record(uow, RecordExpenditure(first + timedelta(days=int(span * fraction)), line,
                                                   Decimal(amount), currency, description,
                                                   Decimal(rate) if rate else None), OFFICER, CAUSE)
    draft = reports.create(uow, CreateReport(period, "interim"), OFFICER, CAUSE)
    reports.submit(uow, SubmitReport(draft["_id"]), OFFICER, CAUSE)
    return reports.get(uow, draft["_id"])


def timed(report: dict, fmt: str, lang: str, repeat: int) -> tuple[bytes, list[float]]:
    """The rendering's CPU time of each of `repeat` runs: on a shared machine wall time mostly measures the
    neighbours (the CPU time is what one worker spends on it)."""
    times, body = [], b""
    for _ in range(repeat):
        started = time.process_time()
        body, _ = exports.render(report, fmt, lang)
        times.append(time.process_time() - started)
    return body, times


def write_pages(pdf: bytes, folder: Path, scale: float) -> int:
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    document = pdfium.PdfDocument(pdf)
    for number, page in enumerate(document, start=1):
        page.render(scale=scale).to_pil().save(folder / f"page-{number}.png")
    return len(document)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="var/report-pages/current", help="folder of the PNG pages")
    parser.add_argument("--langs", default="tr,bi,en")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dpi", type=int, default=110)
    parser.add_argument("--period", default=str(YEAR), help="the report's period: the year (period = cumulative), "
                                                             "or e.g. 2026-Q4 (they differ)")
    args = parser.parse_args(argv)
    report = demo_report(args.period)
    print(f"demo report {report['period']}: {len(report['content']['meetings'])} meetings, "
          f"{len(report['content']['financial']['expenditures'])} expenditures")
    exports.render(report, "pdf", "bi")  # fonts registered, modules imported: not part of the figures
    stable = True
    for lang in args.langs.split(","):
        pdf, pdf_times = timed(report, "pdf", lang, args.repeat)
        xlsx, xlsx_times = timed(report, "xlsx", lang, args.repeat)
        stable &= exports.render(report, "pdf", lang)[0] == pdf
        pages = write_pages(pdf, Path(args.out) / lang, args.dpi / 72)
        print(f"{lang}: PDF {len(pdf) / 1024:.0f} KiB, {pages} pages, CPU median {statistics.median(pdf_times):.3f} s "
              f"(worst {max(pdf_times):.3f} s); XLSX {len(xlsx) / 1024:.0f} KiB, CPU median "
              f"{statistics.median(xlsx_times):.3f} s (worst {max(xlsx_times):.3f} s)")
    print(f"same bytes on every rendering: {stable}; pages under {args.out}/")
    return 0 if stable else 1


if __name__ == "__main__":
    sys.exit(main())
