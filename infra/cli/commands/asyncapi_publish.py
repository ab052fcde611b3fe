"""`tvp asyncapi --publish` and the gate half of `--check`: the published documents of docs/asyncapi/."""

from __future__ import annotations

from ..console import note, say
from ..errors import CliError


def check_compatible(document: dict) -> str:
    """Raise, naming message, field and rule of every break, unless `document` honours the last published one;
    otherwise say what it was compared with."""
    from shared.clock import utc_now
    from shared.contracts.published import gate

    version, breaks = gate(document, utc_now().date())
    if breaks:
        for found in breaks:
            note(f"incompatible: {found}")
        raise CliError(
            f"{len(breaks)} incompatible change(s) against the published AsyncAPI {version}: {breaks[0]}"
            f"{' …' if len(breaks) > 1 else ''} (a breaking change is a new vN type: docs/extending.md)"
        )
    return f"compatible with published {version}" if version else "nothing published yet"


def publish(document: dict, release: str) -> None:
    """Keep `document` as docs/asyncapi/<release>.yaml: only as the version it names, only if it honours the last
    published one, and never over a different published document."""
    from shared.asyncapi import to_yaml
    from shared.contracts import published
    from shared.contracts.published import load, plain, versions

    claimed = document["info"]["version"]
    if release != claimed:
        raise CliError(
            f"the document is version {claimed}, not {release}: change DOCUMENT_VERSION in shared/asyncapi.py"
        )
    if release in versions():
        if load(release) != plain(document):
            raise CliError(f"{release} is published with other content: published documents never change")
        say(f"{release} already published, unchanged")
        return
    check_compatible(document)
    published.FOLDER.mkdir(parents=True, exist_ok=True)
    path = published.FOLDER / f"{release}.yaml"
    path.write_text(to_yaml(document), encoding="utf-8")
    say(f"published {path}: the compatibility gate compares with it from now on")
