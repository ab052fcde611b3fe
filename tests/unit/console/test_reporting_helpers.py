"""The reporting pages' helpers: the periods offered, the page bar, what a role is offered (from the services'
access tables), and the examples the streams page builds from the AsyncAPI document."""
from __future__ import annotations

import json
from datetime import date

import pytest
from flask import Flask, g
from flask_babel import Babel
from jsonschema import Draft202012Validator

from services.console import access, pages, periods
from services.console.web import EXTENSION
from shared.asyncapi import build_document
from shared.asyncapi_view import describe, example
from shared.auth import Principal
from shared.contracts import REGISTRY


@pytest.fixture
def app():
    app = Flask(__name__)
    app.extensions[EXTENSION] = None
    Babel(app, locale_selector=lambda: "en")
    return app


def test_the_quarter_a_page_opens_on():
    assert periods.current_quarter(date(2026, 11, 29)) == "2026-Q4"
    assert periods.current_quarter(date(2026, 1, 1)) == "2026-Q1"
    assert periods.current_quarter(date(2026, 6, 30)) == "2026-Q2"


def test_the_periods_offered_are_the_apis_labels_next_year_first(app):
    with app.test_request_context():
        offered = periods.choices(date(2026, 11, 29))
    assert [year for year, _ in offered] == [2027, 2026, 2025, 2024]
    labels = [choice.label for choice in dict(offered)[2026]]
    assert labels == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026-H1", "2026-H2", "2026"]


@pytest.mark.parametrize("total, page, size, last, previous, following", [
    (0, 1, 20, 1, None, None), (20, 1, 20, 1, None, None), (21, 1, 20, 2, None, 2), (45, 3, 20, 3, 2, None)])
def test_the_page_bar(total, page, size, last, previous, following):
    bar = pages.pagination({"total": total, "page": page, "page_size": size, "items": []})
    assert (bar.last, bar.previous, bar.next) == (last, previous, following)


def test_a_page_link_keeps_the_filters(app):
    with app.test_request_context("/expenditures?budget_line=travel&page=1&page_size=50"):
        bar = pages.pagination({"total": 120, "page": 1, "page_size": 50, "items": []})
        assert bar.link(2) == "/expenditures?budget_line=travel&page=2&page_size=50"


@pytest.mark.parametrize("query, expected", [("", {"page": 1, "page_size": 20}),
                                             ("?page=0&page_size=500", {"page": 1, "page_size": 100}),
                                             ("?page=x&page_size=50", {"page": 1, "page_size": 50})])
def test_page_parameters_stay_within_what_the_apis_accept(app, query, expected):
    with app.test_request_context("/reports" + query):
        assert pages.page_params() == expected


@pytest.mark.parametrize("role, submit, record_expenditure, read_reports", [
    ("platform_admin", True, True, True), ("programme_officer", True, False, True),
    ("auditor", False, False, True), ("chamber_admin", False, False, False)])
def test_what_a_role_is_offered_follows_reportings_access_table(app, role, submit, record_expenditure,
                                                                read_reports):
    with app.test_request_context():
        g.user = Principal("someone", role, "org-1" if role == "chamber_admin" else None)
        assert access.may("reporting", "POST", "/api/v1/reports/{report_id}/submit") is submit
        assert access.may("reporting", "POST", "/api/v1/expenditures") is record_expenditure
        assert access.may("reporting", "GET", "/api/v1/reports") is read_reports
    assert (role in access.roles_that_may("reporting", "GET", "/api/v1/reports")) is read_reports


def test_a_route_missing_from_the_table_is_an_error_not_a_no(app):
    with app.test_request_context():
        g.user = Principal("someone", "platform_admin", None)
        with pytest.raises(KeyError):
            access.may("reporting", "POST", "/api/v1/nothing")


def document() -> dict:
    return json.loads(json.dumps(build_document(REGISTRY)))


def test_every_example_record_is_valid_against_its_own_schema():
    doc = document()
    components = doc["components"]
    for name, message in components["messages"].items():
        # The message's payload with the document's components beside it, so its $refs resolve.
        schema = {**message["payload"], "components": components}
        errors = list(Draft202012Validator(schema).iter_errors(example(doc, message["payload"])))
        assert not errors, (name, [error.message for error in errors[:3]])


def test_the_description_has_each_public_topics_messages_fields_and_example():
    view = describe(document())
    public = {channel["address"]: channel for channel in view["channels"] if "public" in channel["tags"]}
    assert set(public) >= {"tvp.public.members.v1", "tvp.public.meetings.v1", "tvp.public.reports.v1"}
    message = public["tvp.public.reports.v1"]["messages"][0]
    assert message["name"] == "tr.tvp.reporting.report.published.v1"
    assert {"sha256", "period", "indicators"} <= {field["name"] for field in message["fields"]}
    assert message["example"]["type"] == message["name"] and message["example"]["subject"].startswith("report/")
    assert message["example"]["data"]["kind"] in ("interim", "final")


def test_the_objects_inside_a_payload_are_described_too():
    view = describe(document())
    meetings = next(channel for channel in view["channels"] if channel["address"] == "tvp.public.meetings.v1")
    nested = {schema["name"]: schema["fields"] for schema in meetings["messages"][0]["nested"]}
    assert {"seated", "present", "required"} <= {field["name"] for field in nested["PublicQuorumPayload"]}
    assert "PublicAttendancePayload" in nested


def test_a_percentage_keeps_the_apis_decimal_without_binary_noise(app):
    from services.console.formats import percent

    with app.test_request_context():
        assert percent(11.7 / 100, keep_decimals=True) == "11.7%"
        assert percent(0.5 / 100, keep_decimals=True) == "0.5%"
        assert percent(0.016) == "2%"  # the dashboard's whole percentages, as before


def test_amounts_keep_two_decimals_in_the_pages_language(app):
    from services.console.formats import money

    with app.test_request_context():
        assert money("1355.9") == "1,355.90" and money(203.4) == "203.40" and money(None) == ""
