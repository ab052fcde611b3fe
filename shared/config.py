"""Settings read from the environment, so one image runs anywhere.

Every variable is documented in docs/configuration.md; defaults are the
embedded servers that `tvp up` starts on this machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .messaging.broker import Broker
from .messaging.topics import dead_letter_topic

# The platform's local time zone: periods, meeting days and displayed times follow it.
PLATFORM_ZONE = ZoneInfo("Europe/Istanbul")

SERVICE_PORTS = {"members": 8001, "events": 8002, "reporting": 8003}


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    service: str
    mongo_uri: str
    mongo_db: str
    kafka_bootstrap: str
    var_dir: Path
    jwt_public_key_file: Path
    jwt_private_key_file: Path
    jwt_issuer: str
    port: int
    topic_partitions: int
    topic_replication_factor: int
    kafka_broker: str
    kafka_session_timeout_ms: int
    consumer_max_retries: int
    relay_batch_size: int
    log_level: str
    relay_lease_ttl_s: float = 6.0
    # Which of a service's worker processes on this host this is (1..N, `tvp up --workers N`).
    worker_slot: int = 1
    extra: dict = field(default_factory=dict)

    @property
    def consumer_group(self) -> str:
        return os.environ.get(f"TVP_{self.service.upper()}_GROUP") or f"tvp.{self.service}"

    @property
    def broker(self) -> Broker:
        return Broker(self.kafka_broker)

    @property
    def dead_letter_topic(self) -> str:
        return dead_letter_topic(self.service)

    @property
    def event_source(self) -> str:
        return f"/tvp/{self.service}"


def load_settings(service: str, **overrides) -> Settings:
    var_dir = Path(_env("TVP_VAR_DIR", "var")).resolve()
    values: dict[str, Any] = dict(
        service=service,
        mongo_uri=_env("TVP_MONGO_URI", "mongodb://127.0.0.1:27017/?directConnection=true"),
        mongo_db=_env(f"TVP_{service.upper()}_DB", f"tvp_{service}"),
        kafka_bootstrap=_env("TVP_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        var_dir=var_dir,
        jwt_public_key_file=Path(_env("TVP_JWT_PUBLIC_KEY_FILE", str(var_dir / "keys" / "jwt-public.pem"))),
        jwt_private_key_file=Path(_env("TVP_JWT_PRIVATE_KEY_FILE", str(var_dir / "keys" / "jwt-private.pem"))),
        jwt_issuer=_env("TVP_JWT_ISSUER", "tvp"),
        port=int(_env(f"TVP_{service.upper()}_PORT", str(SERVICE_PORTS.get(service, 8000)))),
        topic_partitions=int(_env("TVP_TOPIC_PARTITIONS", "3")),
        # 1 on the embedded single broker; 3 in production (with min.insync.replicas 2 on the brokers).
        topic_replication_factor=int(_env("TVP_TOPIC_REPLICATION_FACTOR", "1")),
        # What TVP_KAFKA_BOOTSTRAP points at: Apache Kafka unless `tvp up` started its Tansu fallback.
        kafka_broker=_env("TVP_BROKER", "kafka").strip().lower(),
        kafka_session_timeout_ms=int(_env("TVP_KAFKA_SESSION_TIMEOUT_MS", "6000")),
        consumer_max_retries=int(_env("TVP_CONSUMER_MAX_RETRIES", "3")),
        relay_batch_size=int(_env("TVP_RELAY_BATCH_SIZE", "500")),
        relay_lease_ttl_s=float(_env("TVP_RELAY_LEASE_TTL_S", "6")),
        worker_slot=int(_env("TVP_WORKER_SLOT", "1")),
        log_level=_env("TVP_LOG_LEVEL", "INFO"),
    )
    values.update(overrides)
    return Settings(**values)
