"""Only the events service's adapters talk to MongoDB: its service layer, domain and entrypoints go through
the repositories of the unit of work (issue 9 item 1). Checked on the source, so a lazy import counts too."""
import ast
from pathlib import Path

import pytest

EVENTS = Path(__file__).resolve().parents[3] / "services" / "events"
LAYERS = sorted(p for layer in ("service_layer", "domain", "entrypoints") for p in EVENTS.joinpath(layer).rglob("*.py"))
DRIVERS = ("pymongo", "mongoengine", "bson", "motor")
COLLECTION_CALLS = {"find_one", "insert_one", "insert_many", "update_one", "update_many", "replace_one",
                    "delete_one", "delete_many", "aggregate", "count_documents", "bulk_write", "find_one_and_update",
                    "create_index", "distinct", "watch"}


def _is_repository(node: ast.expr) -> bool:
    """`uow.<repository>`: the only receiver whose `.find(...)` is not a collection's."""
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "uow"


def database_uses(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.split(".")[0] in DRIVERS]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in DRIVERS:
            found.append(f"from {node.module} import …")
        elif isinstance(node, ast.Subscript) and isinstance(node.value, (ast.Name, ast.Attribute)) and (
                getattr(node.value, "id", None) == "db" or getattr(node.value, "attr", None) == "db"):
            found.append(f"db[…] at line {node.lineno}")
        elif isinstance(node, ast.Attribute) and node.attr == "db":
            found.append(f".db at line {node.lineno}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in COLLECTION_CALLS or (name == "find" and not _is_repository(node.func.value)):
                found.append(f".{name}( at line {node.lineno}")
    return found


@pytest.mark.parametrize("source,expected", [
    ("import pymongo", ["import pymongo"]),
    ("from pymongo.errors import PyMongoError", ["from pymongo.errors import …"]),
    ("db['meetings'].find({})", ["db[…] at line 1", ".find( at line 1"]),
    ("service().db.meetings.update_one({}, {})", [".db at line 1", ".update_one( at line 1"]),
    ("uow.meetings.find('m1')", []),
])
def test_the_scan_sees_driver_calls(source, expected):
    assert sorted(database_uses(source)) == sorted(expected)


@pytest.mark.parametrize("path", LAYERS, ids=lambda p: str(p.relative_to(EVENTS)))
def test_only_the_adapters_talk_to_mongodb(path):
    uses = database_uses(path.read_text(encoding="utf-8"))
    assert not uses, f"{path.name} reaches MongoDB directly ({uses}): add a query to adapters/repositories.py"
