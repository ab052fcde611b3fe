"""The platform as `tvp up` runs it, console included, for the console's browser tests: the three services under
gunicorn with their workers, and the console under gunicorn calling them, all on free ports and on databases of
this stack alone. Sign-in links come from the real `tvp login-link` command, as a user would get them."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from infra.embedded import ManagedProcess, ServiceStack, console_process, free_port, wait_ready

from .processes import stop_together
from .workers import worker_env

SERVICES = ("members", "events", "reporting")
TVP = Path(sys.executable).with_name("tvp")


@dataclass
class ConsoleStack:
    services: ServiceStack
    console: ManagedProcess
    console_port: int
    key_dir: Path
    var_dir: Path
    databases: dict = field(default_factory=dict)

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.console_port}"

    def url(self, service: str) -> str:
        return self.services.url(service)

    def login_link(self, role: str, org: str | None = None, subject: str | None = None) -> str:
        """A one-time sign-in link printed by `tvp login-link` for this stack's console and key."""
        argv = [str(TVP), "login-link", "--role", role] + (["--org", org] if org else []) \
            + (["--sub", subject] if subject else [])
        # Only this stack's settings: no run.json of a developer's own `tvp up` is found under this var dir.
        env = {k: v for k, v in os.environ.items() if not k.startswith("TVP_")}
        env.update(TVP_VAR_DIR=str(self.var_dir), TVP_CONSOLE_URL=self.console_url,
                   TVP_JWT_PRIVATE_KEY_FILE=str(self.key_dir / "jwt-private.pem"))
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30, check=True)
        links = [line for line in done.stdout.splitlines() if line.startswith(f"{self.console_url}/login/")]
        assert len(links) == 1, f"tvp login-link printed no link: {done.stdout!r} {done.stderr!r}"
        return links[0]

    def stop(self) -> None:
        stop_together([*self.services.processes, self.console])


def start_console_stack(servers, key_dir: Path, var_dir: Path, run_id: str) -> ConsoleStack:
    """The three services (one web worker each: the machine is shared) and the console, ready."""
    databases = {name: f"c{run_id}_{name}" for name in (*SERVICES, "console")}
    env = worker_env(servers, key_dir, var_dir, databases)
    services = ServiceStack(env, var_dir / "log", {name: free_port() for name in SERVICES}, web_workers=1)
    services.__enter__()
    port = free_port()
    try:
        # The API timeout is raised from 5 s: on a machine shared by several test runs a report's PDF took longer
        # than that, and the console answered 503; what the story checks is the file, not the machine's speed.
        console_env = {**env, "TVP_WEB_WORKERS": "1", "TVP_CONSOLE_API_TIMEOUT_S": "30"}
        console = console_process(port, services.ports, console_env, var_dir / "log").start()
        wait_ready(console, port)
    except BaseException:
        services.__exit__(None, None, None)
        raise
    return ConsoleStack(services, console, port, key_dir, var_dir, databases)
