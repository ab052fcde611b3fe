"""How long the events service's files take at the sizes chambers reach: the public calendar feed at its
limit (2,000 meetings) and a large training's attendance sheet and badges.

Renders with the real builders (adapters/calendar.py, adapters/printouts/) on generated meetings, no
database: the figures are the rendering alone, which is what grows with the size.

    python -m benchmarks.printouts [--meetings 2000] [--participants 1000] [--badges 100]
"""
from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta, timezone

import icalendar
import pypdfium2

from services.events.adapters import printouts
from services.events.adapters.calendar import calendar_bytes, entry_of_public_view
from services.events.service_layer.public import view
from shared.pdf_fonts import fonts


def meeting(n: int, start: datetime) -> dict:
    starts = start + timedelta(days=n % 400, hours=n % 8)
    return {"_id": f"m{n:06d}", "kind": "workshop", "title": f"Kaynak verimliliği çalıştayı {n}", "body": None,
            "host_organisation_id": "chamber-1", "venue": {"city": "Lüleburgaz"}, "province": "Kırklareli",
            "starts_at": starts, "ends_at": starts + timedelta(hours=3), "themes": ["resource_efficiency"],
            "capacity": 40, "status": "cancelled" if n % 17 == 0 else "scheduled", "final_sequence": None,
            "registrations": [], "decisions": [], "reschedules": n % 3, "updated_at": start}


def timed(label: str, work):
    began = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - began:.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=2000)
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--badges", type=int, default=100)
    args = parser.parse_args()
    fonts()  # registering the TrueType fonts once is not part of any file
    start = datetime(2026, 1, 5, 7, tzinfo=timezone.utc)
    meetings = [meeting(n, start) for n in range(args.meetings)]
    feed = timed(f"public feed, {args.meetings} meetings",
                 lambda: calendar_bytes(entry_of_public_view(view(m), m) for m in meetings))
    parsed = timed("  parsed again (icalendar)", lambda: icalendar.Calendar.from_ical(feed))
    print(f"  {len(feed) / 1024:.0f} KiB, {len(parsed.walk('VEVENT'))} events")

    sheet = {"title": "İş sağlığı ve güvenliği eğitimi", "body": None, "sequence": None,
             "starts_at": start, "ends_at": start + timedelta(hours=6), "status": "scheduled",
             "host_name": "Tekirdağ Ticaret Odası", "venue": "Süleymanpaşa, Tekirdağ",
             "rows": [{"full_name": f"Katılımcı Öğrenci {n}", "organisation": f"Çorlu Sanayi A.Ş. {n % 50}"}
                      for n in range(args.participants)]}
    pdf = timed(f"attendance sheet, {args.participants} participants", lambda: printouts.attendance_sheet(sheet))
    document = pypdfium2.PdfDocument(pdf)
    print(f"  {len(document)} pages, {len(pdf) / 1024:.0f} KiB")
    document.close()

    card = {"title": sheet["title"], "body": None, "sequence": None, "starts_at": start,
            "ends_at": start + timedelta(hours=6), "full_name": "Şükrü Öğüt", "organisation": "Ergene Çorap A.Ş.",
            "code": "ABCDEFGH", "shown_code": "ABCD-EFGH"}
    began = time.perf_counter()
    for _ in range(args.badges):
        printouts.badge(card)
    per_badge = (time.perf_counter() - began) / args.badges
    print(f"badge: {per_badge * 1000:.1f} ms each ({args.badges} rendered)")


if __name__ == "__main__":
    main()
