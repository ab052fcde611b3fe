"""Members' seam: only adapters/ talks to MongoDB, and the bus's tables cover every command."""
import dataclasses
import re
from pathlib import Path

import pytest

from services.members import bootstrap
from services.members.service_layer import commands
from services.members.worker import SPEC

MEMBERS = Path(__file__).resolve().parents[3] / "services" / "members"
OUTSIDE_ADAPTERS = sorted(p for layer in ("service_layer", "domain", "entrypoints")
                          for p in (MEMBERS / layer).rglob("*.py"))
# What a module talking to MongoDB itself shows: a collection by name, a cursor or a write, the driver.
PYMONGO_USE = re.compile(r"\bdb\[|\bdb\.\w+\.|\.find(_one)?\(|\.(insert|update|delete|replace)_(one|many)\(|"
                         r"\.count_documents\(|\.aggregate\(|^\s*(from|import) pymongo(?!\.errors)", re.M)


def test_the_scan_sees_what_it_looks_for():
    assert PYMONGO_USE.search("x = ctx.db[COLLECTION].find_one({})")
    assert PYMONGO_USE.search("ctx.db.people.find({})")
    assert PYMONGO_USE.search("from pymongo.database import Database")
    assert not PYMONGO_USE.search("from pymongo.errors import DuplicateKeyError")  # use cases translate it
    assert len(OUTSIDE_ADAPTERS) > 10


@pytest.mark.parametrize("path", OUTSIDE_ADAPTERS, ids=lambda p: str(p.relative_to(MEMBERS)))
def test_no_module_outside_adapters_talks_to_mongodb(path):
    found = [m.group(0) for m in PYMONGO_USE.finditer(path.read_text(encoding="utf-8"))]
    assert not found, f"{path.name} uses {found}: move the query into adapters/repositories.py"


def test_every_command_has_its_handler_and_members_handles_no_events():
    written = {c for c in vars(commands).values()
               if dataclasses.is_dataclass(c) and c.__module__ == commands.__name__ and not c.__name__.startswith(
                   ("Get", "List", "Page"))}
    assert set(bootstrap.COMMANDS) == written
    assert bootstrap.EVENTS == {}
    tables = SPEC.bus(None, None, None)  # the worker's bus, without a connection: only its tables are read
    assert (tables.event_handlers(), tables.subscriptions(SPEC.registry), tables.batch_handler()) == ({}, [], None)
