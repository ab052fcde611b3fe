"""The fault suite: `python -m benchmarks.faults [--short]`.

Starts its own supervised stack (`tvp up`, free ports on 127.0.0.1, a temporary
directory), drives a steady idempotent write load on all three services and, in
turn, kills (-9) a gunicorn worker, each service's worker, the broker and the
database, then stalls (SIGSTOP for 10 s) the database and the broker. Per fault:
writes acknowledged, answered 5xx (other than 503), lost, duplicated, whether everything reached the read
models and the public topics, and the seconds from the end of the fault (a kill
ends at once, a stall when the process resumes) until every /readyz answers 200
and the outbox backlog and consumer lag are 0 again. A table, then one JSON line.
`--short` (one database kill, one worker kill) is what `make test` runs.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from dataclasses import asdict, dataclass
from typing import Callable

from .supervised_stack import SupervisedStack
from .write_load import ReadBack, WriteLoad

HEAL_TIMEOUT_S = 60
STALL_S = 10


@dataclass(frozen=True)
class Fault:
    name: str
    inject: Callable[[SupervisedStack], None]
    restarts_a_process: bool  # the supervisor must have restarted something before the stack counts as healed


def kill(process: str) -> Callable[[SupervisedStack], None]:
    def inject(stack: SupervisedStack) -> None:
        os.kill(stack.pid(process), signal.SIGKILL)
    return inject


def kill_gunicorn_worker(service: str) -> Callable[[SupervisedStack], None]:
    def inject(stack: SupervisedStack) -> None:
        import psutil

        children = psutil.Process(stack.pid(f"{service}-web")).children()
        if not children:
            raise RuntimeError(f"{service} web has no gunicorn worker to kill")
        os.kill(children[0].pid, signal.SIGKILL)
    return inject


def stall(process: str, seconds: float = STALL_S) -> Callable[[SupervisedStack], None]:
    def inject(stack: SupervisedStack) -> None:
        pid = stack.pid(process)
        os.kill(pid, signal.SIGSTOP)
        try:
            time.sleep(seconds)
        finally:
            os.kill(pid, signal.SIGCONT)
    return inject


ALL_FAULTS = [
    Fault("kill -9 gunicorn worker (members)", kill_gunicorn_worker("members"), False),
    Fault("kill -9 members worker", kill("members-worker"), True),
    Fault("kill -9 events worker", kill("events-worker"), True),
    Fault("kill -9 reporting worker", kill("reporting-worker"), True),
    Fault("kill -9 broker", kill("kafka"), True),
    Fault("kill -9 database", kill("mongodb"), True),
    Fault(f"SIGSTOP database {STALL_S} s", stall("mongodb"), False),
    Fault(f"SIGSTOP broker {STALL_S} s", stall("kafka"), False),
]
SHORT_FAULTS = [ALL_FAULTS[5], ALL_FAULTS[1]]


def healed_after(stack: SupervisedStack, fault: Fault, restarts_before: int, ended_at: float) -> float | None:
    """Seconds from the end of the fault until the stack is whole again: restarted if it had to be, every /readyz 200,
    nothing waiting in an outbox or behind on a topic. None when that did not happen within HEAL_TIMEOUT_S."""
    deadline = ended_at + HEAL_TIMEOUT_S
    while time.monotonic() < deadline:
        if not stack.alive:
            raise RuntimeError("`tvp up` gave up: " + " | ".join(stack.lines[-3:]))
        restarted = not fault.restarts_a_process or stack.restarts() > restarts_before
        if restarted and stack.all_ready() and stack.backlog_and_lag() == 0:
            return round(time.monotonic() - ended_at, 1)
        time.sleep(0.25)
    return None


def run(faults: list[Fault], rate: float = 4.0, settle_s: float = 3.0, broker: str | None = None,
        say: Callable[[str], None] = print, keep: bool = False) -> list[dict]:
    rows = []
    with SupervisedStack(prefix="tvp-faults-", broker=broker, keep=keep) as stack:
        say(f"stack up in {stack.work} (members :{stack.ports['members']})")
        load = WriteLoad(stack, rate=rate)
        load.prepare()
        load.start()
        healed: dict[str, float | None] = {}
        try:
            time.sleep(settle_s)
            # Each fault starts from a whole stack: the ones after the first because healed_after waited for it,
            # the first only once the consumers have joined and caught up with the load (else its figure
            # would measure the stack's start).
            steady = healed_after(stack, Fault("steady state", lambda _stack: None, False), 0, time.monotonic())
            say(f"steady under load after {steady} more s")
            for fault in faults:
                load.phase = fault.name
                before = stack.restarts()
                say(f"{fault.name} …")
                fault.inject(stack)
                # Counted from the end of the fault: a kill ends at once, a stall when the process resumes.
                healed[fault.name] = healed_after(stack, fault, before, time.monotonic())
                say(f"  healed after {healed[fault.name]} s")
                time.sleep(settle_s)
            load.phase = "after"
            time.sleep(settle_s)
        finally:
            load.stop()
        rows = judge(stack, load, faults, healed, say)
    return rows


def judge(stack: SupervisedStack, load: WriteLoad, faults: list[Fault], healed: dict, say) -> list[dict]:
    """Read everything back once the stack has caught up (or HEAL_TIMEOUT_S has passed)."""
    reader = ReadBack(stack)
    try:
        deadline = time.monotonic() + HEAL_TIMEOUT_S
        while time.monotonic() < deadline and reader.verdict(load.writes, load.run).downstream_missing:
            time.sleep(1)
        unseen = reader.public_unseen()
        rows = []
        for fault in faults:
            writes = [w for w in load.writes if w.phase == fault.name]
            verdict = reader.verdict(writes, load.run, unseen)
            rows.append({"fault": fault.name, **asdict(verdict), "downstream_complete": verdict.downstream_complete,
                         "healed_s": healed.get(fault.name)})
        overall = reader.verdict(load.writes, load.run, unseen)
        # Writes in flight when a fault began belong to the phase before it: the whole run counts them all.
        rows.append({"fault": "whole run", **asdict(overall), "downstream_complete": overall.downstream_complete,
                     "healed_s": max((h for h in healed.values() if h is not None), default=None)
                     if all(h is not None for h in healed.values()) else None})
        copies = reader.copies(load.run)
        for w in load.writes:
            if not w.acknowledged or copies[w.service][w.marker] != 1:
                say(f"  {w.marker} ({w.phase}): answered {w.status}, stored {copies[w.service][w.marker]}x")
        say(f"all phases: {overall.acknowledged} acknowledged, {overall.failed} failed, {overall.lost} lost, "
            f"{overall.duplicated} duplicated, {load.retries} retries")
        return rows
    finally:
        reader.close()


def table(rows: list[dict]) -> str:
    header = (f"{'fault':<36} {'acked':>6} {'failed':>6} {'5xx':>4} {'lost':>5} {'dup':>5} {'downstream':>10} "
              f"{'healed s':>8}")
    lines = [header, "-" * len(header)]
    for r in rows:
        downstream = "complete" if r["downstream_complete"] else f"-{r['downstream_missing'] + r['public_missing']}"
        healed = "never" if r["healed_s"] is None else f"{r['healed_s']:.1f}"
        lines.append(f"{r['fault']:<36} {r['acknowledged']:>6} {r['failed']:>6} {r['server_errors']:>4} "
                     f"{r['lost']:>5} {r['duplicated']:>5} "
                     f"{downstream:>10} {healed:>8}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.faults", description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="one database kill and one worker kill only")
    parser.add_argument("--rate", type=float, default=4.0, help="logical writes per second per service")
    parser.add_argument("--broker", choices=("tansu", "kafka"), help="the embedded broker (default: tvp up's)")
    parser.add_argument("--keep", action="store_true", help="keep the stack's directory (logs) to see where time went")
    args = parser.parse_args(argv)
    started = time.monotonic()
    rows = run(SHORT_FAULTS if args.short else ALL_FAULTS, rate=args.rate, broker=args.broker,
               say=lambda line: print(f"{time.strftime('%H:%M:%S')} {line}", flush=True), keep=args.keep)
    print(table(rows))
    ok = all(r["lost"] == 0 and r["duplicated"] == 0 and r["server_errors"] == 0 and r["healed_s"] is not None
             and r["healed_s"] < 20 and r["downstream_complete"] for r in rows)
    print(json.dumps({"faults": rows, "ok": ok, "seconds": round(time.monotonic() - started, 1)}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
