"""`tvp token`: a bearer token signed with the running stack's key."""

import click

from shared.auth import ROLES

from ..app import example, tvp
from ..console import say
from ..errors import CliError
from ..keys import issuer
from ..target import live_run


@tvp.command(
    short_help="Print a bearer token for a role.",
    epilog=example(
        "tvp token --role platform_admin",
        "tvp token --role chamber_admin --org 3f2c... --hours 2",
        'curl -H "Authorization: Bearer $(tvp token --role auditor)" http://127.0.0.1:8003/api/v1/indicators',
    ),
)
@click.option("--role", required=True, type=click.Choice(ROLES), help="the token's role")
@click.option("--org", help="organisation id (required for chamber_admin)")
@click.option("--subject", help="who the token is for (its `sub`)")
@click.option("--hours", type=int, default=12, show_default=True, help="lifetime")
def token(role: str, org: str | None, subject: str | None, hours: int) -> None:
    """Print a bearer token signed with the running stack's key.

    The key is the one `tvp up` created (var/keys/jwt-private.pem, or
    TVP_JWT_PRIVATE_KEY_FILE); without it the command refuses rather than make
    a new key the services would not accept.
    """
    try:
        say(issuer(live_run()).issue(role, org, subject, ttl_s=hours * 3600))
    except ValueError as exc:
        raise CliError(str(exc)) from None
