"""`tvp data-export`: a person's data from the three services, as JSON and as a PDF (infra/data_export.py)."""

import getpass
from pathlib import Path

import click

from ..app import example, tvp
from ..console import note, say
from ..errors import CliError
from ..keys import issuer
from ..target import live_run, service_urls


@tvp.command(
    "data-export",
    short_help="Answer an access request: what the platform holds about a person, as JSON and PDF.",
    epilog=example(
        "tvp data-export 6f1c2d...",
        "tvp data-export 6f1c2d... --out /tmp/requests --subject dpo@kirklarelitso.org.tr",
    ),
)
@click.argument("person_id")
@click.option("--out", type=click.Path(path_type=Path), help="where to write the files (default var/data-exports)")
@click.option("--subject", help="who asks, recorded in every service's audit trail (default: tvp-cli:<user>)")
@click.option("--members", metavar="URL", help="the members service (default: the running stack's)")
@click.option("--events", metavar="URL", help="the events service (default: the running stack's)")
@click.option("--reporting", metavar="URL", help="the reporting service (default: the running stack's)")
def data_export(person_id: str, out: Path | None, subject: str | None, members, events, reporting) -> None:
    """Ask the three services what they hold about PERSON_ID (KVKK Art. 11, GDPR Art. 15) and write
    one JSON file (their answers) and one PDF (the same, readable; Turkish and English headings).

    The request is made as a platform admin and recorded in each service's audit trail under the
    subject (--subject), so the trail says who asked about whom.
    """
    from ...data_export import DataExportError, collect, write
    from ...runfile import default_var_dir

    urls, origin = service_urls({"members": members, "events": events, "reporting": reporting})
    note(f"data-export: {', '.join(f'{k} {v}' for k, v in urls.items())} ({origin})")
    asker = subject or f"tvp-cli:{getpass.getuser()}"
    token = issuer(live_run(quiet=True)).issue("platform_admin", subject=asker, ttl_s=600)
    try:
        export = collect(urls, token, person_id, asker)
        json_path, pdf_path = write(export, out or default_var_dir() / "data-exports")
    except DataExportError as exc:
        raise CliError(str(exc)) from None
    say(str(json_path))
    say(str(pdf_path))
