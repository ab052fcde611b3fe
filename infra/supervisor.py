"""Keeps the processes of `tvp up` alive: a dead one is started again after a backoff, a crash loop ends the stack.

The supervisor knows nothing about MongoDB, Kafka or gunicorn: it sees children
that are alive or not, starts them, and calls a hook after a restart (where
`tvp up` replays the event logs into a broker that forgot them). The clock is
injected, so the policy is unit-tested with fake processes and a fake clock.
"""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Protocol


class Process(Protocol):
    name: str

    @property
    def alive(self) -> bool: ...

    def restart(self) -> None: ...

    def exit_summary(self) -> str: ...


@dataclass(frozen=True)
class RestartPolicy:
    first_backoff_s: float = 0.5
    max_backoff_s: float = 10.0
    # A child that stayed up this long is healthy again: its next death waits only first_backoff_s.
    healthy_after_s: float = 60.0
    # This many restarts inside the window, then one more death, is a crash loop: restarting is futile.
    crash_loop_restarts: int = 5
    crash_loop_window_s: float = 60.0


class CrashLoop(RuntimeError):
    """A child keeps dying; the message is the one line `tvp up` ends with."""


@dataclass
class Child:
    process: Process
    kind: str
    after_restart: Callable[[Process], None] | None = None
    restarts: int = 0
    started_at: float = 0.0
    backoff_s: float = 0.0
    restart_due_at: float | None = None  # set while the child is dead and waiting for its backoff
    recent_restarts: deque = field(default_factory=deque)

    @property
    def name(self) -> str:
        return self.process.name


class Supervisor:
    def __init__(self, policy: RestartPolicy | None = None, clock: Callable[[], float] = time.monotonic,
                 report: Callable[[str], None] = lambda line: None):
        self.policy, self.clock, self.report = policy or RestartPolicy(), clock, report
        self.children: list[Child] = []

    def watch(self, process: Process, kind: str, after_restart: Callable[[Process], None] | None = None) -> Child:
        """Supervise an already started process; `after_restart` runs once it has been started again."""
        child = Child(process, kind, after_restart, started_at=self.clock(), backoff_s=self.policy.first_backoff_s)
        self.children.append(child)
        return child

    def tick(self) -> bool:
        """Look at every child once; restart those whose backoff is over. True when something was restarted
        (the caller then rewrites what it publishes about the processes). Raises CrashLoop."""
        restarted = False
        for child in self.children:
            now = self.clock()
            if child.process.alive:
                if now - child.started_at >= self.policy.healthy_after_s:
                    child.backoff_s = self.policy.first_backoff_s
                continue
            if child.restart_due_at is None:
                self._schedule(child, now)
            elif now >= child.restart_due_at:
                self._restart(child, now)
                restarted = True
        return restarted

    def _schedule(self, child: Child, now: float) -> None:
        window = self.policy.crash_loop_window_s
        while child.recent_restarts and now - child.recent_restarts[0] > window:
            child.recent_restarts.popleft()
        if len(child.recent_restarts) >= self.policy.crash_loop_restarts:
            raise CrashLoop(
                f"{child.name} is in a crash loop ({len(child.recent_restarts)} restarts within {window:.0f}s), "
                f"giving up: {child.process.exit_summary()}"
            )
        child.restart_due_at = now + child.backoff_s
        self.report(f"{child.name} died ({child.process.exit_summary()}); restarting in {child.backoff_s:g}s")
        child.backoff_s = min(child.backoff_s * 2, self.policy.max_backoff_s)

    def _restart(self, child: Child, now: float) -> None:
        child.restart_due_at = None
        child.restarts += 1
        child.recent_restarts.append(now)
        child.started_at = now
        try:
            child.process.restart()
            if child.after_restart is not None:
                child.after_restart(child.process)
        except Exception as exc:  # noqa: BLE001 - a failed start is one more death, judged by the same policy
            self.report(f"{child.name} could not be restarted: {_first_line(exc)}")
            if not child.process.alive:
                self._schedule(child, self.clock())  # the hook may have waited: the backoff starts now
            return
        self.report(f"{child.name} restarted (restart {child.restarts})")

    def uptime_s(self, child: Child) -> float:
        return self.clock() - child.started_at


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
