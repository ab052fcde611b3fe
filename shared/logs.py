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

# kafka-python 3 warns "Task ... ran for 0.19s (>0.100s threshold)" whenever one step of its
# network loop takes longer than 0.1 s. On a shared or busy machine that is every few
# seconds in every process with a Kafka client, and it says nothing we can act on (our code
# does not run inside that loop). Below WARNING, so --log-level DEBUG still shows them.
SLOW_TASK_LOGGER = "kafka.net.selector"
SLOW_TASK_MARK = " ran for "


class ContextFilter(logging.Filter):
    """Adds the service name and the current correlation id to every record."""

    def __init__(self, service: str = ""):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.correlation_id = correlation.get()
        return True


class SlowTaskDemotion(logging.Filter):
    """Turns kafka-python's slow-task warnings into DEBUG records (see SLOW_TASK_LOGGER)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and SLOW_TASK_MARK in record.getMessage():
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


def json_formatter() -> JsonFormatter:
    return JsonFormatter(FORMAT, style="{", rename_fields=RENAMED, timestamp=False)


def quiet_kafka() -> None:
    # kafka-python is chatty at INFO about every reconnect.
    logging.getLogger("kafka").setLevel(logging.WARNING)
    selector = logging.getLogger(SLOW_TASK_LOGGER)
    if not any(isinstance(f, SlowTaskDemotion) for f in selector.filters):
        selector.addFilter(SlowTaskDemotion())


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    handler.addFilter(ContextFilter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    quiet_kafka()


def gunicorn_logconfig(service: str, level: str = "INFO") -> dict:
    """gunicorn's `logconfig_dict`: its arbiter, worker and error lines as JSON on stderr.

    gunicorn's access log stays off: the app writes one richer line per request
    (shared/web/access_log.py). The gunicorn loggers do not propagate, so the root
    handler that the app installs in each worker does not print them twice.
    """
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"],
               "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "shared.logs.json_formatter"}},
        "filters": {"context": {"()": "shared.logs.ContextFilter", "service": service}},
        "handlers": {"error_console": handler},
        "root": {"level": level.upper(), "handlers": ["error_console"]},
        "loggers": {
            "gunicorn.error": {"level": level.upper(), "handlers": ["error_console"], "propagate": False,
                               "qualname": "gunicorn.error"},
            "gunicorn.access": {"level": level.upper(), "handlers": ["error_console"], "propagate": False,
                                "qualname": "gunicorn.access"},
        },
    }
