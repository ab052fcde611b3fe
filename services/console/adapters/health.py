"""The services' runtime figures as their public `/metrics` shows them: outbox backlog, consumer lag and
dead letters (shared/web/metrics.py writes them; the console never reads a service's database)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

GAUGES = {"tvp_outbox_backlog": "outbox_backlog", "tvp_consumer_lag": "consumer_lag",
          "tvp_dead_lettered": "dead_letters", "tvp_dead_lettered_total": "dead_letters"}


@dataclass(frozen=True)
class ServiceHealth:
    service: str
    reachable: bool
    outbox_backlog: int | None = None
    consumer_lag: int | None = None
    dead_letters: int | None = None

    @property
    def stuck(self) -> bool:
        """Anything an operator should look at: dead letters, or no answer at all. A backlog or a lag is normal
        for a moment; the page shows them, and says stuck only for what does not clear by itself."""
        return not self.reachable or bool(self.dead_letters)


def parse_metrics(service: str, text: str) -> ServiceHealth:
    found: dict[str, int] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            name = GAUGES.get(sample.name)
            if name and sample.labels.get("service", service) == service:
                found[name] = int(sample.value)
    return ServiceHealth(service, True, found.get("outbox_backlog"), found.get("consumer_lag"),
                         found.get("dead_letters"))


def unreachable(service: str) -> ServiceHealth:
    return ServiceHealth(service, False)


def service_figures(client, service: str) -> ServiceHealth:
    """The figures of `service`'s /metrics through the console's ApiClient; unreachable when it fails."""
    from .api import ApiError

    try:
        return parse_metrics(service, client.operations_text(service, "/metrics"))
    except ApiError:
        return unreachable(service)


class RecentFigures:
    """Each service's figures, kept a few seconds: a service's /metrics scans its outbox, and a dashboard
    open in several tabs, reloaded, would ask for it again and again. Seconds-old figures are as good."""

    def __init__(self, fetch: Callable[[str], ServiceHealth], max_age_s: float = 5.0,
                 clock: Callable[[], float] = time.monotonic):
        self.fetch, self.max_age_s, self.clock = fetch, max_age_s, clock
        self._kept: dict[str, tuple[float, ServiceHealth]] = {}

    def __call__(self, service: str) -> ServiceHealth:
        kept = self._kept.get(service)
        if kept is not None and self.clock() - kept[0] < self.max_age_s:
            return kept[1]
        figures = self.fetch(service)
        self._kept[service] = (self.clock(), figures)
        return figures
