"""How `pytest -n N` (pytest-xdist) shares the suite among its workers: a test file at a time, and a group of files
at a time where they share an expensive stack.

Most of the suite's time is waiting (servers starting, consumer groups joining, brokers restarting), so several
workers on two cores finish sooner than one. A worker runs a whole file: module-scoped fixtures (a module's own
broker, its gunicorn stack, a browser context) start once, as they do in a serial run, never once per worker.
Files marked `pytest.mark.xdist_group("name")` all go to the worker of that group, so that a session-scoped
stack they share starts once.

The heaviest work goes out first: end-to-end files, then integration, then unit files, which fill the gaps at
the end (xdist itself would start with the files of most tests, which are quick unit files, and leave a
two-minute end-to-end module for last). A worker is sent its next file only when it runs the last test of the
files it has, so that no heavy file waits behind another while a worker is free.

`-n 0` runs the suite in one process (for a debugger, `--pdb`, or to rule out the workers); the ini options
(pyproject.toml) ask for `-n 3 --dist loadgroup`.
"""
from __future__ import annotations

import pytest

# The order of the work: the first match of a file's path, the lower the sooner.
TIERS = ("tests/e2e/", "tests/integration/", "tests/")


def scope_of(nodeid: str) -> str:
    """A test's unit of work: its xdist_group where it has one (xdist appends "@group" under --dist loadgroup),
    else its file."""
    at = nodeid.rfind("@")
    if at > nodeid.rfind("]"):   # "@" inside a parameter id ("[a@b.c]") is not a group
        return "group:" + nodeid[at + 1:]
    return nodeid.split("::", 1)[0]


def tier_of(nodeids) -> int:
    path = min(nodeids).split("::", 1)[0]
    return next((n for n, prefix in enumerate(TIERS) if path.startswith(prefix)), len(TIERS))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FileOrGroupScheduling(LoadScopeScheduling):
        _ordered = False

        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

        def _assign_work_unit(self, node) -> None:
            if not self._ordered:   # the queue is complete now (schedule() fills it, then assigns)
                self._ordered = True
                units = sorted(self.workqueue.items(), key=lambda unit: (tier_of(unit[1]), -len(unit[1])))
                self.workqueue.clear()
                self.workqueue.update(units)
            super()._assign_work_unit(node)

        def _reschedule(self, node) -> None:
            # xdist sends a worker its next file while it still has two tests to run: an end-to-end file of two
            # long tests would then hold a second heavy file back while another worker idles. One test left
            # (the one running) is early enough for the next file to be there when it ends.
            if not node.shutting_down and self.workqueue and self._pending_of(self.assigned_work[node]) > 1:
                return
            super()._reschedule(node)

    return FileOrGroupScheduling(config, log)
