"""`tvp data-export`: one person's access request (KVKK Art. 11, GDPR Art. 15) to the three services,
assembled into one JSON document (the answers as the services gave them) and one PDF for the person.

Each service answers GET /api/v1/data-subjects/{person_id} with what it holds and the audit entries naming
the person, and records the request in its own audit trail under the token's subject. A service that does
not know the person (404) is noted as such in the export; when neither members nor events know the person,
there is nothing to export and the command refuses.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import requests

from shared.clock import local_iso, utc_now

SERVICES = ("members", "events", "reporting")
PERSON_HOLDERS = ("members", "events")  # the services that know people (reporting holds counts)
TIMEOUT_S = 30


class DataExportError(RuntimeError):
    """Something the user can fix; printed as one line."""


def collect(urls: dict[str, str], token: str, person_id: str, requested_by: str) -> dict:
    """The three services' answers about `person_id`, as one export document."""
    answers = {name: _ask(name, urls[name], token, person_id) for name in SERVICES}
    if all(answers[name].get("unknown") for name in PERSON_HOLDERS):
        raise DataExportError(f"no service knows a person {person_id}")
    return {"person_id": person_id, "generated_at": local_iso(utc_now()), "requested_by": requested_by,
            "legal_basis": "KVKK md. 11 / GDPR Art. 15", "services": answers}


def _ask(name: str, base_url: str, token: str, person_id: str) -> dict:
    url = f"{base_url.rstrip('/')}/api/v1/data-subjects/{quote(person_id, safe='')}"
    try:
        response = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT_S)
    except requests.RequestException as exc:
        raise DataExportError(f"the {name} service at {base_url} did not answer: {type(exc).__name__}") from None
    if response.status_code == 404:
        return {"service": name, "person_id": person_id, "unknown": True,
                "message": _message(response) or "this service knows no such person"}
    if response.status_code != 200:
        raise DataExportError(f"the {name} service answered {response.status_code}: {_message(response)}")
    return response.json()


def _message(response) -> str:
    try:
        return str(response.json().get("message") or "")
    except ValueError:
        return response.text[:200]


def write(export: dict, out_dir: Path) -> tuple[Path, Path]:
    """The export as `data-export-<person>-<time>.json` and `.pdf` in `out_dir`."""
    from .data_export_pdf import render

    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(export["generated_at"]).strftime("%Y%m%dT%H%M%S")
    safe_id = "".join(c if c.isalnum() or c in "-_" else "_" for c in export["person_id"])[:64]
    base = out_dir / f"data-export-{safe_id}-{stamp}"
    json_path, pdf_path = base.with_suffix(".json"), base.with_suffix(".pdf")
    json_path.write_text(json.dumps(export, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    pdf_path.write_bytes(render(export))
    return json_path, pdf_path
