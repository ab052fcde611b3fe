"""The geometry of the dashboard's charts, drawn by templates/_charts.html as inline SVG on the server.

No JavaScript and no chart library: a chart is a few rectangles and lines whose sizes are computed here,
in a fixed viewBox the browser scales to the panel's width. Every chart also has its figures as a table
(the template's fallback), so a screen reader or a printout loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 600
LABEL_WIDTH = 190
VALUE_WIDTH = 80
ROW_HEIGHT = 30
BAR_HEIGHT = 18


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    plot_x: int = LABEL_WIDTH
    plot_width: int = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(items: list[tuple[str, float]], limit: int | None = None) -> BarChart:
    """Horizontal bars, largest first; beyond `limit` rows the rest is left to the table."""
    ordered = sorted(items, key=lambda item: (-item[1], item[0]))
    shown = ordered[:limit] if limit else ordered
    top = max((value for _, value in shown), default=0) or 1
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [Bar(label, value, index * ROW_HEIGHT + 5, round(plot_width * value / top, 1))
            for index, (label, value) in enumerate(shown)]
    return BarChart(bars, max(len(bars), 1) * ROW_HEIGHT + 10)


@dataclass(frozen=True)
class Progress:
    code: str
    label: str
    value: float
    target: float | None
    percent: float | None  # of the target, 0..n (1.0 is the target reached)
    y: int
    width: float
    target_x: float | None


@dataclass(frozen=True)
class ProgressChart:
    rows: list[Progress]
    height: int
    plot_x: int = LABEL_WIDTH
    plot_width: int = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT


def progress_chart(items: list[tuple[str, str, float, float | None]]) -> ProgressChart:
    """(code, label, value, target) → one bar per indicator on its own scale (targets differ by orders of
    magnitude): the bar is the value, the mark is the target, both against the larger of the two."""
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = []
    for index, (code, label, value, target) in enumerate(items):
        scale = max(value, target or 0) or 1
        rows.append(Progress(
            code, label, value, target,
            (value / target) if target else None,
            index * ROW_HEIGHT + 5,
            round(plot_width * value / scale, 1),
            round(LABEL_WIDTH + plot_width * target / scale, 1) if target else None,
        ))
    return ProgressChart(rows, max(len(rows), 1) * ROW_HEIGHT + 10)
