"""The local mail catcher of `tvp up`: an SMTP server (aiosmtpd) that keeps every message it receives as
`<dir>/<timestamp>-<id>.eml` and delivers nothing. `TVP_SMTP_URL` points the events worker at it.

    python -m infra.mail_catcher --port 8025 --dir var/mail

`MailCatcher` is the same server inside a process (the integration tests start one on a free port); with
`refuse=True` it answers every recipient 550, as a server that rejects an address does.
"""
from __future__ import annotations

import argparse
import signal
import threading
import uuid
from datetime import datetime, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

DEFAULT_PORT = 8025


class _Keeper:
    def __init__(self, directory: Path, refuse: bool):
        self.directory = directory
        self.refuse = refuse
        self.received = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if self.refuse:
            return "550 5.1.1 mailbox unavailable (refused by the test server)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        target = self.directory / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        partial = target.with_suffix(".tmp")
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.replace(target)  # whole files only: a reader never sees half a message
        self.received += 1
        return "250 Message accepted for delivery"


class MailCatcher:
    def __init__(self, directory: Path, port: int = DEFAULT_PORT, host: str = "127.0.0.1", refuse: bool = False):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.keeper = _Keeper(self.directory, refuse)
        self.controller = Controller(self.keeper, hostname=host, port=port)
        self.host, self.port = host, port

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> "MailCatcher":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> "MailCatcher":
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[misc]
                for path in sorted(self.directory.glob("*.eml"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--dir", type=Path, default=Path("var/mail"))
    args = parser.parse_args()
    catcher = MailCatcher(args.dir, args.port, args.host).start()
    print(f"mail catcher on {catcher.url}, keeping messages in {args.dir.resolve()}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(1.0):
        pass
    catcher.stop()


if __name__ == "__main__":
    main()
