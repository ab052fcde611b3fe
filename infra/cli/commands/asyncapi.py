"""`tvp asyncapi`: the AsyncAPI document generated from the event registry."""
import sys
from pathlib import Path

import click

from ..app import example, tvp
from ..console import say
from ..errors import CliError


@tvp.command(epilog=example("tvp asyncapi", "tvp asyncapi --check", "tvp asyncapi --format json --output -"))
@click.option("--output", type=click.Path(path_type=Path), default=Path("docs/asyncapi.yaml"), show_default=True,
              help="file, or - for stdout")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option("--check", is_flag=True, help="fail if the file differs from the registry")
def asyncapi(output: Path, fmt: str, check: bool) -> None:
    """Write the AsyncAPI 3 document of the event streams, generated from the event registry."""
    from shared.asyncapi import build_document, to_json, to_yaml
    from shared.contracts import REGISTRY

    document = build_document(REGISTRY)
    text = to_json(document) if fmt == "json" else to_yaml(document)
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            raise CliError(f"{output} is out of date: run `tvp asyncapi --output {output}`")
        say(f"{output} is current")
        return
    if str(output) == "-":
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        say(f"wrote {output}: {len(document['channels'])} channels, {len(document['components']['messages'])} "
            "messages")
