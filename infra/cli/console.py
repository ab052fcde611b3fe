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
    Only on a terminal: in a pipe or a log file the command's own lines say enough."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = stderr_console()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    ) as progress:
        try:
            yield progress
        except BaseException:
            progress.live.transient = True  # a failed command ends with its one error line, not a half bar
            raise


def say_above(progress):
    """`say` for a command showing progress bars: on a terminal the line goes above the bars (so they are not torn
    apart); otherwise to stdout as usual, unwrapped and unstyled."""
    if sys.stdout.isatty() and progress.console.is_terminal:
        return lambda text: progress.console.print(text, soft_wrap=True, markup=False, highlight=False)
    return say
