"""`tvp asyncapi`: the documents generated from the event registry (the AsyncAPI document and the type table
of docs/events.md), so that declaring an event type is the only hand edit they need; `--check` also holds the
document to the last published one (the compatibility gate), `--publish` keeps it as a release's document."""

import re
import sys
from pathlib import Path

import click

from ..app import example, tvp
from ..console import say
from ..errors import CliError

EVENTS_REFERENCE = Path("docs/events.md")
TYPES_BLOCK = re.compile(r"(<!-- types:begin -->\n)(.*?)(\n<!-- types:end -->)", re.S)


@tvp.command(
    short_help="Write the documents generated from the event registry.",
    epilog=example(
        "tvp asyncapi", "tvp asyncapi --check", "tvp asyncapi --publish 1.1.0", "tvp asyncapi --format json --output -"
    ),
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=Path("docs/asyncapi.yaml"),
    show_default=True,
    help="file, or - for stdout",
)
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option(
    "--check",
    is_flag=True,
    help="fail if a generated document differs from the registry or breaks the last published document",
)
@click.option(
    "--publish",
    "release",
    metavar="VERSION",
    help="keep the current document as docs/asyncapi/VERSION.yaml (VERSION = its info.version)",
)
def asyncapi(output: Path, fmt: str, check: bool, release: str | None) -> None:
    """Write the AsyncAPI 3 document and the type table of docs/events.md from the event registry."""
    from shared.asyncapi import build_document, to_json, to_yaml, types_table
    from shared.contracts import REGISTRY

    document = build_document(REGISTRY)
    if release:
        from .asyncapi_publish import publish

        publish(document, release)
        return
    text = to_json(document) if fmt == "json" else to_yaml(document)
    if str(output) == "-":
        sys.stdout.write(text)
        return
    generated = {output: text}
    if EVENTS_REFERENCE.exists():
        reference = EVENTS_REFERENCE.read_text(encoding="utf-8")
        if not TYPES_BLOCK.search(reference):
            raise CliError(f"{EVENTS_REFERENCE} has no <!-- types:begin --> … <!-- types:end --> block")
        table = types_table(REGISTRY)
        generated[EVENTS_REFERENCE] = TYPES_BLOCK.sub(lambda m: m.group(1) + table + m.group(3), reference)
    if check:
        from .asyncapi_publish import check_compatible

        stale = [
            str(path) for path, new in generated.items() if not path.exists() or path.read_text(encoding="utf-8") != new
        ]
        compared = check_compatible(document)  # raises, naming every break, before staleness is reported
        if stale:
            raise CliError(f"{', '.join(stale)} out of date: run `tvp asyncapi`")
        say(f"{', '.join(map(str, generated))} current; {compared}")
        return
    for path, new in generated.items():
        path.write_text(new, encoding="utf-8")
    say(
        f"wrote {output}: {len(document['channels'])} channels, {len(document['components']['messages'])} "
        f"messages; the type table of {EVENTS_REFERENCE}"
    )
