"""Figures for a report package: a quarter with 50 evidence files (about 100 MB of PDFs and JPEGs) built into
one ZIP by the reporting service under gunicorn.

Starts its own SecantusDB and Tansu and the reporting service (one gunicorn worker) on free ports, records 50
expenditures of 2026-Q3 with one evidence file each (2 MiB, half PDFs, half JPEGs, incompressible), makes
and submits the quarter's report, then downloads `package.zip` while sampling the resident memory of the
gunicorn worker (psutil, every 20 ms). Prints: upload and submission times, the package's build-and-send
time and size, the worker's RSS before and its peak while sending, and whether every file in the ZIP has
the size and SHA-256 its manifest.json lists and the manifest the report's SHA-256.

    python -m benchmarks.report_package [--files 50] [--mib 2]

Goals (issue 15): under 30 s, under 300 MB of worker memory while building.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
import threading
import time
import zipfile

import psutil
import requests

from benchmarks.harness import embedded_platform
from infra.embedded import ServiceStack, free_port

PDF_HEAD = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def evidence_file(n: int, size: int) -> tuple[str, bytes, str]:
    """An incompressible file that sniffs as a PDF (even n) or a JPEG (odd n)."""
    if n % 2 == 0:
        body = PDF_HEAD + os.urandom(size - len(PDF_HEAD) - 6) + b"\n%%EOF"
        return f"fatura-{n:03d}.pdf", body, "invoice"
    body = JPEG_HEAD + os.urandom(size - len(JPEG_HEAD) - 2) + b"\xff\xd9"
    return f"foto-{n:03d}.jpg", body, "photo"


class RssSampler:
    """The peak resident memory of a process tree's gunicorn workers (the master's children)."""

    def __init__(self, master_pid: int, every_s: float = 0.02):
        self.master, self.every_s = psutil.Process(master_pid), every_s
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def current(self) -> int:
        return max((child.memory_info().rss for child in self.master.children(recursive=True)), default=0)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.current())
            except psutil.Error:
                pass
            self._stop.wait(self.every_s)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()


def mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def run(files: int, mib: int) -> None:
    with embedded_platform("tvp-bench-package-") as platform:
        port = free_port()
        with ServiceStack(platform.env, platform.log_dir, {"reporting": port}, web_workers=1) as stack:
            base, auth = stack.url("reporting") + "/api/v1", platform.headers
            web = stack.processes[0]
            requests.put(f"{base}/programme", headers=auth, timeout=30, json={
                "name": "Bench programme", "start_date": "2026-01-01", "end_date": "2027-12-31",
                "eu_share": 85, "national_share": 15}).raise_for_status()
            started, total = time.perf_counter(), 0
            for n in range(files):
                spent = requests.post(f"{base}/expenditures", headers=auth, timeout=30, json={
                    "date": f"2026-{7 + n % 3:02d}-{1 + n % 28:02d}", "budget_line": "services",
                    "amount": "100", "currency": "EUR", "description": f"Bench expenditure {n}"})
                spent.raise_for_status()
                name, body, kind = evidence_file(n, mib * 1024 * 1024)
                total += len(body)
                uploaded = requests.post(f"{base}/expenditures/{spent.json()['id']}/evidence", headers=auth,
                                         files={"file": (name, body)}, data={"kind": kind}, timeout=120)
                assert uploaded.status_code == 201, uploaded.text
            print(f"uploaded {files} evidence files, {mb(total)}, in {time.perf_counter() - started:.1f} s")

            draft = requests.post(f"{base}/reports", headers=auth, timeout=60,
                                  json={"period": "2026-Q3", "kind": "interim"}).json()
            started = time.perf_counter()
            submitted = requests.post(f"{base}/reports/{draft['id']}/submit", headers=auth, timeout=120)
            submitted.raise_for_status()
            print(f"submitted (PDF and XLSX rendered and frozen, manifest built) in "
                  f"{time.perf_counter() - started:.1f} s")

            sampler = RssSampler(web.proc.pid)
            before = sampler.current()
            with tempfile.TemporaryFile() as out, sampler:
                started = time.perf_counter()
                with requests.get(f"{base}/reports/{draft['id']}/package.zip", headers=auth, stream=True,
                                  timeout=120) as response:
                    response.raise_for_status()
                    first_byte = time.perf_counter() - started
                    for chunk in response.iter_content(1024 * 1024):
                        out.write(chunk)
                elapsed = time.perf_counter() - started
                size = out.tell()
                out.seek(0)
                archive = zipfile.ZipFile(out)
                manifest_bytes = archive.read("manifest.json")
                manifest = json.loads(manifest_bytes)
                wrong = [f["name"] for f in manifest["files"]
                         if hashlib.sha256(archive.read(f["name"])).hexdigest() != f["sha256"]
                         or archive.getinfo(f["name"]).file_size != f["size"]]
            print(f"package.zip: {mb(size)}, {len(manifest['files'])} files + manifest.json, first byte after "
                  f"{first_byte:.2f} s, all of it in {elapsed:.1f} s (goal < 30 s)")
            print(f"gunicorn worker RSS: {mb(before)} before, peak {mb(sampler.peak)} while sending "
                  f"(goal < 300 MB)")
            print(f"manifest SHA-256 = report sha256: "
                  f"{hashlib.sha256(manifest_bytes).hexdigest() == submitted.json()['sha256']}; "
                  f"files whose size or SHA-256 differ from the manifest: {len(wrong)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--mib", type=int, default=2)
    args = parser.parse_args()
    run(args.files, args.mib)


if __name__ == "__main__":
    main()
