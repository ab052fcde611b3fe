"""The soak: `python -m benchmarks.soak [--minutes 10] [--rate N]` (not part of CI).

A supervised `tvp up` on free ports takes a steady idempotent write load on all
three services for --minutes, at --rate logical writes per second in total
(default: 80 % of a maximum measured first for 15 s). Every few seconds it samples
the acknowledged rate, the machine's load average, the outbox backlog plus
consumer lag and the resident memory (RSS) of every process of the stack (gunicorn
with its workers). Passing: lag back to 0 within 5 s after the load stops, nothing lost, and
no process's RSS more than 20 % above what it was after the warm-up. The warm-up
lasts a fifth of the run (at least a minute when the run is long enough) and, in
any case, until the oplog reached its cap: until then the database's memory grows
with its oplog by design (docs/operations.md, "The soak"). What the databases hold
(dbStats) is read only at the end of the warm-up and at the end, and the oplog's
length only until it is full: SecantusDB answers both by reading every document
(seconds each on a loaded machine), so sampling them every 5 s loaded the very
database the soak measures. A table, a PNG chart under var/, and one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from infra.embedded import OPLOG_MAX_ENTRIES

from .supervised_stack import SupervisedStack
from .write_load import ReadBack, WriteLoad

SAMPLE_EVERY_S = 5.0
OPLOG_EVERY_S = 30.0  # how often the oplog's length is read until it is full
LAG_AFTER_LIMIT_S = 5.0
GROWTH_LIMIT = 0.20
THREADS_PER_SERVICE = 4


@dataclass
class Samples:
    t: list[float] = field(default_factory=list)
    rate: list[float] = field(default_factory=list)
    lag: list[int | None] = field(default_factory=list)
    rss_mb: dict[str, list[float]] = field(default_factory=dict)
    load: list[float] = field(default_factory=list)  # the machine's 1-minute load average: other jobs share its cores
    oplog_full_s: float | None = None  # when SecantusDB's oplog first reached its cap
    oplog_entries: int = 0  # its length when last read
    data_mb: dict[str, float] = field(default_factory=dict)  # data + indexes (dbStats) at "warm" and "end"
    warm: int | None = None  # the sample that ends the warm-up, once known


def mongo_client(stack: SupervisedStack):
    from pymongo import MongoClient

    return MongoClient(stack.run_file()["mongo_uri"], serverSelectionTimeoutMS=5000, uuidRepresentation="standard")


def data_mb(stack: SupervisedStack) -> float:
    """What the databases hold (uncompressed data plus indexes, dbStats): a database's RSS that grows with it is
    its cache filling with data, growth beyond it is not."""
    client = mongo_client(stack)
    try:
        stats = [client[db].command("dbStats") for db in stack.run_file()["databases"].values()]
        return sum(s["dataSize"] + s["indexSize"] for s in stats) / 2**20
    finally:
        client.close()


def oplog_entries(stack: SupervisedStack) -> int:
    """SecantusDB's oplog length; the database's memory follows it until it reaches its cap."""
    client = mongo_client(stack)
    try:
        return client.local["oplog.rs"].estimated_document_count()
    finally:
        client.close()


def rss_mb(stack: SupervisedStack) -> dict[str, float]:
    """Resident memory per process of the stack; a process with children (gunicorn) counts them in."""
    import psutil

    sizes = {}
    for name, info in stack.processes().items():
        try:
            process = psutil.Process(info["pid"])
            family = [process, *process.children(recursive=True)]
            sizes[name] = sum(p.memory_info().rss for p in family) / 2**20
        except psutil.Error:
            sizes[name] = float("nan")
    return sizes


def measure_max_rate(stack: SupervisedStack, seconds: float = 15.0) -> float:
    """Logical writes per second the stack acknowledges with as many writers as the soak uses, unthrottled."""
    load = WriteLoad(stack, rate=10_000, concurrency=THREADS_PER_SERVICE, phase="max")
    load.prepare()
    load.start()
    time.sleep(2)
    first, started = load.acknowledged(), time.monotonic()
    time.sleep(seconds)
    done, elapsed = load.acknowledged() - first, time.monotonic() - started
    load.stop()
    return done / elapsed


def lag_back_to_zero(stack: SupervisedStack, timeout_s: float = 60) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if stack.backlog_and_lag() == 0:
            return round(time.monotonic() - started, 1)
        time.sleep(0.1)
    return None


def soak(minutes: float, rate: float | None, broker: str | None = None, say=print) -> dict:
    with SupervisedStack(prefix="tvp-soak-", broker=broker) as stack:
        if rate is None:
            top = measure_max_rate(stack)
            rate = round(0.8 * top, 1)
            say(f"measured maximum {top:.1f} writes/s; soaking at 80 %: {rate} writes/s")
        load = WriteLoad(stack, rate=rate / 3, concurrency=THREADS_PER_SERVICE, phase="soak")
        load.prepare()
        samples = Samples()
        duration = minutes * 60
        started = time.monotonic()
        load.start()
        acked_before, sampled_at, oplog_read_at = 0, started, -OPLOG_EVERY_S
        fifth_s = warm_up_s(duration)
        try:
            while (now := time.monotonic()) - started < duration:
                time.sleep(min(SAMPLE_EVERY_S, max(0.0, duration - (now - started))))
                acked, now = load.acknowledged(), time.monotonic()
                samples.t.append(round(now - started, 1))
                samples.rate.append((acked - acked_before) / max(now - sampled_at, 1e-3))
                acked_before, sampled_at = acked, now
                samples.lag.append(stack.backlog_and_lag())
                for name, size in rss_mb(stack).items():
                    samples.rss_mb.setdefault(name, []).append(size)
                samples.load.append(os.getloadavg()[0])
                t = samples.t[-1]
                if samples.oplog_full_s is None and t - oplog_read_at >= OPLOG_EVERY_S:
                    samples.oplog_entries, oplog_read_at = oplog_entries(stack), t
                    if samples.oplog_entries >= OPLOG_MAX_ENTRIES:
                        samples.oplog_full_s = t
                fifth_now = "fifth" not in samples.data_mb and t >= fifth_s
                if fifth_now:
                    samples.data_mb["fifth"] = data_mb(stack)  # the warm-up's end if the oplog never fills
                if samples.warm is None and t >= fifth_s and samples.oplog_full_s is not None:
                    samples.warm = len(samples.t) - 1
                    samples.data_mb["warm"] = samples.data_mb["fifth"] if fifth_now else data_mb(stack)
                say(f"{t:>6.0f}s  {samples.rate[-1]:6.1f} writes/s  lag {samples.lag[-1]}  "
                    f"load {samples.load[-1]:5.2f}  database {samples.rss_mb['mongodb'][-1]:6.1f} MiB"
                    + ("  (warm-up over)" if samples.warm == len(samples.t) - 1 else ""))
        finally:
            load.stop()
        samples.data_mb["end"] = data_mb(stack)
        lag_after = lag_back_to_zero(stack)
        reader = ReadBack(stack)
        try:
            verdict = reader.verdict(load.writes, load.run)
        finally:
            reader.close()
        warm = warm_up_index(samples, duration)
        data_warm = samples.data_mb.get("warm", samples.data_mb.get("fifth", float("nan")))
        growth = {name: (sizes[-1] - sizes[warm]) / sizes[warm] for name, sizes in samples.rss_mb.items()}
        chart = write_chart(samples, warm)
        restarts = stack.restarts()
    return {"minutes": minutes, "rate": rate, "writes": len(load.writes), "acknowledged": verdict.acknowledged,
            "failed": verdict.failed, "server_errors": verdict.server_errors,
            # What the failed writes last got (None: no answer within the client's budget), to tell load from bugs.
            "failed_answers": dict(Counter(str(w.status) for w in load.writes if not w.acknowledged)),
            "lost": verdict.lost, "duplicated": verdict.duplicated,
            "lag_after_s": lag_after, "restarts": restarts,
            "rss_mb": {n: [round(s[warm], 1), round(s[-1], 1)] for n, s in samples.rss_mb.items()},
            "growth": {n: round(g, 3) for n, g in growth.items()}, "chart": str(chart),
            "data_mb": [round(data_warm, 1), round(samples.data_mb["end"], 1)],
            "warm_up_s": samples.t[warm], "oplog_full_s": samples.oplog_full_s,
            "by_minute": by_minute(samples), "load_average": [round(min(samples.load), 2), round(max(samples.load), 2)],
            "rate_load_correlation": correlation(samples.rate, samples.load),
            "ok": verdict.lost == 0 and verdict.server_errors == 0 and lag_after is not None
            and lag_after <= LAG_AFTER_LIMIT_S and all(g < GROWTH_LIMIT for g in growth.values())}


def warm_up_s(duration: float) -> float:
    """A fifth of the run, at least 60 s when the run is 5 minutes or longer."""
    return max(duration / 5, 60.0 if duration >= 300 else 0.0)


def warm_up_index(samples: Samples, duration: float) -> int:
    """The sample that ends the warm-up: the first at or after `warm_up_s` once the oplog reached its cap (its
    entries live in the database's memory). A run too short or too slow to fill it ends its warm-up at the fifth,
    and the oplog's filling then shows as growth."""
    if samples.warm is not None:
        return samples.warm
    return next((i for i, t in enumerate(samples.t) if t >= warm_up_s(duration)), 0)


def by_minute(samples: Samples) -> list[dict]:
    """The achieved rate and the load average per minute of the run, to tell a database slowing down from a
    machine busy with other jobs."""
    minutes: dict[int, list[int]] = {}
    for i, t in enumerate(samples.t):
        minutes.setdefault(int((t - 0.1) // 60), []).append(i)
    return [{"minute": m + 1, "rate": round(sum(samples.rate[i] for i in idx) / len(idx), 1),
             "load": round(sum(samples.load[i] for i in idx) / len(idx), 2),
             "database_mb": round(samples.rss_mb["mongodb"][idx[-1]], 1) if "mongodb" in samples.rss_mb else None}
            for m, idx in sorted(minutes.items())]


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r of two series (None when either is constant)."""
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx, syy = sum((x - mx) ** 2 for x in xs), sum((y - my) ** 2 for y in ys)
    return round(sxy / (sxx * syy) ** 0.5, 2) if sxx and syy else None


def write_chart(samples: Samples, warm: int) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path("var") / f"soak-{time.strftime('%Y%m%d-%H%M%S')}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    figure, (rate, lag, rss) = plt.subplots(3, 1, figsize=(10, 9), sharex=True)
    rate.plot(samples.t, samples.rate)
    rate.set_ylabel("acknowledged writes/s")
    load = rate.twinx()
    load.plot(samples.t, samples.load, color="grey", linestyle="--")
    load.set_ylabel("load average (1 min, dashed)")
    lag.plot(samples.t, [x if x is not None else float("nan") for x in samples.lag])
    lag.set_ylabel("outbox backlog + lag")
    for name, sizes in samples.rss_mb.items():
        rss.plot(samples.t, sizes, label=name)
    if samples.t:
        rss.axvline(samples.t[warm], color="grey", linestyle=":", label="end of warm-up")
    rss.set_ylabel("RSS (MiB)")
    rss.set_xlabel("seconds")
    rss.legend(fontsize="small", ncol=3)
    figure.tight_layout()
    figure.savefig(out)
    plt.close(figure)
    return out


def table(result: dict) -> str:
    lines = [f"{'process':<18} {'RSS warm MiB':>12} {'RSS end MiB':>12} {'growth':>8}"]
    for name, (warm, end) in result["rss_mb"].items():
        lines.append(f"{name:<18} {warm:>12.1f} {end:>12.1f} {result['growth'][name]:>8.1%}")
    warm, end = result["data_mb"]
    lines.append(f"{'data + indexes':<18} {warm:>12.1f} {end:>12.1f} {(end - warm) / warm if warm else 0:>8.1%}")
    full = result["oplog_full_s"]
    lines.append(f"warm-up {result['warm_up_s']} s; oplog full (cap {OPLOG_MAX_ENTRIES}) "
                 + (f"after {full} s" if full is not None else "never: its filling counts as growth"))
    lines.append("minute  " + " ".join(f"{m['minute']:>6}" for m in result["by_minute"]))
    lines.append("writes/s" + " ".join(f"{m['rate']:>6.1f}" for m in result["by_minute"]))
    lines.append("load    " + " ".join(f"{m['load']:>6.2f}" for m in result["by_minute"]))
    lines.append(f"rate against load average: r = {result['rate_load_correlation']}")
    lines.append(f"writes {result['writes']} at {result['rate']}/s: acknowledged {result['acknowledged']}, "
                 f"failed {result['failed']} {result['failed_answers']}, lost {result['lost']}, "
                 f"duplicated {result['duplicated']}; "
                 f"lag back to 0 after {result['lag_after_s']} s; restarts {result['restarts']}; "
                 f"chart {result['chart']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, help="logical writes per second, all services together "
                                                   "(default: 80 %% of a measured maximum)")
    parser.add_argument("--broker", choices=("tansu", "kafka"), help="the embedded broker (default: tvp up's); "
                        "Tansu holds every message in memory, so its RSS grows with the data")
    args = parser.parse_args(argv)
    result = soak(args.minutes, args.rate, args.broker, say=lambda line: print(line, flush=True))
    print(table(result))
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
