"""Event type names are spelled once, in shared/contracts: services use the exported constants."""
from __future__ import annotations

from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "services"


def literals_in(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if '"tr.tvp.' in line or "'tr.tvp." in line:
                found.append(f"{path.relative_to(root.parent)}:{number}: {line.strip()}")
    return found


def test_no_event_type_literal_in_services():
    assert literals_in(SERVICES) == []


def test_the_scan_finds_a_literal(tmp_path):
    (tmp_path / "handler.py").write_text('HANDLERS = {"tr.tvp.members.seat.ended.v1": print}\n')
    assert len(literals_in(tmp_path)) == 1
