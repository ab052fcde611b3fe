import uuid

import pytest

from infra.embedded import ServiceStack, free_port

from ..support.processes import discard_broker, stop_stacks
from ..support.servers import create_platform_topics, start_private_kafka
from ..support.workers import worker_env

# A module whose services publish nothing and whose assertions read nothing from the broker (its processes only need
# one that is reachable) may carry this mark: it runs on the session's broker instead of starting one of its own.
SESSION_BROKER = "session_broker"


@pytest.fixture(scope="module")
def servers(servers, tmp_path_factory, request):
    """Each end-to-end module runs on a broker of its own: no other module's events reach its services,
    and a module may restart its broker."""
    if servers.kafka is None or request.node.get_closest_marker(SESSION_BROKER):
        yield servers  # testcontainers (one broker for the session), or a module marked session_broker
        return
    own = start_private_kafka(servers, tmp_path_factory.mktemp("kafka-log"))
    create_platform_topics(own)
    yield own
    discard_broker(own)


@pytest.fixture(scope="module")
def service_factory(servers, key_dir, tmp_path_factory):
    """service_factory("members") -> (base url, database) of one service under gunicorn with its worker,
    running for the whole module."""
    stacks = []

    def make(service: str) -> tuple[str, str]:
        var_dir = tmp_path_factory.mktemp(f"{service}-service")
        database = f"m{uuid.uuid4().hex[:8]}_{service}"
        env = worker_env(servers, key_dir, var_dir, {service: database})
        stack = ServiceStack(env, var_dir / "log", {service: free_port()})
        stacks.append(stack.__enter__())
        return stack.url(service), database
    yield make
    stop_stacks(stacks)


@pytest.fixture(scope="module")
def admin(issuer) -> dict:
    return {"Authorization": f"Bearer {issuer.issue('platform_admin', subject='e2e-admin')}"}


def start_stack(servers, key_dir, var_dir, run_id: str, services, web_workers: int | None = None) -> ServiceStack:
    """A running ServiceStack of `services` on the databases t<run_id>_<service> (tests/support/workers.py
    stack_databases names them)."""
    env = worker_env(servers, key_dir, var_dir, {s: f"t{run_id}_{s}" for s in services})
    return ServiceStack(env, var_dir / "log", {s: free_port() for s in services}, web_workers).__enter__()


@pytest.fixture
def stack_factory(servers, key_dir, tmp_path, run_id):
    """stack_factory("members", "events", ...) -> a running ServiceStack on fresh databases."""
    stacks = []

    def make(*services: str, web_workers: int | None = None) -> ServiceStack:
        stacks.append(start_stack(servers, key_dir, tmp_path, run_id, services, web_workers))
        return stacks[-1]
    yield make
    stop_stacks(stacks)


@pytest.fixture(scope="module")
def module_stack(servers, key_dir, tmp_path_factory):
    """The three services on databases of the module, running for the whole module: one start instead of one per
    test, for tests that find what they create by its own ids (or create nothing) and restart nothing."""
    stack = start_stack(servers, key_dir, tmp_path_factory.mktemp("module-stack"), uuid.uuid4().hex[:8],
                        ("members", "events", "reporting"))
    yield stack
    stop_stacks([stack])
