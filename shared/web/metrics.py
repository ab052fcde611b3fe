"""Prometheus metrics: request counts and latencies, outbox backlog, consumer lag, dead letters.

Under gunicorn several worker processes serve requests, so counters use the
multiprocess mode when PROMETHEUS_MULTIPROC_DIR is set (infra/gunicorn.conf.py
sets it). The runtime figures belong to the worker process; it stores them in
MongoDB and they are read at scrape time.
"""

from __future__ import annotations

import os
import time

from flask import Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from ..messaging.consumer import DEAD_LETTERS, RUNTIME_STATUS
from ..messaging.outbox import outbox_backlog

REQUESTS = Counter("tvp_http_requests_total", "HTTP requests", ["service", "method", "endpoint", "status"])
LATENCY = Histogram(
    "tvp_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


class RuntimeCollector:
    def __init__(self, service: str, db, collections: list[str]):
        self.service, self.db, self.collections = service, db, collections

    def collect(self):
        backlog = GaugeMetricFamily(
            "tvp_outbox_backlog", "Events written but not yet acknowledged by Kafka", labels=["service"]
        )
        lag = GaugeMetricFamily(
            "tvp_consumer_lag", "Records behind the end of the subscribed topics", labels=["service"]
        )
        dead = GaugeMetricFamily("tvp_dead_lettered_total", "Records sent to the dead-letter topic", labels=["service"])
        try:
            backlog.add_metric([self.service], outbox_backlog(self.db, self.collections))
            status = self.db[RUNTIME_STATUS].find_one({"_id": "consumer"}) or {}
            lag.add_metric([self.service], status.get("lag", 0))
            dead.add_metric([self.service], self.db[DEAD_LETTERS].estimated_document_count())
        except Exception:  # noqa: BLE001 - a scrape must answer even with the database away
            pass
        yield from (backlog, lag, dead)


def init_app(app, service: str, db, collections: list[str]) -> None:
    runtime = CollectorRegistry(auto_describe=True)
    runtime.register(RuntimeCollector(service, db, collections))

    @app.before_request
    def _start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        if endpoint != "/metrics":
            LATENCY.labels(service, request.method, endpoint).observe(time.perf_counter() - g.request_started)
            REQUESTS.labels(service, request.method, endpoint, str(response.status_code)).inc()
        return response

    @app.get("/metrics")
    def metrics():
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            base = CollectorRegistry()
            multiprocess.MultiProcessCollector(base)
        else:
            base = REGISTRY
        return Response(generate_latest(base) + generate_latest(runtime), mimetype=CONTENT_TYPE_LATEST)
