"""The published language (shared/contracts, shared/asyncapi.py) may use the runtime, never the reverse.

Checked on the source (not by importing), so a lazy import inside a function counts too.
"""
import ast
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared"
RUNTIME = sorted([*SHARED.joinpath("messaging").rglob("*.py"), *SHARED.joinpath("web").rglob("*.py"),
                  SHARED / "config.py"])
PUBLISHED_LANGUAGE = ("shared.contracts", "shared.asyncapi")


def imported_modules(path: Path) -> set[str]:
    """Absolute names of every module `path` imports, relative imports resolved."""
    package = ".".join(path.relative_to(SHARED.parent).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_the_scan_sees_relative_and_lazy_imports():
    # Guards the guard: shared/asyncapi.py imports the contracts with `from .contracts import ...`.
    assert "shared.contracts.public" in imported_modules(SHARED / "asyncapi.py")


@pytest.mark.parametrize("path", RUNTIME, ids=lambda p: str(p.relative_to(SHARED.parent)))
def test_the_runtime_does_not_import_the_published_language(path):
    wrong = sorted(name for name in imported_modules(path)
                   if any(name == top or name.startswith(top + ".") for top in PUBLISHED_LANGUAGE))
    assert not wrong, f"{path.name} imports {wrong}: pass it in from the service's create_app instead"
