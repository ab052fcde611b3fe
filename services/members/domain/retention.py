"""When a member organisation's person is due for anonymisation under the retention policy. Pure rules.

A person is kept while there is a reason to contact them: a current seat on a governance body (the
platform's own governance, KVKK Art. 5(2)(c)/(f)) or a consent not withdrawn (Art. 5(1)). Without either,
the period runs from the person's last activity: the later of their registration or last change, the end
of their last seat and the withdrawal of their last consent. Two categories, never both for one person:
- FORMER_CONTACTS: never gave a consent (kept for the membership's contacts, Art. 5(2)(f));
- WITHDRAWN_CONSENTS: gave consents and withdrew them all (the contact purpose ended; the record of the
  withdrawal is kept a short while as proof, Art. 5(2)(e)).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

FORMER_CONTACTS = "former_contacts"
WITHDRAWN_CONSENTS = "withdrawn_consents"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def seat_standing(seats: Iterable[dict]) -> dict[str, tuple[bool, datetime | None]]:
    """Per person of the given seats: whether they hold an active seat, and when their last ended seat ended."""
    found: dict[str, tuple[bool, datetime | None]] = {}
    for seat in seats:
        holds, last_end = found.get(seat["person_id"], (False, None))
        if seat["status"] == "active":
            holds = True
        elif last_end is None or seat["updated_at"] > last_end:
            last_end = seat["updated_at"]
        found[seat["person_id"]] = (holds, last_end)
    return found


def has_current_consent(person: dict) -> bool:
    return any(not consent.get("withdrawn_at") for consent in person.get("consents") or [])


def inactive_since(person: dict, last_seat_end: datetime | None) -> datetime:
    moments = [person.get("created_at"), person.get("updated_at"), last_seat_end,
               *(consent.get("withdrawn_at") for consent in person.get("consents") or [])]
    return max(_aware(moment) for moment in moments if moment is not None)


def category_of(person: dict, holds_seat: bool) -> str | None:
    """The retention category whose clock runs for this person, or None while there is a reason to keep them."""
    if person.get("status") != "active" or holds_seat or has_current_consent(person):
        return None
    return WITHDRAWN_CONSENTS if person.get("consents") else FORMER_CONTACTS


def is_due(person: dict, holds_seat: bool, last_seat_end: datetime | None, category: str,
           cutoff: datetime) -> bool:
    return category_of(person, holds_seat) == category and inactive_since(person, last_seat_end) <= _aware(cutoff)
