"""Where `tvp` writes: results on stdout, notes, progress and errors on stderr (so `tvp token | ...` works)."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator


def say(text: str) -> None:
    """A result or a step of a long command, on stdout."""
    print(text, flush=True)


def note(text: str) -> None:
    """What the command targets, a warning: stderr, so stdout stays the command's result."""
    print(text, file=sys.stderr, flush=True)


def stderr_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


@contextmanager
def progress_bars() -> Iterator:
    """A rich progress display on stderr; lines printed through `progress.console` appear above the bars.
    On a terminal the bars move; otherwise rich prints their final state once."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=stderr_console(), transient=False) as progress:
        yield progress
