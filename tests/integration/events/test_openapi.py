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


def test_writes_that_honour_if_match_document_it_and_the_etag(events_client):
    paths = events_client.get("/api/v1/openapi.json").json["paths"]
    for action in ("reschedule", "cancel", "close"):
        operation = paths[f"/api/v1/meetings/{{meeting_id}}/{action}"]["post"]
        assert "If-Match" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}, action
        assert "ETag" in operation["responses"]["200"]["headers"], action
    assert "ETag" in paths["/api/v1/meetings"]["post"]["responses"]["201"]["headers"]
    assert "ETag" in paths["/api/v1/meetings/{meeting_id}"]["get"]["responses"]["200"]["headers"]
