"""Issue 12's closing figure for the meeting mails, against a running `tvp up` stack (docs/notifications.md):

    tvp up                                   # (another shell) starts the mail catcher too
    python -m benchmarks.notifications_must_show

One Advisory Board meeting scheduled with 5 seated members who consented to meeting notifications → 5 `.eml`
files in var/mail/ with the `.ics`; then the events worker is killed (`tvp up`'s supervision restarts it) and the
event logs are replayed (`tvp replay`): still 5. Prints the figures; exits 1 if any is wrong.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from pathlib import Path

import requests

from infra import runfile
from shared.auth import TokenIssuer

CONSENT = {"purpose": "meeting_notifications", "text_version": "tr-2026-01", "source": "web_form"}


def wait(condition, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.5)
    raise SystemExit(f"timed out after {timeout_s:.0f}s: {what}")


def mails_of(mail_dir: Path, meeting_id: str) -> list:
    found = []
    for path in sorted(mail_dir.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        calendars = [p.get_content() for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
        if any(f"UID:{meeting_id}@" in c for c in calendars):
            found.append((path.name, message["To"], message["Subject"], message["Message-ID"]))
    return found


def main() -> int:
    var_dir = runfile.default_var_dir()
    run = runfile.read(var_dir)
    if run is None or not run.live:
        raise SystemExit("no running stack: start `tvp up` first")
    content = run.content
    issuer = TokenIssuer(Path(content["jwt_private_key_file"]).read_bytes(), content["jwt_issuer"])
    headers = {"Authorization": f"Bearer {issuer.issue('platform_admin', subject='must-show')}"}
    members = f"http://127.0.0.1:{content['ports']['members']}/api/v1"
    events = f"http://127.0.0.1:{content['ports']['events']}/api/v1"
    mail_dir = var_dir / "mail"

    def call(method, url, expected=(200, 201), **kwargs):
        response = requests.request(method, url, headers=headers, timeout=15, **kwargs)
        if response.status_code not in expected:
            raise SystemExit(f"{method} {url}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else {}

    tag = uuid.uuid4().hex[:6]
    chamber = call("POST", f"{members}/organisations", json={"name": f"Kırklareli Sanayi Odası {tag}",
                                                             "kind": "chamber", "province": "Kırklareli"})
    call("POST", f"{members}/organisations/{chamber['id']}/membership", json={"action": "approve"})
    seated = []
    for n, name in enumerate(["Selim Aydın", "Elif Demirci", "Murat Er", "Zeynep Kaptan", "Hakan Uysal"]):
        consent = CONSENT | ({"text_version": "en-2026-01"} if n == 4 else {})
        person = call("POST", f"{members}/people", json={
            "organisation_id": chamber["id"], "full_name": name, "email": f"uye{n}.{tag}@example.org",
            "consents": [consent]})
        call("POST", f"{members}/bodies/advisory_board/seats", json={"person_id": person["id"], "role": "member",
                                                                      "term_start": "2026-01-01"})
        seated.append(person["id"])
    wait(lambda: call("GET", f"{events}/member-organisations/{chamber['id']}", expected=(200, 404)).get("may_host"),
         60, "the events service learning of the chamber")
    starts = (datetime.now(timezone.utc) + timedelta(days=10)).replace(microsecond=0)
    started = time.monotonic()
    while True:  # as `tvp demo`: scheduled again until every seat reached the events service
        meeting = call("POST", f"{events}/meetings", json={
            "kind": "advisory_board_meeting", "title": f"Danışma Kurulu Toplantısı {tag}",
            "host_organisation_id": chamber["id"], "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=3)).isoformat()})
        invited = {r.get("person_id") for r in call("GET", f"{events}/meetings/{meeting['id']}/registrations",
                                                    params={"page_size": 100})["items"]}
        if set(seated) <= invited:
            break
        call("POST", f"{events}/meetings/{meeting['id']}/cancel", json={"reason": "seats still arriving"})
        time.sleep(1)
    meeting_id = meeting["id"]
    mails = wait(lambda: (found := mails_of(mail_dir, meeting_id)) and len(found) >= len(seated) and found,
                 120, "the invitations in var/mail/")
    print(f"scheduled Advisory Board meeting {meeting_id}: {len(invited)} invited, {len(seated)} of ours seated "
          f"and consenting; {len(mails)} .eml with the .ics in {time.monotonic() - started:.1f}s")
    for name, to, subject, message_id in mails:
        print(f"  {name}  {to}  {subject}  {message_id}")

    # The events worker killed: supervision restarts it.
    worker = next(p for p in content["processes"] if p["name"] == "events-worker")
    os.kill(worker["pid"], signal.SIGKILL)
    restarted = wait(lambda: next((p for p in (runfile.read(var_dir).content.get("processes") or [])
                                   if p["name"] == "events-worker" and p["pid"] != worker["pid"]), None),
                     60, "the events worker restarted")
    print(f"events worker pid {worker['pid']} killed; restarted as pid {restarted['pid']} "
          f"(restarts {restarted['restarts']})")
    time.sleep(15)
    after_restart = len(mails_of(mail_dir, meeting_id))
    env = {**os.environ, "TVP_VAR_DIR": str(var_dir)}
    replay = subprocess.run([str(Path(sys.executable).with_name("tvp")), "replay"], env=env, capture_output=True,
                            text=True, timeout=300)
    print("tvp replay:", (replay.stdout.strip().splitlines() or [replay.stderr.strip()])[-1])
    time.sleep(20)
    after_replay = len(mails_of(mail_dir, meeting_id))
    listed = call("GET", f"{events}/notifications", params={"meeting": meeting_id, "page_size": 100})
    statuses = sorted((n["template"], n["language"], n["status"]) for n in listed["items"])
    print(f"mails for the meeting: {len(mails)} first, {after_restart} after the worker restart, "
          f"{after_replay} after the replay; GET /api/v1/notifications: {listed['total']} {statuses}")
    sent = sum(1 for n in listed["items"] if n["status"] == "sent")
    return 0 if len(mails) == after_restart == after_replay == len(seated) == sent else 1


if __name__ == "__main__":
    sys.exit(main())
