"""What every benchmark needs: embedded servers on free ports, an admin token, the services' environment."""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from infra import embedded
from shared.auth import TokenIssuer, ensure_dev_keys
from shared.contracts import topics
from shared.messaging.kafka import ensure_topics


@dataclass
class Platform:
    work: Path
    mongo_uri: str
    kafka_bootstrap: str
    headers: dict   # Authorization of a platform admin
    env: dict       # environment for ServiceStack / service_processes

    @property
    def log_dir(self) -> Path:
        return self.work / "log"


@contextmanager
def embedded_platform(prefix: str):
    """Start SecantusDB and Tansu (nothing on the default ports is touched); stop and clean up afterwards."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    mongo, mongo_port, kafka, kafka_port = embedded.start_embedded_servers(work)
    print(f"SecantusDB :{mongo_port}, {kafka.name} :{kafka_port} (logs in {work / 'log'})", flush=True)
    try:
        bootstrap = f"127.0.0.1:{kafka_port}"
        ensure_topics(bootstrap, topics.ALL)
        private, public = work / "jwt-private.pem", work / "jwt-public.pem"
        ensure_dev_keys(private, public)
        headers = {"Authorization": "Bearer " + TokenIssuer(private.read_bytes()).issue("platform_admin",
                                                                                         subject="bench")}
        env = {"TVP_MONGO_URI": embedded.mongo_uri(mongo_port), "TVP_KAFKA_BOOTSTRAP": bootstrap,
               "TVP_VAR_DIR": str(work), "TVP_JWT_PUBLIC_KEY_FILE": str(public),
               "TVP_JWT_PRIVATE_KEY_FILE": str(private), "TVP_LOG_LEVEL": "WARNING"}
        yield Platform(work, embedded.mongo_uri(mongo_port), bootstrap, headers, env)
    finally:
        kafka.stop()
        mongo.stop()
        shutil.rmtree(work, ignore_errors=True)
