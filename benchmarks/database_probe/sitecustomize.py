"""A diagnostic probe of SecantusDB's memory, loaded into the database process only (not part of the platform).

    PYTHONPATH=benchmarks/database_probe PROBE_OUT=var/probe.txt PROBE_EVERY=45 PROBE_STACKS=1 \\
        .venv/bin/python -m benchmarks.soak --minutes 8 --rate 19

Python imports `sitecustomize` at start-up; this one acts only in a process whose command line names
`secantusd-py` and when PROBE_OUT is set, so the stack's other processes ignore it. Every PROBE_EVERY seconds it
appends a line: glibc's malloc statistics (mallinfo2), pymalloc's (arenas, allocated bytes), WiredTiger's cache
statistics (switched to "fast" at the first sample), RSS, and the lengths of the server's in-memory tables (oplog
entries, retryable-write records, transactions, sessions, cursors), found by noting the instances their classes
make: their behaviour is untouched. PROBE_STACKS=1 adds a poor man's profile (100 samples of every busy thread's
innermost frame). Figures it gave: docs/operations.md, "The soak".
"""
from __future__ import annotations

import ctypes
import importlib
import os
import sys
import tempfile
import threading
import time
from collections import Counter

TABLES = ("_oplog_live_count", "_retryable", "_txns", "_sessions", "_cursors")
WIRED_TIGER = {"cache: bytes currently in the cache": "cache", "cache: tracked dirty bytes in the cache": "dirty",
               "cache: bytes belonging to page images in the cache": "images",
               "cache: unmodified pages evicted": "clean_evicted"}
IDLE = ("recv", "select", "wait", "accept", "sleep", "_handle_client", "readinto", "poll", "_readable")


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                     "fsmblks", "uordblks", "fordblks", "keepcost")]


def track(instances: list, module: str, name: str) -> None:
    """Note every instance `module.name` makes (its __init__ runs unchanged)."""
    cls = getattr(importlib.import_module(module), name)
    original = cls.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        instances.append(self)
    cls.__init__ = init


def malloc_line(libc) -> str:
    m = libc.mallinfo2()
    return (f"malloc arena={m.arena / 2**20:.1f} mmap={m.hblkhd / 2**20:.1f} inuse={m.uordblks / 2**20:.1f} "
            f"free={m.fordblks / 2**20:.1f}")


def pymalloc_line() -> str:
    """sys._debugmallocstats writes to the C stderr: read it through a temporary file."""
    with tempfile.TemporaryFile() as tmp:
        saved = os.dup(2)
        os.dup2(tmp.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read().decode(errors="replace")
    wanted = ("# arenas allocated current", "# bytes in allocated blocks")
    return " ".join("py[" + " ".join(line.split()) + "]" for line in text.splitlines() if line.startswith(wanted))


def wired_tiger_line(storage) -> str:
    if not getattr(storage, "_probe_statistics", False):
        storage._conn.reconfigure("statistics=(fast)")
        storage._probe_statistics = True
    session = storage._conn.open_session()
    cursor = session.open_cursor("statistics:", None, None)
    figures = []
    for _key, description, _shown, value in cursor:
        if description in WIRED_TIGER:
            shown = int(value) / 2**20 if "bytes" in description else int(value)
            figures.append(f"{WIRED_TIGER[description]}={shown:.1f}")
    cursor.close()
    session.close()
    return " ".join(figures)


def tables_line(instances: list) -> str:
    sizes = []
    for instance in instances:
        for name in TABLES:
            if hasattr(instance, name):
                value = getattr(instance, name)
                sizes.append(f"{type(instance).__name__}.{name}={value if isinstance(value, int) else len(value)}")
    return " ".join(sizes)


def busy_stacks(samples: int = 100) -> list[str]:
    seen: Counter = Counter()
    me = threading.get_ident()
    for _ in range(samples):
        for ident, frame in sys._current_frames().items():
            name = f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_code.co_name}"
            if ident != me and not any(idle in name for idle in IDLE):
                seen[name] += 1
        time.sleep(0.02)
    return [f"   stack {count:4} {name}" for name, count in seen.most_common(10)]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))


def probe(out, instances: list, every: float, stacks: bool) -> None:
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
    started = time.monotonic()
    while True:
        time.sleep(every)
        storage = next((i for i in instances if hasattr(i, "_conn")), None)
        wired_tiger = wired_tiger_line(storage) if storage is not None else ""
        if stacks:
            out.write("\n".join(busy_stacks()) + "\n")
        out.write(f"T {time.monotonic() - started:.0f}s rss={rss_mb():.1f} {malloc_line(libc)} {pymalloc_line()} "
                  f"{wired_tiger} {tables_line(instances)}\n")


def start() -> None:
    instances: list = []
    for module, name in (("secantus.transactions", "TransactionRegistry"), ("secantus.sessions", "SessionRegistry"),
                         ("secantus.cursors", "CursorRegistry"), ("secantus.storage", "Storage")):
        track(instances, module, name)
    out = open(os.environ["PROBE_OUT"], "a", buffering=1)  # noqa: SIM115 - open for the life of the process
    threading.Thread(target=probe, args=(out, instances, float(os.environ.get("PROBE_EVERY", "30")),
                                         os.environ.get("PROBE_STACKS") == "1"), daemon=True, name="probe").start()


if "secantusd-py" in " ".join(getattr(sys, "orig_argv", sys.argv)) and os.environ.get("PROBE_OUT"):
    start()
