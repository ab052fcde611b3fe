"""`var/run.json`: what the running `tvp up` started, so that every other command talks to that stack.

`tvp up` writes it once the stack is ready and removes it when it stops. A file
whose `pid` is not running is stale: `tvp up` was killed without a chance to
remove it, and nothing in it can be trusted.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from shared.clock import utc_now

FILE_NAME = "run.json"


def run_file(var_dir: Path) -> Path:
    return var_dir / FILE_NAME


def default_var_dir() -> Path:
    return Path(os.environ.get("TVP_VAR_DIR") or "var").resolve()


def pid_alive(pid: int | None) -> bool:
    """True for a running process; a zombie (exited, not yet reaped by its parent) counts as dead."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive, if not ours
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (not Linux): kill(0) is all we know
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def write(var_dir: Path, content: dict) -> Path:
    """Atomically: a reader sees the previous file or the whole new one, never half of it."""
    path = run_file(var_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".run.", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(content, out, indent=2)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def remove(var_dir: Path, pid: int) -> None:
    """Remove the file only if it is still ours (another `tvp up` may have replaced a stale one)."""
    path = run_file(var_dir)
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == pid:
            path.unlink()
    except (OSError, ValueError):
        pass


def now_iso() -> str:
    return utc_now().isoformat(timespec="seconds")


@dataclass(frozen=True)
class RunState:
    path: Path
    content: dict

    @property
    def pid(self) -> int:
        return int(self.content.get("pid") or 0)

    @property
    def live(self) -> bool:
        return pid_alive(self.pid)

    @property
    def processes(self) -> list[dict]:
        return list(self.content.get("processes") or [])

    def started_at(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.content["started_at"])
        except (KeyError, TypeError, ValueError):
            return None


def read(var_dir: Path) -> RunState | None:
    """The run file, live or stale; None when there is none (or it is not JSON, e.g. written by hand)."""
    path = run_file(var_dir)
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return None
    return RunState(path, content) if isinstance(content, dict) else None
