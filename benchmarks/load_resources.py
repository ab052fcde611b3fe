"""Memory and CPU of every process kind while benchmarks/load_mixed.py runs its load: the measured figures
docs/scaling.md sizes the replicas from.

Every process this benchmark started is a descendant of it; each is named by its kind (a gunicorn worker of a
service's web, its master, a service's worker, the database, the broker, the locust client) and sampled every
`every_s` seconds for resident memory (the peak is kept); CPU is the CPU time spent between start() and
stop() over the wall time, so 100 % is one core.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

import psutil

SERVICES = ("members", "events", "reporting")


def kind_of(process: psutil.Process) -> str:
    """What a process of the benchmark is, from its command line and its parent's."""
    try:
        command = " ".join(process.cmdline()).lower()
        parent = process.parent()
        parent_command = " ".join(parent.cmdline()).lower() if parent else ""
    except psutil.Error:
        return "gone"
    for service in SERVICES:
        if f"services.{service}.worker" in command:
            return f"{service} worker"
        if f"services.{service}:create_app" in command:
            is_master = f"services.{service}:create_app" not in parent_command
            return f"{service} web master" if is_master else f"{service} web worker"
    if "secantus" in command:
        return "mongodb (SecantusDB)"
    if "tansu" in command or "kafka" in command:
        return "broker"
    if "load_locust" in command:
        return "locust client"
    return process.name()


@dataclass
class Usage:
    kind: str
    peak_rss_mb: float = 0.0
    cpu_s: float = 0.0


@dataclass
class ResourceSampler:
    every_s: float = 2.0
    usage: dict[int, Usage] = field(default_factory=dict)
    _first_cpu: dict[int, float] = field(default_factory=dict)
    _started: float = 0.0
    _wall_s: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _processes(self) -> list[psutil.Process]:
        return psutil.Process(os.getpid()).children(recursive=True)

    def _sample(self) -> None:
        for process in self._processes():
            try:
                with process.oneshot():
                    rss, times = process.memory_info().rss / 2**20, process.cpu_times()
            except psutil.Error:
                continue
            cpu = times.user + times.system
            usage = self.usage.get(process.pid)
            if usage is None:
                usage = self.usage[process.pid] = Usage(kind_of(process))
                self._first_cpu[process.pid] = cpu
            usage.peak_rss_mb = max(usage.peak_rss_mb, rss)
            usage.cpu_s = cpu - self._first_cpu[process.pid]

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self._sample()

    def start(self) -> None:
        self._started = time.monotonic()
        self._sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._sample()
        self._wall_s = time.monotonic() - self._started
        self._stop.set()
        if self._thread:
            self._thread.join()

    def by_kind(self) -> list[dict]:
        """Per kind: how many processes, the largest peak RSS of one, the CPU of one on average (% of a core
        over the load) and the CPU seconds of all of them."""
        kinds: dict[str, list[Usage]] = {}
        for usage in self.usage.values():
            kinds.setdefault(usage.kind, []).append(usage)
        wall = max(self._wall_s, 1e-9)
        return [{"kind": kind, "processes": len(found), "peak_rss_mb": round(max(u.peak_rss_mb for u in found)),
                 "cpu_percent_each": round(100 * sum(u.cpu_s for u in found) / len(found) / wall, 1),
                 "cpu_s": sum(u.cpu_s for u in found)}
                for kind, found in sorted(kinds.items())]

    def cpu_s(self, kind: str) -> float:
        """CPU seconds all processes of `kind` spent since start()."""
        return sum(u.cpu_s for u in self.usage.values() if u.kind == kind)
