"""Importing organisations from a chamber's file: pure rules, no I/O.

Which column holds which field (a header alias table, Turkish and English), the words chambers use for the
API's values of `kind` and `size_class`, and what makes two organisations the same one (the duplicate rule:
the tax number, or the normalised name in the same province). Reading the file is an adapter
(adapters/organisation_files.py); validating a row is the API's own schema.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from shared.contracts.members import ORGANISATION_KINDS, SIZE_CLASSES
from shared.provinces import fold

# Each field of POST /organisations with the header names a chamber's file may give it (compared folded: case,
# Turkish dotted and dotless i and diacritics do not matter, nor spaces, dots, dashes or underscores).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "organisation name", "organization name", "title", "ad", "adi", "unvan", "unvani",
             "kurum adi", "kurulus adi", "firma adi", "sirket unvani", "uye adi"),
    "kind": ("kind", "type", "organisation kind", "tur", "turu", "tip", "kurum turu", "kurulus turu"),
    "province": ("province", "city", "il", "sehir", "ili"),
    "short_name": ("short name", "short_name", "abbreviation", "kisa ad", "kisa adi", "kisaltma"),
    "district": ("district", "ilce", "ilcesi"),
    "tax_number": ("tax number", "tax_number", "vkn", "tax id", "vergi no", "vergi numarasi",
                   "vergi kimlik no", "vergi kimlik numarasi"),
    "nace_code": ("nace", "nace code", "nace_code", "nace kodu", "faaliyet kodu"),
    "size_class": ("size class", "size_class", "size", "olcek", "buyukluk", "isletme olcegi", "kobi olcegi"),
    "employees": ("employees", "employee count", "staff", "calisan sayisi", "calisan", "personel sayisi"),
    "email": ("email", "e-mail", "e mail", "mail", "e-posta", "eposta", "e posta"),
    "website": ("website", "web site", "web", "url", "web sitesi", "internet sitesi"),
}
REQUIRED_COLUMNS = ("name", "kind", "province")

# The words a chamber's file uses for the API's values; anything else goes to the API's schema as written,
# which refuses it with its own message.
KIND_ALIASES = {
    "oda": "chamber", "ticaret odasi": "chamber", "sanayi odasi": "chamber", "ticaret ve sanayi odasi": "chamber",
    "tso": "chamber", "borsa": "commodity_exchange", "ticaret borsasi": "commodity_exchange",
    "kamu": "public_body", "kamu kurumu": "public_body", "kalkinma ajansi": "development_agency",
    "universite": "university", "osb": "industrial_zone", "organize sanayi bolgesi": "industrial_zone",
    "sirket": "company", "firma": "company", "isletme": "company", "dernek": "ngo", "vakif": "ngo", "stk": "ngo",
}
SIZE_ALIASES = {"mikro": "micro", "kucuk": "small", "orta": "medium", "buyuk": "large"}

_NOT_A_LETTER_OR_DIGIT = re.compile(r"[^0-9a-z]+")


def header_key(text: str) -> str:
    """A header cell as the alias table compares it: folded, punctuation and spacing as single spaces."""
    return _NOT_A_LETTER_OR_DIGIT.sub(" ", fold(text)).strip()


_FIELD_OF_HEADER = {header_key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
_FIELD_OF_HEADER.update({header_key(name): name for name in HEADER_ALIASES})


def known_header(text: str) -> bool:
    """Whether a header cell names a field (the CSV reader picks its delimiter by this)."""
    return header_key(text) in _FIELD_OF_HEADER


@dataclass(frozen=True)
class ColumnMap:
    """Which column (0-based) holds which field, and the header cells that name no field (ignored)."""
    fields: dict[str, int]
    ignored: list[str] = field(default_factory=list)


class HeaderProblem(ValueError):
    """The header row does not name the columns an import needs."""


def map_columns(header: list[str]) -> ColumnMap:
    """The fields the header's cells name; raises HeaderProblem when none does, a required one is missing
    or two columns name the same field."""
    fields: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        name = _FIELD_OF_HEADER.get(header_key(cell))
        if name is None:
            if cell.strip():
                ignored.append(cell.strip())
            continue
        if name in fields:
            raise HeaderProblem(f"two columns name the field {name!r}: {header[fields[name]]!r} and {cell!r}")
        fields[name] = index
    if not fields:
        raise HeaderProblem("no recognisable header: the first row must name the columns, e.g. "
                            "name/ad, kind/tür, province/il (docs/members.md lists every name)")
    missing = [name for name in REQUIRED_COLUMNS if name not in fields]
    if missing:
        raise HeaderProblem(f"the header names no column for {', '.join(missing)} (required)")
    return ColumnMap(fields, ignored)


def normalise_values(record: dict) -> dict:
    """A row's words for kind and size class as the API's values ("Şirket", "COMPANY" -> company); a value
    it does not know stays as written, for the API's schema to refuse with its own message."""
    normalised = dict(record)
    for name, aliases, values in (("kind", KIND_ALIASES, ORGANISATION_KINDS),
                                  ("size_class", SIZE_ALIASES, SIZE_CLASSES)):
        value = normalised.get(name)
        if isinstance(value, str):
            key = header_key(value)
            snake = key.replace(" ", "_")
            normalised[name] = aliases.get(key) or (snake if snake in values else value)
    return normalised


def name_key(name: str) -> str:
    """A name as the duplicate rule compares it: folded, punctuation and spacing ignored ("Tekirdağ T.S.O."
    and "TEKIRDAG TSO" are one name)."""
    return _NOT_A_LETTER_OR_DIGIT.sub("", fold(name))


@dataclass(frozen=True)
class Identity:
    """What the duplicate rule looks at in an organisation (a valid row, or one the platform holds)."""
    tax_number: str | None
    province: str
    name: str

    @classmethod
    def of(cls, details: dict) -> Identity:
        return cls(details.get("tax_number"), details["province"], details["name"])


class DuplicateFinder:
    """Finds the organisations of a file that exist already: on the platform (`known`) or in an earlier row.

    Two organisations are the same when they have the same tax number, or the same normalised name in the
    same province. The first row of a file that names one is kept; later rows are its duplicates."""

    def __init__(self, known: dict[str, Identity]):
        self._tax: dict[str, str] = {}
        self._name: dict[tuple[str, str], str] = {}
        for organisation_id, identity in known.items():
            self._remember(identity, f"the registered organisation {organisation_id}")

    def _remember(self, identity: Identity, holder: str) -> None:
        if identity.tax_number:
            self._tax.setdefault(identity.tax_number, holder)
        self._name.setdefault((identity.province, name_key(identity.name)), holder)

    def check(self, identity: Identity, row: int) -> tuple[str, str] | None:
        """(field, message) if the row duplicates one seen before; else None and the row is remembered."""
        if identity.tax_number and identity.tax_number in self._tax:
            return "tax_number", f"same tax number as {self._tax[identity.tax_number]}"
        same_name = self._name.get((identity.province, name_key(identity.name)))
        if same_name:
            return "name", f"same name in {identity.province} as {same_name}"
        self._remember(identity, f"row {row}")
        return None
