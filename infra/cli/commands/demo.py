"""`tvp demo`: demo data through the running services' APIs (the data itself is in infra/demo.py)."""

import os
from pathlib import Path

import click

from ..app import example, tvp
from ..console import note, progress_bars, say_above
from ..errors import CliError
from ..keys import issuer
from ..target import HOW_TO_START, live_run

SERVICES = ("members", "events", "reporting")


def service_urls(flags: dict[str, str | None], services: tuple[str, ...] = SERVICES) -> tuple[dict[str, str], str]:
    """Each service's URL: --NAME flag > the running stack's port > $TVP_NAME_URL; else refuse."""
    run = live_run()
    urls, origins = {}, set()
    for name in services:
        ports = (run.content.get("ports") or {}) if run else {}
        if flags.get(name):
            urls[name], origin = flags[name], f"--{name}"
        elif name in ports:
            urls[name], origin = f"http://127.0.0.1:{ports[name]}", f"from {run.path}, `tvp up` pid {run.pid}"
        elif os.environ.get(f"TVP_{name.upper()}_URL"):
            urls[name], origin = os.environ[f"TVP_{name.upper()}_URL"], f"$TVP_{name.upper()}_URL"
        else:
            raise CliError(f"no running stack and no URL for the {name} service: {HOW_TO_START}, or pass --{name} URL")
        origins.add(origin)
    return urls, "; ".join(sorted(origins))


@tvp.command(
    short_help="Fill an empty platform with demo data and a report.",
    epilog=example(
        "tvp demo",
        "tvp demo --out /tmp/report --force",
        "tvp demo --members http://10.0.0.5:8001 --events http://10.0.0.5:8002 --reporting http://10.0.0.5:8003",
    ),
)
@click.option("--members", metavar="URL", help="the members service (default: the running stack's)")
@click.option("--events", metavar="URL", help="the events service (default: the running stack's)")
@click.option("--reporting", metavar="URL", help="the reporting service (default: the running stack's)")
@click.option("--force", is_flag=True, help="add the demo data even if the platform is not empty")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="where to save the demo report's PDF, XLSX and CSV (default var/demo)",
)
def demo(members, events, reporting, force: bool, out: Path | None) -> None:
    """Fill an empty platform with demo data through the services' own APIs.

    The Kırklareli, Tekirdağ, Keşan and Çerkezköy chambers, their presidents on
    the Board and the Advisory Board, meetings with attendance and decisions,
    workshops with SMEs, expenditures; then a draft interim report saved as
    PDF, XLSX and CSV.
    """
    from ...demo import DemoError, run_demo, step_count
    from ...runfile import default_var_dir

    urls, origin = service_urls({"members": members, "events": events, "reporting": reporting})
    note(f"demo: {', '.join(f'{k} {v}' for k, v in urls.items())} ({origin})")
    token = issuer(live_run(quiet=True)).issue("platform_admin", subject="demo", ttl_s=3600)
    try:
        with progress_bars() as bars:
            task = bars.add_task("demo data", total=step_count())
            run_demo(
                urls,
                token,
                say=say_above(bars),
                force=force,
                out_dir=out or default_var_dir() / "demo",
                advance=lambda: bars.advance(task),
            )
    except DemoError as exc:
        raise CliError(str(exc)) from None
