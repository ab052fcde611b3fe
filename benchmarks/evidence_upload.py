"""Evidence uploads through gunicorn: time and the web workers' memory while files stream into GridFS.

Starts its own SecantusDB and Tansu on free ports and the reporting service (web under gunicorn + worker) on a
fresh database, records one expenditure, then uploads N files of S MiB each (PDF-looking, from disk, sent by
requests as a streamed multipart body) to `POST /api/v1/expenditures/{id}/evidence`, downloads every one
back and compares its SHA-256, and prints the time taken and the highest resident memory of the web
processes (sampled every 50 ms by psutil) against their memory before the first upload.

    python -m benchmarks.evidence_upload [--files 50] [--mib 2] [--web-workers 2]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

from benchmarks.harness import embedded_platform
from infra.embedded import ServiceStack, free_port

PDF_HEAD = b"%PDF-1.4\n% benchmark evidence\n"


class MemoryWatch:
    """The highest summed RSS of gunicorn's master and workers, sampled every 50 ms in a thread."""

    def __init__(self, pid: int):
        self.peak, self._stop = 0, threading.Event()
        master = psutil.Process(pid)
        self.processes = [master, *master.children(recursive=True)]

    def rss(self) -> int:
        total = 0
        for process in self.processes:
            try:
                total += process.memory_info().rss
            except psutil.Error:
                pass
        return total

    def __enter__(self):
        self.before = self.rss()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self.rss())

    def __exit__(self, *_exc):
        self._stop.set()
        self.thread.join()


def make_files(folder: Path, count: int, mib: int) -> list[tuple[Path, str]]:
    made = []
    for n in range(count):
        path = folder / f"evidence-{n:03d}.pdf"
        digest = hashlib.sha256()
        with path.open("wb") as out:
            out.write(PDF_HEAD)
            digest.update(PDF_HEAD)
            remaining = mib * 1024 * 1024 - len(PDF_HEAD)
            while remaining > 0:
                block = os.urandom(min(remaining, 1024 * 1024))
                out.write(block)
                digest.update(block)
                remaining -= len(block)
        made.append((path, digest.hexdigest()))
    return made


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--mib", type=int, default=2)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args(argv)
    with embedded_platform("tvp-bench-evidence-") as platform, tempfile.TemporaryDirectory() as folder:
        files = make_files(Path(folder), args.files, args.mib)
        env = {**platform.env, "TVP_REPORTING_DB": "bench_reporting"}
        port = free_port()
        with ServiceStack(env, platform.log_dir, {"reporting": port}, web_workers=args.web_workers) as stack:
            base, headers = stack.url("reporting"), platform.headers
            expenditure = requests.post(f"{base}/api/v1/expenditures", headers=headers, timeout=30, json={
                "date": "2026-07-10", "budget_line": "services", "amount": "1000", "currency": "EUR",
                "description": "benchmark"}).json()
            path = f"{base}/api/v1/expenditures/{expenditure['id']}/evidence"
            web = stack.processes[0]  # the web process (gunicorn's master), then the worker
            with MemoryWatch(web.proc.pid) as memory:
                started = time.perf_counter()
                stored = []
                for file_path, _ in files:
                    with file_path.open("rb") as handle:
                        response = requests.post(path, headers=headers, timeout=120, data={"kind": "invoice"},
                                                 files={"file": (file_path.name, handle, "application/pdf")})
                    response.raise_for_status()
                    stored.append(response.json())
                uploaded = time.perf_counter() - started
                started = time.perf_counter()
                for item, (_, digest) in zip(stored, files, strict=True):
                    got = hashlib.sha256()
                    with requests.get(f"{base}/api/v1/evidence/{item['id']}", headers=headers, stream=True,
                                      timeout=120) as answer:
                        for chunk in answer.iter_content(256 * 1024):
                            got.update(chunk)
                    assert got.hexdigest() == digest == item["sha256"], item["filename"]
                downloaded = time.perf_counter() - started
            total_mib = args.files * args.mib
            print(f"uploaded {args.files} files x {args.mib} MiB = {total_mib} MiB in {uploaded:.1f} s "
                  f"({total_mib / uploaded:.1f} MiB/s); downloaded and checked in {downloaded:.1f} s")
            print(f"web processes (gunicorn, {args.web_workers} workers): RSS before {memory.before / 2**20:.0f} MiB, "
                  f"highest while uploading and downloading {memory.peak / 2**20:.0f} MiB "
                  f"(+{(memory.peak - memory.before) / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
