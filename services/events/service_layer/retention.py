"""The events service's retention policy (KVKK): outside participants' contact data after the meeting.

Members' people registered at meetings are not named here (their names come from the membership view,
which follows person.erased); outside participants are, with the name and e-mail given at registration.
Those go some time after the meeting; what the indicators count (gender, province, organisation) stays,
so no count changes. The run, its lease and its log are the shared mechanism (shared/retention/).
"""
from __future__ import annotations

from datetime import datetime

from shared.auth import Principal
from shared.clock import utc_now
from shared.messaging.outbox import Causation
from shared.retention.policy import Category, configured
from shared.retention.runner import RunRetention, retention_use_case
from shared.service_layer.unit_of_work import UnitOfWork

PARTICIPANT_CONTACTS = "participant_contacts"
RETENTION_PRINCIPAL = Principal("tvp.events.retention", "platform_admin")


def due_participants(uow: UnitOfWork, cutoff: datetime) -> list[str]:
    return [f"{meeting_id}/{registration_id}"
            for meeting_id, registration_id in uow.meetings.participants_with_contacts(cutoff)]


def anonymise_participant(uow: UnitOfWork, key: str, principal: Principal, cause: Causation) -> bool:
    meeting_id, registration_id = key.split("/", 1)
    return uow.meetings.forget_participant(meeting_id, registration_id, utc_now())


def categories() -> list[Category]:
    return configured([
        Category(
            PARTICIPANT_CONTACTS,
            data="name and e-mail of an outside participant (not a member's person) registered at a meeting",
            starts="at the end of the meeting",
            months=12,
            basis="KVKK Art. 5(2)(c) performance of the registration and 5(2)(f) legitimate interest in following "
                  "up the meeting, for a year after it; then Art. 7 (erase). Gender, province and organisation "
                  "stay, unnamed, for the programme's indicators",
            action="name and e-mail removed from the registration; counts unchanged",
            due=due_participants, anonymise=anonymise_participant),
    ])


run_retention = retention_use_case(categories)

__all__ = ["RunRetention", "run_retention", "categories", "RETENTION_PRINCIPAL", "PARTICIPANT_CONTACTS"]
