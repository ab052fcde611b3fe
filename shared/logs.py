"""One JSON object per log line, with timestamp, level, service and correlation id.

The services (`configure_logging`) and gunicorn's own arbiter and worker lines
(`gunicorn_logconfig`, used by infra/gunicorn.conf.py) share one format, so a log
reader parses every line of a web process the same way.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from . import correlation

FORMAT = "{asctime}{levelname}{service}{correlation_id}{name}{message}"
RENAMED = {"asctime": "timestamp", "levelname": "level", "name": "logger"}


class ContextFilter(logging.Filter):
    """Adds the service name and the current correlation id to every record."""

    def __init__(self, service: str = ""):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.correlation_id = correlation.get()
        return True


def json_formatter() -> JsonFormatter:
    return JsonFormatter(FORMAT, style="{", rename_fields=RENAMED, timestamp=False)


def quiet_kafka(level: int) -> None:
    # kafka-python is chatty at INFO about every reconnect; at DEBUG whoever asked sees all of it.
    logging.getLogger("kafka").setLevel(logging.DEBUG if level <= logging.DEBUG else logging.WARNING)


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    handler.addFilter(ContextFilter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    quiet_kafka(root.level)


def gunicorn_logconfig(service: str, level: str = "INFO") -> dict:
    """gunicorn's `logconfig_dict`: its arbiter, worker and error lines as JSON on stderr.

    gunicorn's access log stays off: the app writes one richer line per request
    (shared/web/access_log.py). The gunicorn loggers do not propagate, so the root
    handler that the app installs in each worker does not print them twice.
    """
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "filters": ["context"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "shared.logs.json_formatter"}},
        "filters": {"context": {"()": "shared.logs.ContextFilter", "service": service}},
        "handlers": {"error_console": handler},
        "root": {"level": level.upper(), "handlers": ["error_console"]},
        "loggers": {
            "gunicorn.error": {
                "level": level.upper(),
                "handlers": ["error_console"],
                "propagate": False,
                "qualname": "gunicorn.error",
            },
            # gunicorn writes access lines whenever a logconfig is given: none here, the app writes them.
            "gunicorn.access": {
                "level": "CRITICAL",
                "handlers": [],
                "propagate": False,
                "qualname": "gunicorn.access",
            },
        },
    }
