"""The console against real MongoDB (its own database) and, where a test needs them, the three services
answering real HTTP on free ports (each service's app in a thread of this process, on the test's databases)."""
from __future__ import annotations

import itertools
import re
import threading

import pytest
from werkzeug.serving import make_server

from services.console import create_app
from services.console.config import load_console_settings
from services.console.login_codes import mint
from shared.contracts import REGISTRY
from shared.messaging.consumer import EventConsumer, Record

# A form's hidden field, or (pages without a form) the token htmx sends, from <body hx-headers>.
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


class Browser:
    """Flask's test client with what a browser does for the console: keeps the cookie, sends the form's CSRF
    token back."""

    def __init__(self, app):
        self.app, self.client = app, app.test_client()

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def csrf_token(self, page="/login") -> str:
        match = CSRF_FIELD.search(self.client.get(page).get_data(as_text=True))
        return match.group(1) or match.group(2)

    def post_form(self, path, data=None, page="/login", **kwargs):
        return self.client.post(path, data={"csrf_token": self.csrf_token(page), **(data or {})}, **kwargs)

    def sign_in(self, role="platform_admin", org=None, subject=None):
        response = self.client.get(f"/login/{self.link_code(role, org, subject)}")
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def link_code(self, role="platform_admin", org=None, subject=None, now=None) -> str:
        context = self.app.extensions["tvp_console"]
        return mint(context.issuer, role, org, subject, now=now)


@pytest.fixture
def console_settings(settings_for):
    def make(**overrides):
        return load_console_settings(settings_for("console"), **overrides)
    return make


@pytest.fixture
def console_app(console_settings):
    app = create_app(console_settings(api_urls={"members": "http://127.0.0.1:9", "events": "http://127.0.0.1:9",
                                                "reporting": "http://127.0.0.1:9"}))
    app.config["TESTING"] = True
    return app


@pytest.fixture
def browser(console_app):
    return Browser(console_app)


class ThreadedServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)


class Services:
    """The three services answering HTTP; `feed(name, *events)` delivers events to one of them through the real
    consumer runtime (what its worker would do with the other services' Kafka records)."""

    def __init__(self, apps: dict):
        self.apps = apps
        self.servers = {name: ThreadedServer(app) for name, app in apps.items()}
        self.urls = {name: server.url for name, server in self.servers.items()}
        self.offsets = itertools.count()

    def feed(self, name: str, *events) -> None:
        app = self.apps[name]
        bus, context = app.extensions["tvp.bus"], app.extensions["tvp"]
        dead = []
        consumer = EventConsumer(context.client, context.db, REGISTRY, bus.event_handlers(),
                                 dead_letter=lambda record, error: dead.append(error), max_retries=1,
                                 retry_backoff_s=0.01, batch_handler=bus.batch_handler())
        consumer.process([Record(topic=REGISTRY.spec(e.type).topic, partition=0, offset=next(self.offsets),
                                 key=e.aggregate_id.encode(), value=e.to_json_bytes()) for e in events])
        assert not dead, dead

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()


@pytest.fixture
def services(settings_for):
    """The three services serving HTTP on free ports, on this test's databases."""
    from services.events import create_app as events_app
    from services.members import create_app as members_app
    from services.reporting import create_app as reporting_app

    running = Services({name: factory(settings_for(name)) for name, factory in (
        ("members", members_app), ("events", events_app), ("reporting", reporting_app))})
    yield running
    running.stop()


@pytest.fixture
def live_browser(console_settings, services):
    """A console calling the three real services."""
    app = create_app(console_settings(api_urls=services.urls))
    app.config["TESTING"] = True
    return Browser(app)
