"""Governance bodies: the board and advisory board from the start, working groups created by admins."""
from __future__ import annotations

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.clock import utc_now
from shared.errors import Conflict, NotFound
from shared.web.schemas import find_page

from ..adapters.documents import ensure_standard_bodies
from ..domain.governance import STANDARD_BODIES

COLLECTION = "bodies"


def get_body(db: Database, code: str, session=None) -> dict:
    found = db[COLLECTION].find_one({"_id": code}, session=session)
    if found is None and code in STANDARD_BODIES:
        ensure_standard_bodies(db)  # the start-up hook could not run (database away): create them now
        found = db[COLLECTION].find_one({"_id": code}, session=session)
    if found is None:
        raise NotFound(f"no governance body {code}")
    return found


def list_bodies(db: Database, page: int, page_size: int) -> dict:
    if db[COLLECTION].count_documents({"_id": {"$in": list(STANDARD_BODIES)}}) < len(STANDARD_BODIES):
        ensure_standard_bodies(db)
    return find_page(db[COLLECTION], {}, None, [("created_at", 1), ("_id", 1)], page, page_size)


def create_working_group(db: Database, data: dict, actor: str) -> dict:
    document = {"_id": data["code"], "name": data["name"], "name_tr": data.get("name_tr"), "kind": "working_group",
                "description": data.get("description"), "created_at": utc_now(), "created_by": actor}
    if data["code"] in STANDARD_BODIES:
        raise Conflict(f"{data['code']} is a standard body and already exists", {"code": ["already exists"]})
    try:
        db[COLLECTION].insert_one(document)
    except DuplicateKeyError:
        raise Conflict(f"a body with code {data['code']} already exists", {"code": ["already exists"]}) from None
    return document
