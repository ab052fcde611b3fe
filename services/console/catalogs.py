"""Keeps the translation catalogs in step with the code: `python -m services.console.catalogs`.

It extracts every message of the console (Python: `_`, `gettext`, `lazy_gettext`, `_l`; templates:
`_()`), adds the new ones to translations/tr and translations/en, drops the ones no longer used, and lists
the Turkish messages still without a translation (tests/unit/console/test_catalogs.py fails on any).
The catalogs are sorted and carry no source locations, so two people adding pages merge cleanly.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from .i18n import LANGUAGES, SOURCE

ROOT = Path(__file__).resolve().parent
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
DOMAIN = "messages"
HEADER_DATE = datetime(2026, 11, 29, tzinfo=timezone.utc)


def extracted() -> Catalog:
    catalog = Catalog(project="tvp-console")
    found = extract_from_dir(str(ROOT), method_map=METHODS, keywords=KEYWORDS)
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(language: str) -> Path:
    return SOURCE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN)
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def write(language: str, catalog: Catalog) -> None:
    # A fixed header: the dates Babel would stamp on every run only make merge conflicts.
    catalog.project, catalog.version, catalog.fuzzy = "tvp-console", "v2", False
    catalog.creation_date = catalog.revision_date = HEADER_DATE
    catalog.copyright_holder, catalog.msgid_bugs_address = "Thrace Productivity Platform", ""
    catalog.last_translator = catalog.language_team = "tvp"
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, no_location=True, sort_output=True, ignore_obsolete=True,
                 width=120)


def update() -> dict[str, list[str]]:
    """Brings both catalogs in step with the code; returns each language's untranslated messages."""
    template = extracted()
    untranslated = {}
    for language in LANGUAGES:
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True)
        write(language, catalog)
        untranslated[language] = missing(catalog)
    return untranslated


def missing(catalog: Catalog) -> list[str]:
    return sorted(str(message.id) for message in catalog if message.id and not message.string)


def main() -> int:
    untranslated = update()
    # English messages are written in English: an empty msgstr shows the msgid itself.
    for message in untranslated["tr"]:
        print(f"tr: untranslated: {message}")
    return 1 if untranslated["tr"] else 0


if __name__ == "__main__":
    sys.exit(main())
