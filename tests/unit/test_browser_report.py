"""The closing table of the browser tests (tests/support/browser.py): axe-core counts per page, by impact."""
from __future__ import annotations

from tests.support.browser import AxeRecord, BrowserReport


def test_the_closing_table_lists_each_page_by_impact():
    report = BrowserReport([AxeRecord("dashboard", "tr", 1280, {"moderate": 2}),
                            AxeRecord("check-in", "en", 768, {})])
    lines = report.lines()
    assert lines[0].split() == ["page", "lang", "width", "critical", "serious", "moderate", "minor"]
    assert lines[1].split() == ["dashboard", "tr", "1280", "0", "0", "2", "0"]
    assert lines[2].split() == ["check-in", "en", "768", "0", "0", "0", "0"]
    assert BrowserReport().lines() == []
