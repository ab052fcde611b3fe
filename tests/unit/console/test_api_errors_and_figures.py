"""The API's one error format as ApiError; the services' /metrics as figures; the charts' geometry."""
from __future__ import annotations

import json

import requests

from services.console import charts
from services.console.adapters.api import ApiError
from services.console.adapters.health import RecentFigures, ServiceHealth, parse_metrics


def response(status: int, body) -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return answer


def test_an_error_body_becomes_status_title_detail_and_field_errors():
    error = ApiError.from_response(response(422, {
        "code": 422, "status": "Unprocessable Entity", "message": "the request is invalid: province, venue",
        "errors": {"province": ["unknown province"], "venue": {"city": ["Missing data for required field."]},
                   "themes": {"0": ["Must be one of: energy_efficiency."]}}}))
    assert (error.status, error.title, error.detail) == (422, "Unprocessable Entity",
                                                         "the request is invalid: province, venue")
    assert error.field_errors == {"province": ["unknown province"], "venue.city": ["Missing data for required field."],
                                  "themes.0": ["Must be one of: energy_efficiency."]}


def test_an_answer_that_is_not_the_error_format_still_is_one_error():
    error = ApiError.from_response(response(502, b"<html>Bad gateway</html>"))
    assert (error.status, error.title, error.detail, error.field_errors) == (502, "Bad Gateway", "", {})


def test_no_answer_is_a_503():
    error = ApiError.unreachable("events", requests.ConnectionError("refused"))
    assert error.status == 503 and "events" in error.detail


METRICS = """# HELP tvp_outbox_backlog Events written but not yet acknowledged by Kafka
# TYPE tvp_outbox_backlog gauge
tvp_outbox_backlog{service="events"} 4.0
# HELP tvp_consumer_lag Records behind the end of the subscribed topics
# TYPE tvp_consumer_lag gauge
tvp_consumer_lag{service="events"} 12.0
# HELP tvp_dead_lettered_total Records sent to the dead-letter topic
# TYPE tvp_dead_lettered_total gauge
tvp_dead_lettered_total{service="events"} 2.0
# HELP tvp_http_requests_total HTTP requests
# TYPE tvp_http_requests_total counter
tvp_http_requests_total{endpoint="/healthz",method="GET",service="events",status="200"} 3.0
"""


def test_the_runtime_figures_are_read_from_the_metrics_text():
    figures = parse_metrics("events", METRICS)
    assert (figures.outbox_backlog, figures.consumer_lag, figures.dead_letters) == (4, 12, 2)
    assert figures.stuck  # dead letters wait for someone


def test_a_backlog_alone_is_not_stuck_but_no_answer_is():
    assert not ServiceHealth("members", True, 30, 5, 0).stuck
    assert ServiceHealth("members", False).stuck


def test_figures_are_kept_a_few_seconds():
    now, asked = [100.0], []

    def fetch(service):
        asked.append(service)
        return ServiceHealth(service, True, len(asked), 0, 0)

    figures = RecentFigures(fetch, max_age_s=5, clock=lambda: now[0])
    assert figures("members").outbox_backlog == 1
    now[0] += 4.9
    assert figures("members").outbox_backlog == 1
    now[0] += 0.2
    assert figures("members").outbox_backlog == 2
    assert asked == ["members", "members"]


def test_bars_are_ordered_largest_first_and_scaled_to_the_largest():
    chart = charts.bar_chart([("Edirne", 2), ("Tekirdağ", 4), ("Kırklareli", 1)])
    assert [bar.label for bar in chart.bars] == ["Tekirdağ", "Edirne", "Kırklareli"]
    assert chart.bars[0].width == chart.plot_width and chart.bars[1].width == chart.plot_width / 2
    assert chart.height == 3 * charts.ROW_HEIGHT + 10


def test_a_limit_keeps_the_largest_bars():
    chart = charts.bar_chart([(f"p{i}", i) for i in range(20)], limit=10)
    assert len(chart.bars) == 10 and chart.bars[0].label == "p19"


def test_progress_marks_the_target_and_reports_the_share_reached():
    chart = charts.progress_chart([("OI.1", "Members", 4, 8), ("OI.3", "Meetings", 30, 20),
                                   ("X", "No target", 3, None)])
    half, over, none = chart.rows
    assert half.percent == 0.5 and half.width == chart.plot_width / 2
    assert half.target_x == chart.plot_x + chart.plot_width
    assert over.percent == 1.5 and over.width == chart.plot_width
    assert over.target_x == round(chart.plot_x + chart.plot_width * 20 / 30, 1)
    assert none.percent is None and none.target_x is None


def test_an_empty_chart_still_has_a_height():
    assert charts.bar_chart([]).height > 0
