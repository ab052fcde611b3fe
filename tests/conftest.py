"""Fixtures shared by all tests. Servers are real; each test gets its own databases."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from shared.auth import TokenIssuer, ensure_dev_keys
from shared.config import load_settings
from shared.contracts import topics
from shared.messaging.kafka import ensure_topics

from .support.servers import start_private_kafka, start_servers


@pytest.fixture(scope="session")
def servers():
    servers, stop, workdir = start_servers()
    ensure_topics(servers.kafka_bootstrap, topics.ALL, partitions=3)
    yield servers
    stop()


@pytest.fixture
def private_broker(servers, tmp_path):
    """The session's MongoDB with a Kafka broker of this test's own (topics empty, free to restart)."""
    if servers.kafka is None:  # testcontainers: one broker for the session
        yield servers
        return
    own = start_private_kafka(servers, tmp_path / "kafka-log")
    ensure_topics(own.kafka_bootstrap, topics.ALL, partitions=3)
    yield own
    own.kafka.stop()


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("keys")
    ensure_dev_keys(path / "jwt-private.pem", path / "jwt-public.pem")
    return path


@pytest.fixture(scope="session")
def issuer(key_dir) -> TokenIssuer:
    return TokenIssuer((key_dir / "jwt-private.pem").read_bytes())


@pytest.fixture
def token(issuer):
    """token(role, org=None) -> an Authorization header."""
    def make(role: str = "platform_admin", org: str | None = None, subject: str | None = None) -> dict:
        return {"Authorization": f"Bearer {issuer.issue(role, org, subject)}"}
    return make


@pytest.fixture
def run_id() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture
def settings_for(servers, key_dir, run_id, tmp_path):
    """settings_for(service) -> Settings bound to the test servers and to databases of this test only."""
    def make(service: str, **overrides):
        values = dict(mongo_uri=servers.mongo_uri, kafka_bootstrap=servers.kafka_bootstrap,
                      mongo_db=f"t{run_id}_{service}", var_dir=tmp_path,
                      jwt_public_key_file=key_dir / "jwt-public.pem",
                      jwt_private_key_file=key_dir / "jwt-private.pem")
        return load_settings(service, **{**values, **overrides})
    return make


@pytest.fixture
def members_client(settings_for):
    from services.members import create_app

    app = create_app(settings_for("members"))
    app.config["TESTING"] = True
    return app.test_client()


@pytest.fixture
def events_client(settings_for):
    from services.events import create_app

    app = create_app(settings_for("events"))
    app.config["TESTING"] = True
    return app.test_client()


@pytest.fixture
def reporting_client(settings_for):
    from services.reporting import create_app

    app = create_app(settings_for("reporting"))
    app.config["TESTING"] = True
    return app.test_client()
