"""The README and docs/ stand on their own: no link leaves the repository, and the event
reference names every event type and topic the registry declares."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.contracts import REGISTRY, topics

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Addresses of the stack itself, and the placeholder host of the production examples.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "example.org", "example.com")


def markdown_links(text: str) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", text)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_stay_inside_the_repository(document):
    text = document.read_text(encoding="utf-8")
    for target in markdown_links(text):
        assert not re.match(r"[a-z]+:", target), f"{target} leaves the repository"
        path = target.split("#", 1)[0]
        if path:
            resolved = (document.parent / path).resolve()
            assert resolved.is_relative_to(ROOT) and resolved.exists(), f"{target}: no such file in the repository"
    for url in re.findall(r"https?://[^\s`)\]>\"']+", text):
        host = re.match(r"https?://([^/:]+)", url).group(1)
        assert host.endswith(LOCAL_HOSTS), f"{url}: documentation must not point outside the repository"
    assert "../shared/" not in text


def test_the_event_reference_names_every_type_and_topic():
    reference = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    missing = [spec.type for spec in REGISTRY if f"`{spec.type}`" not in reference]
    missing += [topic for topic in topics.ALL if topic not in reference]
    assert not missing, f"docs/events.md does not mention {missing}"


def test_the_readme_links_the_references():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/api.md)" in readme and "(docs/events.md)" in readme
