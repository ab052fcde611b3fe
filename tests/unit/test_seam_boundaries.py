"""Only a service's adapters talk to MongoDB: its service layer, domain and entrypoints go through the
repositories of the unit of work (docs/architecture.md, "The service-layer seam"). Checked on the source of
all three services with one rule, so a lazy import counts too: a broken unique index reaches the use cases as
the shared DuplicateKey, never as the driver's error."""
import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "services"
LAYERS = sorted(p for service in ("members", "events", "reporting")
                for layer in ("service_layer", "domain", "entrypoints")
                for p in (SERVICES / service / layer).rglob("*.py"))
DRIVERS = ("pymongo", "mongoengine", "bson", "motor")
COLLECTION_CALLS = {"find", "find_one", "insert_one", "insert_many", "update_one", "update_many", "replace_one",
                    "delete_one", "delete_many", "aggregate", "count_documents", "bulk_write", "find_one_and_update",
                    "find_one_and_replace", "find_one_and_delete", "create_index", "distinct", "watch"}


def _from_uow(node: ast.AST) -> bool:
    """`uow.<repository>…`: a repository's own methods may share names with a collection's."""
    while isinstance(node, (ast.Attribute, ast.Call)):
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return isinstance(node, ast.Name) and node.id == "uow"


def database_uses(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.split(".")[0] in DRIVERS]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in DRIVERS:
            found.append(f"from {node.module} import …")
        elif isinstance(node, ast.Subscript) and (getattr(node.value, "id", None) == "db"
                                                  or getattr(node.value, "attr", None) == "db"):
            found.append(f"db[…] at line {node.lineno}")
        elif isinstance(node, ast.Attribute) and node.attr == "db":
            found.append(f".db at line {node.lineno}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in COLLECTION_CALLS and not _from_uow(node.func.value)):
            found.append(f".{node.func.attr}( at line {node.lineno}")
    return found


@pytest.mark.parametrize("source,expected", [
    ("import pymongo", ["import pymongo"]),
    ("from bson import ObjectId", ["from bson import …"]),
    ("from pymongo.errors import DuplicateKeyError", ["from pymongo.errors import …"]),
    ("db['meetings'].find({})", ["db[…] at line 1", ".find( at line 1"]),
    ("service().db.meetings.update_one({}, {})", [".db at line 1", ".update_one( at line 1"]),
    ("uow.meetings.find('m1')", []),
    ("uow.projections.generation().buckets.find({})", []),
])
def test_the_scan_sees_driver_calls(source, expected):
    assert sorted(database_uses(source)) == sorted(expected)


@pytest.mark.parametrize("path", LAYERS, ids=lambda p: str(p.relative_to(SERVICES)))
def test_only_the_adapters_talk_to_mongodb(path):
    uses = database_uses(path.read_text(encoding="utf-8"))
    assert not uses, f"{path.name} reaches MongoDB directly ({uses}): add a query to adapters/repositories.py"
