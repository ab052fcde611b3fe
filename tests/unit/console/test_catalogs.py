"""Every message of the console has its Turkish translation, and the catalogs hold no message the code
no longer uses (run `python -m services.console.catalogs` after adding or changing a message)."""
from __future__ import annotations

from services.console import catalogs


def test_every_message_of_the_code_is_in_both_catalogs_and_translated_into_turkish():
    in_code = {str(message.id) for message in catalogs.extracted() if message.id}
    assert len(in_code) > 20, "the extraction must see the templates and the Python modules"
    for language in ("tr", "en"):
        in_catalog = {str(message.id) for message in catalogs.read(language) if message.id}
        assert in_code - in_catalog == set(), f"{language}: run python -m services.console.catalogs"
        assert in_catalog - in_code == set(), f"{language}: messages no longer used"
    assert catalogs.missing(catalogs.read("tr")) == []


def test_the_catalogs_compile(tmp_path):
    from services.console.i18n import compile_catalogs

    target = compile_catalogs()
    assert sorted(path.relative_to(target).as_posix() for path in target.rglob("*.mo")) == [
        "en/LC_MESSAGES/messages.mo", "tr/LC_MESSAGES/messages.mo"]
