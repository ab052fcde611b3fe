"""HTTP pieces the services' blueprints share: the 422 for bodies that are not JSON, If-Match/ETag
documentation, and the causation of the request being served."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser, abort

from ..messaging.outbox import Causation

IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
            "description": "The ETag from a GET; when it is stale the answer is 412 and nothing changes"}
ETAG = {"ETag": {"description": "The version of the resource, for If-Match", "schema": {"type": "string"}}}


class _Parser(FlaskParser):
    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        # The contract answers every invalid input with 422, a body that is not JSON included.
        abort(422, exc=error, messages={"json": ["Invalid JSON body."]})


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = _Parser()


def cause() -> Causation:
    """The request's correlation id, to be carried by the events it causes."""
    return Causation(correlation_id=g.correlation_id)
