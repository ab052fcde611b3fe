"""The AsyncAPI documents of past releases, kept as docs/asyncapi/<version>.yaml.

A published document is never edited: subscribers built on it, and the compatibility gate
(compatibility.py) holds every later document to it. `tvp asyncapi --publish VERSION`
adds one; the newest by version number is the one the gate compares with.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml

from .compatibility import Break, compare

FOLDER = Path(__file__).resolve().parents[2] / "docs" / "asyncapi"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def versions(folder: Path | None = None) -> list[str]:
    """Published versions, oldest first."""
    return sorted((path.stem for path in (folder or FOLDER).glob("*.yaml")), key=version_key)


def load(version: str, folder: Path | None = None) -> dict:
    return yaml.safe_load(((folder or FOLDER) / f"{version}.yaml").read_text(encoding="utf-8"))


def latest(folder: Path | None = None) -> tuple[str, dict] | None:
    published = versions(folder)
    return (published[-1], load(published[-1], folder)) if published else None


def plain(document: dict) -> dict:
    """A generated document (OrderedDicts, tuples) as the plain types a loaded YAML file has."""
    return json.loads(json.dumps(document, ensure_ascii=False))


def gate(current: dict, today: date, folder: Path | None = None) -> tuple[str | None, list[Break]]:
    """(the last published version, the ways `current` breaks it); no published document, nothing to break.

    A document that still calls itself a published version must be that document: a change needs a new
    `info.version` (shared/asyncapi.py DOCUMENT_VERSION) so that subscribers can tell the two apart."""
    newest = latest(folder)
    if newest is None:
        return None, []
    version, published = newest
    current = plain(current)
    breaks = compare(published, current, today)
    claimed = current.get("info", {}).get("version", "")
    if claimed in versions(folder) and load(claimed, folder) != current:
        breaks.append(
            Break(
                "(document)",
                "info.version",
                "published documents are frozen",
                f"{claimed} is published and the document differs from it: raise the version",
            )
        )
    elif claimed not in versions(folder) and version_key(claimed) < version_key(version):
        breaks.append(
            Break(
                "(document)", "info.version", "versions only grow", f"{claimed} is older than the published {version}"
            )
        )
    return version, breaks
