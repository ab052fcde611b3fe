"""Use cases on organisations: each one state change plus the events that announce it."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from pymongo.errors import DuplicateKeyError

from shared.errors import Conflict, NotFound
from shared.messaging.outbox import Causation, Outbox

from ..adapters.documents import OrganisationDocument
from ..domain.organisation import derived_fields
from ..domain.provinces import fold

COLLECTION = "organisations"
REGISTERED = "tr.tvp.members.organisation.registered.v1"

PAYLOAD_FIELDS = ["id", "name", "short_name", "kind", "province", "region", "district", "tax_number", "nace_code",
                  "size_class", "is_sme", "employees", "email", "website", "status"]


def payload_of(document: dict) -> dict:
    return {name: document.get("_id" if name == "id" else name) for name in PAYLOAD_FIELDS}


def register_organisation(outbox: Outbox, data: dict, cause: Causation, actor: str) -> dict:
    now = datetime.now(timezone.utc)
    document = {
        "_id": uuid.uuid4().hex,
        **{k: v for k, v in data.items() if v is not None},
        **derived_fields(data["kind"], data["province"], data.get("size_class")),
        "name_folded": fold(data["name"] + " " + (data.get("short_name") or "")),
        "status": "applicant",
        "status_history": [{"status": "applicant", "action": "apply", "reason": None, "actor": actor, "at": now}],
        "created_at": now,
        "updated_at": now,
    }
    try:
        outbox.insert(COLLECTION, document, [(REGISTERED, payload_of(document))], cause)
    except DuplicateKeyError:
        raise Conflict("an organisation with this tax number already exists",
                       {"tax_number": ["already registered"]}) from None
    return get_organisation(document["_id"])


def get_organisation(organisation_id: str) -> OrganisationDocument:
    found = OrganisationDocument.objects(id=organisation_id).first()
    if found is None:
        raise NotFound(f"no organisation {organisation_id}")
    return found
