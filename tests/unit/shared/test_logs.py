"""Log lines: JSON with service and correlation id; kafka-python's slow-task warnings kept out of them."""
from __future__ import annotations

import io
import json
import logging

import pytest

from shared import correlation
from shared.logs import configure_logging, gunicorn_logconfig
from shared.messaging import kafka  # noqa: F401 - installs the slow-task demotion, as in every tvp process

SLOW_TASK = ("Task %r ran for %.3fs (>%.3fs threshold). It is blocking the event loop -- likely a tight sync "
             "loop inside a coroutine. Other pollers will time out.")


@pytest.fixture
def lines():
    """configure_logging(level) -> a function returning the JSON lines written since."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    kafka_level = logging.getLogger("kafka").level

    def configure(level: str):
        configure_logging("members", level)
        stream = io.StringIO()
        root.handlers[0].setStream(stream)
        return lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    yield configure
    root.handlers[:], root.level = saved_handlers, saved_level
    logging.getLogger("kafka").setLevel(kafka_level)


def test_lines_are_json_with_service_and_correlation_id(lines):
    read = lines("INFO")
    token = correlation.set("corr-42")
    try:
        logging.getLogger("tvp.test").info("hello %s", "there", extra={"answer": 42})
    finally:
        correlation.reset(token)
    (line,) = read()
    assert {k: line[k] for k in ("level", "service", "correlation_id", "logger", "message", "answer")} == {
        "level": "INFO", "service": "members", "correlation_id": "corr-42", "logger": "tvp.test",
        "message": "hello there", "answer": 42}
    assert line["timestamp"]


def test_kafka_slow_task_warnings_stay_out_of_the_log_but_other_kafka_warnings_do_not(lines):
    read = lines("INFO")
    selector = logging.getLogger("kafka.net.selector")
    selector.warning(SLOW_TASK, "<Task poll>", 0.19, 0.1)
    selector.warning("Task %s left RUNNING after step; demoting to UNSCHEDULED", "<Task poll>")
    logging.getLogger("kafka.conn").info("reconnecting")   # INFO chatter of kafka stays out too
    assert [(line["level"], line["message"].split(";")[0]) for line in read()] == [
        ("WARNING", "Task <Task poll> left RUNNING after step")]


def test_at_debug_the_slow_task_notes_show_as_debug(lines):
    read = lines("DEBUG")
    logging.getLogger("kafka.net.selector").warning(SLOW_TASK, "<Task poll>", 0.19, 0.1)
    slow = [line for line in read() if " ran for " in line["message"]]
    assert [line["level"] for line in slow] == ["DEBUG"]


def test_gunicorn_logconfig_is_a_valid_dict_config_writing_json():
    import logging.config

    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    logging.config.dictConfig(gunicorn_logconfig("events"))
    logger = logging.getLogger("gunicorn.error")
    try:
        handler = logger.handlers[0]
        stream = io.StringIO()
        handler.setStream(stream)
        logger.info("Booting worker with pid: %s", 123)
        line = json.loads(stream.getvalue())
        assert (line["logger"], line["service"], line["message"]) == ("gunicorn.error", "events",
                                                                      "Booting worker with pid: 123")
        assert logger.propagate is False
    finally:
        for name in ("gunicorn.error", "gunicorn.access"):
            logging.getLogger(name).handlers.clear()
        root.handlers[:], root.level = saved_handlers, saved_level
