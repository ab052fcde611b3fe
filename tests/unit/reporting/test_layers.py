"""Only reporting's adapters talk to MongoDB: its service layer, domain and entrypoints reach data through the
repositories a unit of work hands out. Checked on the source, so a lazy import counts too."""
import ast
from pathlib import Path

import pytest

REPORTING = Path(__file__).resolve().parents[3] / "services" / "reporting"
CHECKED = sorted(path for layer in ("service_layer", "domain", "entrypoints")
                 for path in (REPORTING / layer).rglob("*.py"))
DRIVERS = ("pymongo", "bson", "mongoengine", "motor")
# Collection methods: called on anything but a repository (`uow.<name>.…`) they are a driver call.
COLLECTION_METHODS = {"find", "find_one", "find_one_and_update", "find_one_and_replace", "insert_one", "insert_many",
                      "update_one", "update_many", "replace_one", "delete_one", "delete_many", "bulk_write",
                      "aggregate", "count_documents", "distinct", "create_index", "drop_collection", "watch"}


def _from_uow(node: ast.AST) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id == "uow"


def driver_uses(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.split(".")[0] in DRIVERS]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in DRIVERS:
            found.append(f"from {node.module} import …")
        elif isinstance(node, ast.Subscript) and isinstance(node.value, (ast.Name, ast.Attribute)) and (
                getattr(node.value, "id", None) == "db" or getattr(node.value, "attr", None) == "db"):
            found.append(f"db[…] at line {node.lineno}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in COLLECTION_METHODS and not _from_uow(node.func.value)):
            found.append(f".{node.func.attr}( at line {node.lineno}")
    return found


def test_the_check_sees_driver_calls_and_lets_repositories_pass():
    source = ("from pymongo import ReplaceOne\nimport bson\ndef f(db, uow, ctx):\n"
              "    db['x'].find({})\n    ctx.db[STATE].update_one({}, {})\n    uow.reports.find('r1')\n")
    assert sorted(driver_uses(source)) == sorted(["from pymongo import …", "import bson", "db[…] at line 4",
                                                  ".find( at line 4", "db[…] at line 5", ".update_one( at line 5"])


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(REPORTING)))
def test_no_mongodb_outside_the_adapters(path):
    assert CHECKED, "nothing checked: the layout moved"
    assert driver_uses(path.read_text(encoding="utf-8")) == [], f"{path.name}: go through a repository"
