"""Turkish first, English too: the locale of a request, and the catalogs.

Only the .po catalogs are kept in git (services/console/translations/<lang>/LC_MESSAGES/messages.po).
They are compiled when the app starts (once per content, shared by the workers), so a fresh clone, the
Docker image and a test all run with no extra step and no compiled file can fall behind its source.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import request, session
from flask_babel import Babel, lazy_gettext

LANGUAGES = ("tr", "en")
DEFAULT = "tr"
SOURCE = Path(__file__).resolve().parent / "translations"
SESSION_KEY = "lang"


def compile_catalogs(source: Path = SOURCE) -> Path:
    """The compiled catalogs of `source`, in a directory named after the catalogs' content: every worker and
    every restart with the same .po files shares one, and a changed .po gets a new one."""
    po_files = sorted(source.glob("*/LC_MESSAGES/*.po"))
    digest = hashlib.sha256()
    for po_file in po_files:
        digest.update(po_file.relative_to(source).as_posix().encode() + b"\0" + po_file.read_bytes())
    target = Path(tempfile.gettempdir()) / f"tvp-console-i18n-{digest.hexdigest()[:16]}"
    if target.is_dir():
        return target
    building = Path(tempfile.mkdtemp(prefix="tvp-console-i18n-building-"))
    for po_file in po_files:
        with po_file.open("rb") as handle:
            catalog = read_po(handle, locale=po_file.parent.parent.name)
        mo_file = building / po_file.relative_to(source).with_suffix(".mo")
        mo_file.parent.mkdir(parents=True, exist_ok=True)
        with mo_file.open("wb") as handle:
            write_mo(handle, catalog)
    try:
        building.rename(target)  # whole or not at all: a reader never sees half a directory
    except OSError:  # another process made it first
        shutil.rmtree(building, ignore_errors=True)
    return target


def select_locale() -> str:
    """`?lang=` wins and is remembered in the session; then the session's; then Turkish."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        if session.get(SESSION_KEY) != asked:
            session[SESSION_KEY] = asked
        return asked
    remembered = session.get(SESSION_KEY)
    return remembered if remembered in LANGUAGES else DEFAULT


def init_app(app) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Istanbul"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compile_catalogs())
    Babel(app, locale_selector=select_locale)


# The API writes its field errors in English (marshmallow's and the services' own words); the ones whose
# wording is known are shown translated, any other as the API wrote it.
API_MESSAGES = {
    "Missing data for required field.": lazy_gettext("This field is required."),
    "Not a valid string.": lazy_gettext("Enter text."),
    "Not a valid integer.": lazy_gettext("Enter a whole number."),
    "Not a valid number.": lazy_gettext("Enter a number."),
    "Not a valid date.": lazy_gettext("Enter a date."),
    "Not a valid datetime.": lazy_gettext("Enter a date and time."),
    "Not a valid email address.": lazy_gettext("Enter a valid e-mail address."),
    "Not a valid boolean.": lazy_gettext("Choose yes or no."),
    "Unknown field.": lazy_gettext("This field is not accepted."),
    "Field may not be null.": lazy_gettext("This field may not be empty."),
    # The members service's own rules (services/members/entrypoints/schemas.py)
    "the VKN check digit is wrong": lazy_gettext("The tax number's check digit is wrong."),
    "a VKN has 10 digits": lazy_gettext("A tax number has 10 digits."),
    "required for companies": lazy_gettext("Required for companies."),
    "a NACE Rev.2 code such as C25.62": lazy_gettext("Enter a NACE Rev.2 code such as C25.62."),
    "a phone number such as +90 288 214 12 34": lazy_gettext("Enter a phone number such as +90 288 214 12 34."),
    "must not be before term_start": lazy_gettext("The term may not end before it starts."),
}


def api_message(message: str) -> str:
    translated = API_MESSAGES.get(message)
    return str(translated) if translated is not None else message

