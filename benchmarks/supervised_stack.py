"""A whole `tvp up` (supervised) on free ports under a temporary directory, for the fault suite and the soak.

Only 127.0.0.1 and ports the kernel hands out are used; the default ports are never touched.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from infra.embedded import free_port

SERVICES = ("members", "events", "reporting")
TVP = str(Path(sys.executable).with_name("tvp"))


class SupervisedStack:
    def __init__(self, prefix: str = "tvp-faults-", broker: str | None = None, keep: bool = False):
        self.work = Path(tempfile.mkdtemp(prefix=prefix))
        self.keep = keep
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TVP_")}
        self.ports = {name: free_port() for name in SERVICES}
        self.env.update(TVP_VAR_DIR=str(self.work / "var"), TVP_EMBEDDED_MONGO_PORT=str(free_port()),
                        TVP_EMBEDDED_KAFKA_PORT=str(free_port()), TVP_LOG_LEVEL="WARNING",
                        TVP_CONSOLE_PORT=str(free_port()), TVP_MAIL_CATCHER_PORT=str(free_port()),
                        **{f"TVP_{name.upper()}_PORT": str(port) for name, port in self.ports.items()})
        if broker:
            self.env["TVP_BROKER"] = broker
        self.lines: list[str] = []
        self.proc: subprocess.Popen | None = None
        self.token = ""

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> "SupervisedStack":
        self.proc = subprocess.Popen([TVP, "up"], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        threading.Thread(target=self._read_output, daemon=True).start()
        try:
            self.token = self.wait_for_line("admin token", 120).split(": ", 1)[1].strip()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(90)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)

    def _read_output(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())

    def wait_for_line(self, text: str, timeout_s: float, after: int = 0) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if text in line:
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"`tvp up` printed no {text!r}; its output: {' | '.join(self.lines[-8:])}")

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # ------------------------------------------------------------------ what it runs
    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def run_file(self) -> dict:
        return json.loads((self.work / "var" / "run.json").read_text())

    def processes(self) -> dict[str, dict]:
        return {p["name"]: p for p in self.run_file()["processes"]}

    def pid(self, name: str) -> int:
        return int(self.processes()[name]["pid"])

    def restarts(self) -> int:
        return sum(p["restarts"] for p in self.processes().values())

    def all_ready(self) -> bool:
        for service in SERVICES:
            try:
                if requests.get(f"{self.url(service)}/readyz", timeout=2).status_code != 200:
                    return False
            except requests.RequestException:
                return False
        return True

    def backlog_and_lag(self) -> int | None:
        """Outbox backlog plus consumer lag over the three services (their /metrics), None when one is silent."""
        total = 0
        for service in SERVICES:
            try:
                text = requests.get(f"{self.url(service)}/metrics", timeout=2).text
            except requests.RequestException:
                return None
            figures = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                       if line.startswith(("tvp_consumer_lag{", "tvp_outbox_backlog{"))]
            if len(figures) < 2:
                return None
            total += int(sum(figures))
        return total
