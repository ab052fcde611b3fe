import pytest

from infra.embedded import ServiceStack, free_port

from ..support.workers import worker_env


@pytest.fixture
def servers(private_broker):
    """End-to-end tests run on a broker of their own: no other test's events reach their services."""
    return private_broker


@pytest.fixture
def stack_factory(servers, key_dir, tmp_path, run_id):
    """stack_factory("members", "events", ...) -> a running ServiceStack on fresh databases."""
    stacks = []

    def make(*services: str, web_workers: int | None = None) -> ServiceStack:
        env = worker_env(servers, key_dir, tmp_path, {s: f"t{run_id}_{s}" for s in services})
        stack = ServiceStack(env, tmp_path / "log", {s: free_port() for s in services}, web_workers)
        stacks.append(stack.__enter__())
        return stack
    yield make
    for stack in stacks:
        stack.__exit__(None, None, None)
