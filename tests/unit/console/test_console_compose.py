"""The console in docker-compose.yml: the image's gunicorn on 8000, the three web services by their compose
names, the keys read-only, started after the services it calls are healthy."""
from __future__ import annotations

import yaml

from tests.unit.test_compose_file import COMPOSE_FILE, command_of, depends_on_of, environment_of, interpolate_tree


def console_service() -> dict:
    return interpolate_tree(yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8")))["services"]["console"]


def test_the_console_runs_under_gunicorn_on_8000_and_calls_the_services_by_their_compose_names():
    console = console_service()
    assert command_of(console) == ["gunicorn", "-c", "infra/gunicorn.conf.py", "services.console:create_app()"]
    env = environment_of(console)
    assert env["TVP_BIND"] == "0.0.0.0:8000" and "8000:8000" in console["ports"]
    assert {env[f"TVP_{name.upper()}_URL"] for name in ("members", "events", "reporting")} == {
        "http://members-web:8001", "http://events-web:8002", "http://reporting-web:8003"}
    assert "jwt-keys:/var/lib/tvp/keys:ro" in console["volumes"]
    assert env["TVP_CONSOLE_SECURE_COOKIES"] == "false"


def test_the_console_starts_after_the_services_it_calls():
    deps = depends_on_of(console_service())
    assert {deps[f"{name}-web"] for name in ("members", "events", "reporting")} == {"service_healthy"}
    assert deps["keys"] == deps["mongo-init"] == "service_completed_successfully"
