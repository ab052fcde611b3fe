"""The members' retention policy (KVKK): which people are due, and their anonymisation by erasure.

A due person is erased by the erasure use case itself (people.erase_person), so the run does exactly
what `DELETE /api/v1/people/{id}` does: identifying fields removed, seats ended, the event log scrubbed
and person.erased published, which the events service follows and compaction uses to remove the person
from Kafka. Counts already reported do not change: no event announces fewer attendances or members.
"""
from __future__ import annotations

from datetime import datetime
from functools import partial

from shared.auth import Principal
from shared.errors import NotFound
from shared.messaging.outbox import Causation, ConcurrencyConflict
from shared.retention.policy import Category, configured
from shared.retention.runner import RunRetention, retention_use_case
from shared.service_layer.unit_of_work import UnitOfWork

from ..domain.retention import FORMER_CONTACTS, WITHDRAWN_CONSENTS, is_due
from .commands import ErasePerson
from .people import erase_person

# Who a scheduled run acts as: the platform itself, with the administrator's authority to erase.
RETENTION_PRINCIPAL = Principal("tvp.members.retention", "platform_admin")


def due_people(category: str, uow: UnitOfWork, cutoff: datetime) -> list[str]:
    """The ids of the people of `category` inactive since before `cutoff`."""
    candidates = uow.people.inactive_before(cutoff)
    seats = uow.seats.of_people([p["_id"] for p in candidates])
    return [p["_id"] for p in candidates
            if is_due(p, *seats.get(p["_id"], (False, None)), category=category, cutoff=cutoff)]


def anonymise_person(uow: UnitOfWork, person_id: str, principal: Principal, cause: Causation) -> bool:
    """Erase one person; False when someone erased or changed them meanwhile (the next run looks again)."""
    try:
        erase_person(uow, ErasePerson(person_id), principal, cause)
    except (NotFound, ConcurrencyConflict):
        return False
    return True


def categories() -> list[Category]:
    return configured([
        Category(
            FORMER_CONTACTS,
            data="name, e-mail, phone, title and gender of a member organisation's person who never gave a consent",
            starts="when the person last held a seat or was last changed, whichever is later, "
                   "once they hold no current seat",
            months=24,
            basis="KVKK Art. 5(2)(f) legitimate interest in the membership's contacts, for two years after the "
                  "last role; then Art. 7 (erase when the purpose is gone)",
            action="erased as by DELETE /api/v1/people/{id} (person.erased)",
            due=partial(due_people, FORMER_CONTACTS), anonymise=anonymise_person),
        Category(
            WITHDRAWN_CONSENTS,
            data="name, e-mail, phone, title, gender and consent records of a person who withdrew every consent",
            starts="at the last withdrawal (or the end of the last seat, whichever is later)",
            months=6,
            basis="KVKK Art. 5(1) explicit consent, withdrawn: the contact purpose ended; the withdrawal is kept "
                  "six months as proof (Art. 5(2)(e)), then Art. 7 (erase)",
            action="erased as by DELETE /api/v1/people/{id} (person.erased)",
            due=partial(due_people, WITHDRAWN_CONSENTS), anonymise=anonymise_person),
    ])


run_retention = retention_use_case(categories)

__all__ = ["RunRetention", "run_retention", "categories", "RETENTION_PRINCIPAL"]
