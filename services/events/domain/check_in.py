"""Check-in codes: what a badge's QR code carries and a scanner types at the door.

Eight characters of an alphabet without look-alikes (no 0/O, 1/I/L, no U/V pair confusion on
poor prints), drawn by `secrets`: 29^8 ≈ 5·10^11 codes, so a code cannot be guessed from
another. A meeting keeps them in `check_in_codes` (registration id → code), beside its
registrations rather than inside them, so that giving an older registration its code is a
single-key write that no concurrent change of the registrations overwrites.
"""
from __future__ import annotations

import re
import secrets
from typing import Callable

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
LENGTH = 8
_NOT_CODE = re.compile(r"[\s\-_.]")


def new_code(taken: set[str], draw: Callable[[str], str] = secrets.choice) -> str:
    """A code not in `taken` (the meeting's codes)."""
    while True:
        code = "".join(draw(ALPHABET) for _ in range(LENGTH))
        if code not in taken:
            return code


def normalise(typed: str) -> str:
    """What a person or scanner typed as the stored form: upper case, without spaces or dashes."""
    return _NOT_CODE.sub("", typed or "").upper()


def shown(code: str) -> str:
    """The code as printed under the QR code: two groups of four, easy to read out."""
    return f"{code[:4]}-{code[4:]}"


def missing_codes(meeting: dict, draw: Callable[[str], str] = secrets.choice) -> dict[str, str]:
    """New codes for the meeting's confirmed registrations that have none yet (registration id → code)."""
    codes = meeting.get("check_in_codes") or {}
    taken = set(codes.values())
    issued: dict[str, str] = {}
    for registration in meeting.get("registrations") or []:
        if registration["status"] == "confirmed" and registration["id"] not in codes:
            issued[registration["id"]] = code = new_code(taken, draw)
            taken.add(code)
    return issued


def registration_with_code(meeting: dict, typed: str) -> str | None:
    """The id of the meeting's registration whose code was typed, if any."""
    wanted = normalise(typed)
    return next((rid for rid, code in (meeting.get("check_in_codes") or {}).items() if code == wanted), None)
