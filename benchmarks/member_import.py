"""Importing 5,000 organisations from a chamber's file (issue 12: dry run under 20 s, commit under 60 s, the
same file again creates nothing).

Starts its own SecantusDB and Tansu on free ports and the members service (web under gunicorn + worker with
its outbox relay) on a fresh database, writes a realistic file (Windows-1254, semicolons, Turkish headers,
Turkish names, provinces in mixed spellings, about 2% duplicates and 2% invalid rows, an extra column), and
times `POST /api/v1/organisations/imports`: the dry run, the commit, and the commit again.

    python -m benchmarks.member_import [--rows 5000] [--format csv|xlsx] [--keep FILE]
"""
from __future__ import annotations

import argparse
import io
import random
import time

import requests
from pymongo import MongoClient

from benchmarks.harness import embedded_platform
from infra.embedded import ServiceStack, free_port
from services.members.domain.tax_number import is_valid_vkn

PROVINCES = ["TEKİRDAĞ", "tekirdag", "Tekirdağ", "EDİRNE", "edirne", "Edirne", "KIRKLARELİ", "kirklareli",
             "Kırklareli", "İstanbul", "istanbul", "ÇANAKKALE", "Bursa"]
FIRST = ["Çorlu", "Lüleburgaz", "Keşan", "Uzunköprü", "Babaeski", "Malkara", "Şarköy", "Ergene", "Kapaklı",
         "Saray", "Vize", "Pınarhisar", "Hayrabolu", "Muratlı", "İpsala", "Enez", "Havsa", "Meriç", "Süleymanpaşa",
         "Marmaraereğlisi", "Demirköy", "Pehlivanköy", "Kofçaz", "Lalapaşa"]
TRADE = ["Tekstil", "Gıda", "Makina", "Metal", "Plastik", "Ambalaj", "Lojistik", "Tarım Ürünleri", "Süt Ürünleri",
         "Cam", "Kimya", "Yazılım", "Enerji", "İnşaat", "Mobilya", "Otomotiv Yan Sanayi", "Seramik", "Boya"]
FORM = ["A.Ş.", "Ltd. Şti.", "San. ve Tic. A.Ş.", "Sanayi ve Ticaret Ltd. Şti."]
SIZES = ["Mikro", "Küçük", "Orta", "Büyük", "micro", "small", "medium"]
RELAY_WAIT_S = 300.0
HEADER = ["Ünvanı", "Türü", "İl", "İlçe", "Vergi No", "Ölçek", "Çalışan Sayısı", "E-posta", "Notlar"]


def vkn(n: int) -> str:
    body = f"{400_000_000 + n:09d}"
    return next(body + d for d in "0123456789" if is_valid_vkn(body + d))


def rows(count: int, seed: int = 12) -> list[list[str]]:
    """Companies with Turkish names; every 50th row repeats an earlier tax number, every 50th (offset) an
    earlier name in its province, every 50th (offset again) breaks a rule of POST /organisations."""
    pick = random.Random(seed)
    made: list[list[str]] = []
    for n in range(count):
        name = f"{pick.choice(FIRST)} {pick.choice(TRADE)} {n} {pick.choice(FORM)}"
        row = [name, pick.choice(["Şirket", "şirket", "company", "Firma"]), pick.choice(PROVINCES), "Merkez",
               vkn(n), pick.choice(SIZES), str(pick.randint(1, 400)), f"info{n}@firma.example", "2025 üyesi"]
        if n and n % 50 == 10:
            row[4] = made[pick.randrange(len(made))][4]  # the same tax number as an earlier row
        elif n and n % 50 == 20:
            earlier = made[pick.randrange(len(made))]
            row[0], row[2], row[4] = earlier[0].upper(), earlier[2], ""  # the same name, typed otherwise
        elif n % 50 == 30:
            row[5] = ""  # a company without its size class
        elif n % 50 == 40:
            row[4] = row[4][:9] + str((int(row[4][9]) + 1) % 10)  # a wrong VKN check digit
        made.append(row)
    return made


def as_csv(table: list[list[str]]) -> bytes:
    lines = [";".join(HEADER)] + [";".join(row) for row in table]
    return ("\r\n".join(lines) + "\r\n").encode("cp1254")


def as_xlsx(table: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in table:
        sheet.append([int(v) if i == 6 else v for i, v in enumerate(row)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def post(base: str, headers: dict, content: bytes, filename: str, dry_run: bool) -> tuple[float, int, dict]:
    started = time.perf_counter()
    response = requests.post(f"{base}/api/v1/organisations/imports", headers=headers,
                             files={"file": (filename, content)}, data={"dry_run": str(dry_run).lower()},
                             timeout=600)
    return time.perf_counter() - started, response.status_code, response.json()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--keep", help="also write the generated file here")
    args = parser.parse_args(argv)
    table = rows(args.rows)
    content = as_csv(table) if args.format == "csv" else as_xlsx(table)
    filename = f"uyeler.{args.format}"
    if args.keep:
        with open(args.keep, "wb") as out:
            out.write(content)
    print(f"{filename}: {args.rows} rows, {len(content) / 2**20:.2f} MB", flush=True)
    with embedded_platform("tvp-bench-import-") as platform:
        env = {**platform.env, "TVP_MEMBERS_DB": "bench_members"}
        with ServiceStack(env, platform.log_dir, {"members": free_port()}, web_workers=2) as stack:
            base, headers = stack.url("members"), platform.headers
            figures = []
            for label, dry_run in (("dry run", True), ("commit", False), ("second commit", False)):
                seconds, status, body = post(base, headers, content, filename, dry_run)
                assert status in (200, 201), body
                figures.append((label, seconds, status, body))
                print(f"  {label:<14} {seconds:6.2f} s  HTTP {status}  rows {body['rows']}  valid {body['valid']}  "
                      f"invalid {body['invalid']}  duplicates {body['duplicates']}"
                      + (f"  created {body['created']}  skipped {body['skipped']}" if "created" in body else ""),
                      flush=True)
            client = MongoClient(platform.mongo_uri)
            stored = client.bench_members.organisations.count_documents({})
            deadline = time.monotonic() + RELAY_WAIT_S
            while client.bench_members.organisations.count_documents({"outbox_pending": True}) and \
                    time.monotonic() < deadline:
                time.sleep(0.5)
            drained_s = RELAY_WAIT_S - max(0.0, deadline - time.monotonic())
            published = client.bench_members.event_log.count_documents(
                {"event.type": "tr.tvp.members.organisation.registered.v1"})
            client.close()
    (_, dry_s, _, _), (_, commit_s, _, committed), (_, again_s, _, again) = figures
    print(f"\nImport of {args.rows} rows ({args.format}) through gunicorn:")
    print(f"  dry run        {dry_s:6.2f} s   (goal < 20 s)")
    print(f"  commit         {commit_s:6.2f} s   (goal < 60 s)   created {committed['created']}")
    print(f"  second commit  {again_s:6.2f} s   created {again['created']} (goal 0), skipped {again['skipped']}")
    print(f"  stored {stored} organisations; the relay had published {published} organisation.registered events "
          f"{drained_s:.0f} s after the second commit" + (" (all)" if published == stored else
                                                          f" (gave up waiting after {RELAY_WAIT_S:.0f} s)"))


if __name__ == "__main__":
    main()
