"""Known vulnerabilities in the installed (pinned) dependencies: `python -m infra.dependency_audit`, run by
`make lint`.

pip-audit asks PyPI's JSON API for the advisories of every installed distribution (the project itself, an
editable install, is skipped). Any known vulnerability fails the run, naming the package, the advisory and
the versions that fix it. A distribution whose advisories could not be fetched (PyPI unreachable, or a proxy
that serves only the package index) is *not audited*: that is said loudly, with the count, and fails the run
only with TVP_AUDIT_STRICT=1, since a machine without PyPI's JSON API could otherwise never run the suite.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def audit() -> dict:
    command = [str(PIP_AUDIT), "--local", "--skip-editable", "--progress-spinner", "off", "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if not done.stdout.strip():
        raise SystemExit(f"pip-audit gave no report (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


def summary(report: dict) -> tuple[list[str], list[str]]:
    """(one line per known vulnerability, the names of the distributions that could not be audited)."""
    found, unaudited = [], []
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            if "editable" not in dependency["skip_reason"]:
                unaudited.append(dependency["name"])
            continue
        for vulnerability in dependency.get("vulns", []):
            fixed = ", ".join(vulnerability.get("fix_versions") or []) or "no fixed version yet"
            found.append(f"{dependency['name']} {dependency['version']}: {vulnerability['id']} (fixed in {fixed})")
    return found, unaudited


def main() -> int:
    found, unaudited = summary(audit())
    for line in found:
        print(f"VULNERABLE {line}")
    if unaudited:
        print(f"WARNING: {len(unaudited)} dependencies could not be audited (PyPI's advisories unreachable "
              f"from here): {', '.join(sorted(unaudited)[:10])}{' …' if len(unaudited) > 10 else ''}")
    if found:
        return 1
    if unaudited and os.environ.get("TVP_AUDIT_STRICT") == "1":
        return 1
    audited = "no known vulnerabilities" if not unaudited else "no known vulnerabilities among those audited"
    print(f"pip-audit: {audited}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
