"""What the members service holds about a person, for an access request (KVKK Art. 11, GDPR Art. 15).

The person's record as stored (contact data and consents included: the asker is a platform admin or the
person's own chamber admin), the person's organisation, and every seat the person held or holds (body and
role). An erased person is still answered: what remains after the erasure (status, dates, organisation).
Search keys derived from the name and e-mail (`name_folded`, `email_key`) are not shown: they are copies
of fields shown here and go with them.
"""
from __future__ import annotations

from shared.audit.access import may_see_data_subject
from shared.auth import Principal
from shared.errors import NotFound
from shared.permissions import require
from shared.service_layer.unit_of_work import UnitOfWork

from .people import HIDDEN

MAX_SEATS = 1000  # far beyond any person's seats over a programme's life


def holdings(uow: UnitOfWork, person_id: str, principal: Principal) -> dict:
    person = uow.people.find(person_id, {"outbox": 0})
    if person is None:
        raise NotFound(f"no person {person_id}")
    organisation_id = person.get("organisation_id")
    require(may_see_data_subject(principal, organisation_id),
            "a chamber admin may only ask for the data of people of its own organisation")
    record = {name: value for name, value in person.items() if name not in HIDDEN and name != "consents"}
    record["id"] = record.pop("_id")
    organisation = uow.organisations.find(organisation_id, {"name": 1, "kind": 1, "status": 1}) or {}
    seats = uow.seats.page({"person_id": person_id}, [("term_start", 1), ("_id", 1)], 1, MAX_SEATS)["items"]
    return {
        "person": record,
        "organisation": {"id": organisation_id, **{k: organisation.get(k) for k in ("name", "kind", "status")}},
        "consents": person.get("consents") or [],
        "seats": [{"id": s["_id"], **{k: s.get(k) for k in ("body", "role", "term_start", "term_end", "status",
                                                              "ended_on", "end_reason")}} for s in seats],
    }
