"""`tvp logs`: the stack's log files, printed or followed."""

import time
from pathlib import Path

import click

from ...runfile import default_var_dir
from ..app import example, tvp
from ..console import say
from ..errors import CliError
from ..target import live_run

# How `tvp up` names its log files (embedded.py): <service>-web.log, <service>-worker[-<n>].log, console-web.log,
# mongodb.log, kafka.log.
SOURCES = ("members", "events", "reporting", "console", "mongodb", "kafka")


def log_files(log_dir: Path, source: str | None) -> list[Path]:
    if source in ("mongodb", "kafka"):
        names = [f"{source}.log"]
    elif source:
        # Workers 2..N of `tvp up --workers N` log to <service>-worker-<n>.log.
        names = [f"{source}-web.log", f"{source}-worker.log",
                 *sorted(p.name for p in log_dir.glob(f"{source}-worker-*.log"))]
    else:
        return sorted(log_dir.glob("*.log"))
    return [log_dir / name for name in names if (log_dir / name).exists()]


def _emit(name: str, chunk: str, prefix: bool) -> None:
    for line in chunk.splitlines():
        say(f"{name:<17}| {line}" if prefix else line)


def _tail(path: Path, lines: int | None) -> tuple[str, int]:
    data = path.read_bytes()
    text = data.decode("utf-8", "replace")
    if lines is not None:
        text = "\n".join(text.splitlines()[-lines:]) if lines else ""
    return text, len(data)


@tvp.command(
    short_help="Print (or follow) the stack's logs.",
    epilog=example("tvp logs", "tvp logs members", "tvp logs reporting -f", "tvp logs kafka -n 50"),
)
@click.argument("service", required=False, type=click.Choice(SOURCES))
@click.option("-f", "--follow", is_flag=True, help="keep printing new lines until Ctrl-C")
@click.option("-n", "--lines", type=int, metavar="N", help="only the last N lines of each file")
def logs(service: str | None, follow: bool, lines: int | None) -> None:
    """Print the stack's logs from var/log/: all of them, or one service's web and worker (or mongodb, kafka).

    With several files each line starts with its file's name.
    """
    run = live_run()
    log_dir = Path(run.content["log_dir"]) if run and run.content.get("log_dir") else default_var_dir() / "log"
    files = log_files(log_dir, service)
    if not files:
        raise CliError(f"no {service + ' ' if service else ''}logs in {log_dir}: start the stack with `tvp up`")
    prefix = len(files) > 1
    offsets = {}
    for path in files:
        text, offsets[path] = _tail(path, lines)
        _emit(path.stem, text, prefix)
    while follow:
        time.sleep(0.3)
        for path in log_files(log_dir, service):
            size = path.stat().st_size
            start = offsets.get(path, 0)
            if size < start:
                start = 0  # truncated or replaced: read it again from the top
            if size > start:
                with path.open("rb") as handle:
                    handle.seek(start)
                    chunk = handle.read(size - start)
                # Only whole lines: a half-written one waits for its end.
                complete = chunk.rfind(b"\n") + 1
                if complete:
                    _emit(path.stem, chunk[:complete].decode("utf-8", "replace"), prefix or service is None)
                offsets[path] = start + complete
