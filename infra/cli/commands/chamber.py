"""`tvp chamber add|remove|show`: a chamber's SCRAM user and ACLs on the production broker (infra/chambers.py)."""

import os

import click

from ..app import example, tvp
from ..console import note, say
from ..errors import CliError
from ..target import resolve


@tvp.group(
    short_help="Open the public topics to another chamber (SCRAM user + ACLs).",
    epilog=example("TVP_KAFKA_PASSWORD=... tvp chamber add kirklareli-tso --bootstrap kafka:9092",
                   "tvp chamber show kirklareli-tso --bootstrap kafka:9092"),
)
def chamber() -> None:
    """A chamber's access to the EXTERNAL listener, through a listener whose principal is a super user."""


def _bootstrap(flag: str | None) -> str:
    target = resolve(kafka=True, bootstrap_flag=flag)
    note(f"chamber: on {target.describe()}")
    return target.bootstrap


@chamber.command(
    short_help="Create or rotate its SCRAM-SHA-512 password and grant its ACLs (safe to repeat).",
    epilog=example('TVP_KAFKA_PASSWORD="$(openssl rand -base64 24)" tvp chamber add kirklareli-tso '
                   "--bootstrap kafka:9092"),
)
@click.argument("name")
@click.option("--bootstrap", help="a super-user listener (compose: kafka:9092; default: $TVP_KAFKA_BOOTSTRAP)")
def add(name: str, bootstrap: str | None) -> None:
    """NAME is the chamber's user name and the prefix of its consumer groups; the password comes from
    $TVP_KAFKA_PASSWORD (never from the command line, where `ps` would show it)."""
    from ...chambers import ChamberError, add_chamber

    password = os.environ.get("TVP_KAFKA_PASSWORD")
    if not password:
        raise CliError("set TVP_KAFKA_PASSWORD to the chamber's new password")
    try:
        add_chamber(_bootstrap(bootstrap), name, password)
    except ChamberError as exc:
        raise CliError(str(exc)) from None
    say(f"chamber {name}: SCRAM-SHA-512 credential set; may read tvp.public.* and its groups {name}*")


@chamber.command(short_help="Delete its credential and ACLs.",
                 epilog=example("tvp chamber remove kirklareli-tso --bootstrap kafka:9092"))
@click.argument("name")
@click.option("--bootstrap", help="a super-user listener (compose: kafka:9092; default: $TVP_KAFKA_BOOTSTRAP)")
def remove(name: str, bootstrap: str | None) -> None:
    """Delete the chamber's SCRAM-SHA-512 credential and every ACL `tvp chamber add` granted it."""
    from ...chambers import remove_chamber

    remove_chamber(_bootstrap(bootstrap), name)
    say(f"chamber {name}: credential and ACLs removed")


@chamber.command(short_help="List the ACLs the broker holds for it.",
                 epilog=example("tvp chamber show kirklareli-tso --bootstrap kafka:9092"))
@click.argument("name")
@click.option("--bootstrap", help="a super-user listener (compose: kafka:9092; default: $TVP_KAFKA_BOOTSTRAP)")
def show(name: str, bootstrap: str | None) -> None:
    """Print the chamber's ACLs as the broker holds them, one per line."""
    from ...chambers import granted

    for line in granted(_bootstrap(bootstrap), name) or ["(no ACLs)"]:
        say(line)
