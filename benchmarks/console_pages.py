"""Server time of the console's pages (issue 11: p95 under 300 ms with `tvp demo` data).

With a stack running (`tvp up`, then `tvp demo`): `python -m benchmarks.console_pages [--rounds 30]`.
Signs in once per role with a one-time link, asks every page `rounds` times, and prints p50/p95/max of
the console's own `Server-Timing` (the time inside the console, its API calls included).
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys

import requests

from infra.cli.commands.login_link import console_url
from infra.cli.keys import issuer
from infra.cli.target import live_run
from services.console.login_codes import mint

EVERYONE = ("platform_admin", "chamber_admin", "programme_officer", "auditor")
READERS = ("platform_admin", "programme_officer", "auditor")  # reporting's expenditures and reports
# (path, roles that may open it). Pages of other areas are added here as they come. {org} and {person}: the
# chamber the chamber admin signs in for, and one of its people; {meeting}: the demo's meeting with the most
# registrations, {month} the month it starts in; {report}: a report.
PAGES = [("/", EVERYONE),
         ("/health", ("platform_admin",)),
         ("/login", ("platform_admin",)),
         ("/organisations", EVERYONE),
         ("/organisations?q=tso&kind=chamber&sort=-created_at", EVERYONE),
         ("/organisations/{org}", EVERYONE),
         ("/organisations/{org}/edit", ("platform_admin", "chamber_admin")),
         ("/organisations/new", ("platform_admin", "chamber_admin")),
         ("/people", EVERYONE),
         ("/people/{person}", EVERYONE),
         ("/people/new", ("platform_admin", "chamber_admin")),
         ("/bodies", EVERYONE),
         ("/bodies/advisory_board", EVERYONE),
         ("/meetings", EVERYONE),
         ("/meetings?view=calendar&month={month}", EVERYONE),
         ("/meetings/new", ("platform_admin", "chamber_admin")),
         ("/meetings/{meeting}", EVERYONE),
         ("/meetings/{meeting}/check-in", ("platform_admin", "chamber_admin", "auditor")),
         ("/indicators", EVERYONE),
         ("/expenditures", READERS),
         ("/reports", READERS),
         ("/reports/{report}", READERS),
         ("/streams", EVERYONE)]
TIMING = re.compile(r"app;dur=([0-9.]+)")


def organisation_of_a_chamber(run) -> str | None:
    members = f"http://127.0.0.1:{run.content['ports']['members']}"
    token = issuer(run).issue("platform_admin", subject="bench")
    found = requests.get(f"{members}/api/v1/organisations", params={"kind": "chamber", "status": "active"},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10).json()["items"]
    return found[0]["id"] if found else None


def busiest_meeting(run) -> dict[str, str]:
    events = f"http://127.0.0.1:{run.content['ports']['events']}"
    token = issuer(run).issue("platform_admin", subject="bench")
    found = requests.get(f"{events}/api/v1/meetings", params={"page_size": 100},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10).json()["items"]
    if not found:
        return {"meeting": "none", "month": "2026-01"}
    busiest = max(found, key=lambda meeting: meeting["registrations_count"])
    return {"meeting": busiest["id"], "month": busiest["starts_at"][:7]}


def a_report(run) -> str | None:
    """The id of a report (`tvp demo` makes a draft), for /reports/{report}."""
    reporting = f"http://127.0.0.1:{run.content['ports']['reporting']}"
    token = issuer(run).issue("auditor", subject="bench")
    found = requests.get(f"{reporting}/api/v1/reports", params={"page_size": 1},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10).json()["items"]
    return found[0]["id"] if found else None


def person_of(run, organisation_id: str | None) -> str | None:
    members = f"http://127.0.0.1:{run.content['ports']['members']}"
    token = issuer(run).issue("platform_admin", subject="bench")
    found = requests.get(f"{members}/api/v1/people", params={"organisation_id": organisation_id},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10).json()["items"]
    return found[0]["id"] if found else None


def measure(rounds: int) -> list[tuple[str, str, list[float]]]:
    run = live_run()
    if run is None:
        sys.exit("no running stack: `tvp up` (and `tvp demo`) first")
    base = console_url(run)
    chamber = organisation_of_a_chamber(run)
    names = busiest_meeting(run)
    report = a_report(run)
    ids = {"org": chamber, "person": person_of(run, chamber), **names, "report": report}
    rows = []
    for role in ("platform_admin", "chamber_admin", "programme_officer", "auditor"):
        browser = requests.Session()
        code = mint(issuer(run), role, chamber if role == "chamber_admin" else None, f"bench-{role}")
        assert browser.get(f"{base}/login/{code}", timeout=10).ok
        for page, roles in PAGES:
            if role not in roles or ("{person}" in page and not ids["person"]) or ("{report}" in page and not report):
                continue
            path = page.format(**ids)
            times = []
            for _ in range(rounds):
                response = browser.get(f"{base}{path}", timeout=10, allow_redirects=False)
                assert response.status_code in (200, 302), (path, response.status_code)
                times.append(float(TIMING.search(response.headers["Server-Timing"]).group(1)))
            rows.append((role, path, times))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    print(f"{'role':<18} {'page':<52} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for role, path, times in measure(args.rounds):
        ordered = sorted(times)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        print(f"{role:<18} {path:<52} {statistics.median(ordered):8.1f} {p95:8.1f} {ordered[-1]:8.1f}")


if __name__ == "__main__":
    main()
