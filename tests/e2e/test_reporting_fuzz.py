"""The reporting API under gunicorn: a valid OpenAPI document, and a bounded schemathesis run
(every operation reached, at least 400 cases; deeper with TVP_FUZZ_DEPTH, see tests/support/fuzz_depth.py) that
finds no 5xx and no response breaking the documented schema."""
from __future__ import annotations

import pytest
import requests
from openapi_spec_validator import validate

from ..support.api_fuzz import fuzz_api
from ..support.fuzz_depth import at_least, examples, time_bound

# The API fuzzers keep the CPU busy (and each has a time bound): under pytest-xdist they run one after another on
# one worker (tests/support/parallel.py), beside the tests that mostly wait.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("fuzzers")]

# Cases per operation and mode; every operation is reached (assert_clean). TVP_FUZZ_DEPTH searches deeper.
FUZZ_EXAMPLES = examples(11)
FUZZ_CASES = at_least(400)


@pytest.fixture(scope="module")
def reporting_service(service_factory):
    return service_factory("reporting")[0]


def test_openapi_document_validates(reporting_service):
    spec = requests.get(f"{reporting_service}/api/v1/openapi.json", timeout=10)
    assert spec.status_code == 200
    validate(spec.json())
    assert requests.get(f"{reporting_service}/api/v1/docs", timeout=10).status_code == 200


def test_fuzz_finds_no_5xx_and_no_schema_breaking_response(reporting_service, admin):
    base = reporting_service
    # Real resources, so that generated requests also reach existing ids (not only 404s).
    programme = requests.put(f"{base}/api/v1/programme", headers=admin, timeout=10, json={
        "name": "Fuzzed programme", "start_date": "2026-01-01", "end_date": "2027-12-31", "eu_share": 85,
        "national_share": 15, "targets": {"OI.4": 100, "FI.1": 50000}})
    assert programme.status_code == 200, programme.text
    expenditure = requests.post(f"{base}/api/v1/expenditures", headers=admin, timeout=10, json={
        "date": "2026-07-01", "budget_line": "travel", "amount": "120.50", "currency": "TRY", "eur_rate": "47.1",
        "description": "Fuzzed travel"})
    assert expenditure.status_code == 201, expenditure.text
    report = requests.post(f"{base}/api/v1/reports", headers=admin, timeout=30,
                           json={"period": "2026-Q3", "kind": "interim"})
    assert report.status_code == 201, report.text
    known = {"report_id": report.json()["id"], "expenditure_id": expenditure.json()["id"]}
    result = fuzz_api(base, headers=admin, max_examples=FUZZ_EXAMPLES, known_path_parameters=known)
    print(result.summary())
    result.assert_clean(min_cases=FUZZ_CASES)
    assert result.seconds < time_bound(300)
