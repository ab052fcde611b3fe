"""The events service's OpenAPI document is valid and documents what the contract asks for."""
import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.integration


def test_openapi_document_validates(events_client):
    response = events_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    paths = spec["paths"]
    for path in ("/api/v1/meetings", "/api/v1/meetings/{meeting_id}", "/api/v1/meetings/{meeting_id}/reschedule",
                 "/api/v1/meetings/{meeting_id}/cancel", "/api/v1/meetings/{meeting_id}/close",
                 "/api/v1/meetings/{meeting_id}/registrations",
                 "/api/v1/meetings/{meeting_id}/registrations/{registration_id}",
                 "/api/v1/meetings/{meeting_id}/attendance", "/api/v1/meetings/{meeting_id}/decisions"):
        assert path in paths, path
    listing = {p["name"] for p in paths["/api/v1/meetings"]["get"]["parameters"]}
    assert {"kind", "host", "theme", "from", "to", "status", "page", "page_size"} <= listing
    post = paths["/api/v1/meetings"]["post"]
    assert {"401", "403", "422"} <= set(post["responses"])
    assert post["security"] == [{"bearerAuth": []}]


def test_docs_need_no_token(events_client):
    assert events_client.get("/api/v1/docs").status_code == 200
    assert events_client.get("/healthz").status_code == 200
