"""`infra/` reaches a service only through the service's own entrypoints (and its worker module)."""
import ast
import re
from pathlib import Path

INFRA = Path(__file__).resolve().parents[2] / "infra"
FORBIDDEN = re.compile(r"^services\.\w+\.(service_layer|domain|adapters)(\.|$)")


def imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_no_module_under_infra_imports_a_service_layer_domain_or_adapter():
    modules = sorted(INFRA.rglob("*.py"))
    assert len(modules) > 10, "the scan must see the CLI package"
    offending = [f"{path.relative_to(INFRA.parent)}: {name}" for path in modules
                 for name in imported_modules(path) if FORBIDDEN.match(name)]
    assert offending == []


def test_the_scan_catches_the_forms_of_import_it_forbids(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import services.reporting.service_layer.rebuild\n"
                      "from services.events.domain import meetings\n"
                      "from services.members import adapters\n"
                      "from services.reporting.entrypoints.rebuild_command import rebuild_projections\n")
    assert [name for name in imported_modules(sample) if FORBIDDEN.match(name)] == [
        "services.reporting.service_layer.rebuild", "services.events.domain", "services.events.domain.meetings",
        "services.members.adapters"]
