"""`tvp login-link`: a one-time link that signs a browser in to the console."""

import os

import click

from services.console.login_codes import LIFETIME_S, mint
from shared.auth import ROLES

from ..app import example, tvp
from ..console import note, say
from ..errors import CliError
from ..keys import issuer
from ..target import live_run


def console_url(run) -> str:
    """The running stack's console, else $TVP_CONSOLE_URL, else this machine's port ($TVP_CONSOLE_PORT, 8000)."""
    ports = (run.content.get("ports") or {}) if run else {}
    if "console" in ports:
        return f"http://127.0.0.1:{ports['console']}"
    if os.environ.get("TVP_CONSOLE_URL"):
        return os.environ["TVP_CONSOLE_URL"].rstrip("/")
    return f"http://127.0.0.1:{os.environ.get('TVP_CONSOLE_PORT') or 8000}"


@tvp.command(
    "login-link",
    short_help="Print a one-time sign-in link for the console.",
    epilog=example(
        "tvp login-link --role platform_admin",
        "tvp login-link --role chamber_admin --org 3f2c... --sub kesan-tso",
    ),
)
@click.option("--role", required=True, type=click.Choice(ROLES), help="the role the browser signs in as")
@click.option("--org", help="organisation id (required for chamber_admin)")
@click.option("--sub", "subject", help="who signs in (the session's and every API call's `sub`)")
def login_link(role: str, org: str | None, subject: str | None) -> None:
    """Print a link that signs a browser in to the console, once, within 10 minutes.

    The code in the link is signed with the running stack's key (the key of
    `tvp token`); the console accepts it once and starts a session.
    """
    run = live_run()
    try:
        code = mint(issuer(run), role, org, subject)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    note(f"valid for {LIFETIME_S // 60} minutes, once")
    say(f"{console_url(run)}/login/{code}")
