"""Optimistic concurrency over HTTP, for all three services: the ETag is the aggregate's version,
If-Match names the versions expected (RFC 9110: a list, weak tags and `*` included)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import PreconditionFailed


def etag(version: int) -> str:
    return f'"{version}"'


@dataclass(frozen=True)
class Precondition:
    """What an If-Match header asks for: any current version (`*`) or one of the listed ones."""

    any_version: bool = False
    versions: frozenset = frozenset()

    def check(self, version: int) -> None:
        if not (self.any_version or version in self.versions):
            raise PreconditionFailed(
                f"the resource is at version {version}, not the one in If-Match; "
                f"read it again (ETag {etag(version)}) and retry"
            )


def parse_if_match(header: str | None) -> Precondition | None:
    """`"3"`, `3`, `W/"3"`, `"2", "3"` or `*`; None when there is no header. Anything else matches nothing."""
    if header is None or not header.strip():
        return None
    if header.strip() == "*":
        return Precondition(any_version=True)
    versions = set()
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tag = tag.strip('"')
        if tag.isascii() and tag.isdigit() and len(tag) < 12:
            versions.add(int(tag))
    return Precondition(versions=frozenset(versions))
