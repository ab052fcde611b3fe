"""The reporting API's OpenAPI document is valid and documents every operation and error."""
from __future__ import annotations

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.integration


def test_openapi_document_validates(reporting_client):
    response = reporting_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    paths = spec["paths"]
    for path in ("/api/v1/programme", "/api/v1/indicators", "/api/v1/expenditures",
                 "/api/v1/expenditures/{expenditure_id}", "/api/v1/reports", "/api/v1/reports/{report_id}",
                 "/api/v1/reports/{report_id}/submit", "/api/v1/reports/{report_id}/recompute",
                 "/api/v1/reports/{report_id}/export", "/api/v1/reports/{report_id}/revisions",
                 "/api/v1/reports/{report_id}/package.zip"):
        assert path in paths, path
    assert "application/zip" in paths["/api/v1/reports/{report_id}/package.zip"]["get"]["responses"]["200"]["content"]
    assert {"409", "412", "422"} <= set(paths["/api/v1/reports/{report_id}"]["put"]["responses"])
    export = paths["/api/v1/reports/{report_id}/export"]["get"]
    assert set(export["responses"]["200"]["content"]) == {
        "application/pdf", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method in ("get", "put", "post", "delete"):
                assert {"401", "403"} <= set(operation["responses"]), (method, path)
    assert reporting_client.get("/api/v1/docs").status_code == 200
