"""Fixtures shared by all tests. Servers are real; each test gets its own databases."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from shared.auth import TokenIssuer, ensure_dev_keys
from shared.config import load_settings

from .support.processes import discard_broker
from .support.servers import (
    chosen_test_broker,
    create_platform_topics,
    start_private_kafka,
    start_servers,
    uses_testcontainers,
)

# The real-browser fixtures (browser, new_context, axe_check, screenshot) and their closing table of axe counts;
# how pytest-xdist's workers share the suite (a file or a group of files at a time).
pytest_plugins = ("tests.support.browser", "tests.support.parallel")

# Tests of the Kafka protocol the platform relies on (produce/consume, groups, dead letters, replay,
# subscribe) carry this mark: where the suite runs on Apache Kafka they run on Tansu too, the broker
# `tvp up` falls back to on machines without Java.
BOTH_BROKERS = "both_brokers"
FALLBACK = "tansu"


def pytest_configure(config):
    config.addinivalue_line("markers", f"{BOTH_BROKERS}: also run on Tansu (the fallback broker) when the "
                                       "suite runs on Apache Kafka")


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker(BOTH_BROKERS) is None or "servers" not in metafunc.fixturenames:
        return
    default = chosen_test_broker()
    if default != FALLBACK and not uses_testcontainers():
        metafunc.parametrize("broker_kind", [default, FALLBACK], indirect=True, scope="session")


@pytest.fixture(scope="session")
def broker_kind(request) -> str:
    """The broker of this test: the suite's (chosen_test_broker), or the one a both_brokers test asks for."""
    return getattr(request, "param", None) or chosen_test_broker()


@pytest.fixture(scope="session")
def server_pool():
    """One set of servers per broker kind, started when first asked for and kept for the session."""
    started: dict[str, tuple] = {}

    def get(kind: str):
        if kind not in started:
            servers, stop, _ = start_servers(kind)
            started[kind] = (servers, stop)
            create_platform_topics(servers)
        return started[kind][0]
    yield get
    for _, stop in started.values():
        stop()


@pytest.fixture(scope="session")
def servers(server_pool, broker_kind):
    return server_pool(broker_kind)


@pytest.fixture
def private_broker(servers, tmp_path):
    """The session's MongoDB with a Kafka broker of this test's own (topics empty, free to restart)."""
    if servers.kafka is None:  # testcontainers: one broker for the session
        yield servers
        return
    own = start_private_kafka(servers, tmp_path / "kafka-log")
    create_platform_topics(own)
    yield own
    discard_broker(own)


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
                      jwt_private_key_file=key_dir / "jwt-private.pem", kafka_broker=servers.broker)
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
