"""Governance bodies: the board and advisory board from the start, working groups created by admins.

Bodies are not event-sourced (the contract has no body events): plain writes through the repository.
"""
from __future__ import annotations

from shared.auth import Principal
from shared.clock import utc_now
from shared.errors import Conflict, DuplicateKey, NotFound
from shared.messaging.outbox import Causation
from shared.service_layer.unit_of_work import UnitOfWork

from ..domain.governance import STANDARD_BODIES
from .commands import CreateWorkingGroup, ListBodies


def create_working_group(uow: UnitOfWork, command: CreateWorkingGroup, principal: Principal,
                         cause: Causation) -> dict:
    document = {"_id": command.code, "name": command.name, "name_tr": command.name_tr, "kind": "working_group",
                "description": command.description, "created_at": utc_now(), "created_by": principal.subject}
    if command.code in STANDARD_BODIES:
        raise Conflict(f"{command.code} is a standard body and already exists", {"code": ["already exists"]})
    try:
        uow.bodies.create(document)
    except DuplicateKey:
        raise Conflict(f"a body with code {command.code} already exists", {"code": ["already exists"]}) from None
    return document


def get_body(uow: UnitOfWork, code: str) -> dict:
    found = uow.bodies.by_code(code)
    if found is None and code in STANDARD_BODIES:
        uow.bodies.ensure_standard(utc_now())  # the start-up hook could not run (database away): create them now
        found = uow.bodies.by_code(code)
    if found is None:
        raise NotFound(f"no governance body {code}")
    return found


# -- reads ----------------------------------------------------------------------------------------

def list_bodies(uow: UnitOfWork, query: ListBodies, principal: Principal) -> dict:
    if uow.bodies.standard_missing():
        uow.bodies.ensure_standard(utc_now())
    return uow.bodies.list_page(query.page, query.page_size)
