"""HTTP pieces the services' blueprints share: the 422 for bodies that are not JSON, If-Match/ETag
(reading, answering and documenting them), and the causation of the request being served."""

from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser, abort
from werkzeug.datastructures import CombinedMultiDict

from ..concurrency import Precondition, etag, parse_if_match
from ..messaging.outbox import Causation

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag from a GET; when it is stale the answer is 412 and nothing changes",
}
ETAG = {"ETag": {"description": "The version of the resource, for If-Match", "schema": {"type": "string"}}}


class _Parser(FlaskParser):
    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        # The contract answers every invalid input with 422, a body that is not JSON included.
        abort(422, exc=error, messages={"json": ["Invalid JSON body."]})

    def load_form(self, req, schema):
        # A multipart form (an upload) is one body: its fields and its files are read by one schema, which
        # OpenAPI documents as one multipart/form-data request body (flask-smorest takes one body per operation).
        if req.mimetype == "multipart/form-data":
            return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)
        return super().load_form(req, schema)


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = _Parser()


def precondition() -> Precondition | None:
    """The request's If-Match header, parsed; None when it has none."""
    return parse_if_match(request.headers.get("If-Match"))


def with_etag(document: dict, status: int | None = None):
    """A view's return value: the shown document (which carries its `version`) and its ETag header."""
    headers = {"ETag": etag(document["version"])}
    return (document, headers) if status is None else (document, status, headers)


def cause() -> Causation:
    """The request's correlation id, to be carried by the events it causes."""
    return Causation(correlation_id=g.correlation_id)
