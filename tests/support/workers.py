"""Service worker processes for tests (real relay + consumer, as `tvp up` runs them)."""
from __future__ import annotations

import sys
from pathlib import Path

from infra.embedded import ManagedProcess, free_port


def worker_env(servers, key_dir: Path, var_dir: Path, databases: dict[str, str]) -> dict:
    env = {"TVP_MONGO_URI": servers.mongo_uri, "TVP_KAFKA_BOOTSTRAP": servers.kafka_bootstrap,
           "TVP_VAR_DIR": str(var_dir), "TVP_JWT_PUBLIC_KEY_FILE": str(key_dir / "jwt-public.pem"),
           "TVP_JWT_PRIVATE_KEY_FILE": str(key_dir / "jwt-private.pem"), "TVP_LOG_LEVEL": "INFO",
           "TVP_BROKER": servers.broker,
           # The events worker's mail sender: a port of its own where nothing listens (never the default mail
           # catcher's 8025, which a developer's `tvp up` may hold); a mail owed stays pending.
           "TVP_SMTP_URL": f"smtp://127.0.0.1:{free_port()}"}
    for service, db in databases.items():
        env[f"TVP_{service.upper()}_DB"] = db
        env[f"TVP_{service.upper()}_GROUP"] = f"{db}.group"  # no test shares a consumer group with another
    return env


def stack_databases(stack) -> dict[str, str]:
    """service -> the database a ServiceStack's service runs on."""
    return {service: stack.env[f"TVP_{service.upper()}_DB"] for service in stack.ports}


def start_worker(service: str, env: dict, log_dir: Path) -> ManagedProcess:
    return ManagedProcess(f"{service} worker", [sys.executable, "-m", f"services.{service}.worker"],
                          log_dir / f"{service}-worker.log", env=env).start()
