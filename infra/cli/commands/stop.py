"""`tvp stop`: ends the running `tvp up` from another terminal."""

import os
import signal
import time

import click

from ...runfile import default_var_dir, pid_alive, read
from ..app import example, tvp
from ..console import note, say
from ..errors import CliError


@tvp.command(short_help="Stop the running stack.", epilog=example("tvp stop", "tvp stop --timeout 120"))
@click.option(
    "--timeout",
    type=float,
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="how long to wait for `tvp up` to stop its processes",
)
def stop(timeout: float) -> None:
    """Stop the running `tvp up` (as Ctrl-C in its terminal would) and wait until it has finished."""
    var_dir = default_var_dir()
    state = read(var_dir)
    if state is None:
        say(f"nothing to stop: no stack is running (no {var_dir / 'run.json'})")
        return
    names = ", ".join(p.get("name", "?") for p in state.processes)
    if not state.live:
        leftovers = [f"{p.get('name')} (pid {p.get('pid')})" for p in state.processes if pid_alive(p.get("pid"))]
        state.path.unlink(missing_ok=True)
        if leftovers:
            # Their pids may belong to other programs by now: naming them is safer than killing them.
            raise CliError(
                f"removed stale {state.path}; its `tvp up` (pid {state.pid}) is gone but these still run: "
                f"{', '.join(leftovers)}"
            )
        say(f"nothing to stop: removed stale {state.path} (its `tvp up`, pid {state.pid}, had already stopped)")
        return
    note(f"stopping `tvp up` pid {state.pid}: {names}")
    try:
        os.kill(state.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while pid_alive(state.pid):
        if time.monotonic() > deadline:
            raise CliError(
                f"`tvp up` (pid {state.pid}) is still stopping after {timeout:.0f}s; "
                f"see its log files in {state.content.get('log_dir', var_dir / 'log')}"
            )
        time.sleep(0.2)
    say(f"stopped `tvp up` (pid {state.pid}) and its {len(state.processes)} processes: {names}")
