"""The API's documentation pages, served from this process with no external asset.

Swagger UI comes from the files the flask-swagger-ui package ships (its `dist/` is the
upstream swagger-ui-dist), served at /api/v1/docs/assets/, so /api/v1/docs works on a
machine with no internet. The AsyncAPI document of the event streams is served as JSON
and as a server-rendered page; the service passes in the function that builds it, which
keeps this module (the runtime) free of the published language (shared/contracts).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import flask_swagger_ui
from flask import Flask, send_from_directory

from .asyncapi_page import render_asyncapi_page

SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
ASSETS_URL = "/api/v1/docs/assets/"

# flask-smorest renders /api/v1/docs itself; these point it at the local assets. No
# validator badge: swagger-ui would load it from validator.swagger.io.
SWAGGER_UI_CONFIG = {
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": ASSETS_URL,
    "OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None},
}


def init_app(app: Flask, asyncapi_document: Callable[[], dict] | None) -> None:
    @app.get(ASSETS_URL + "<path:filename>")
    def swagger_ui_asset(filename: str):
        return send_from_directory(SWAGGER_UI_DIST, filename, max_age=86400)

    if asyncapi_document is None:
        return
    rendered: dict[str, str] = {}

    def document() -> dict:
        # Built on first use and kept: the registry does not change while the process runs.
        if "json" not in rendered:
            doc = asyncapi_document()
            rendered["json"] = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
            rendered["html"] = render_asyncapi_page(json.loads(rendered["json"]))
        return rendered

    @app.get("/api/v1/asyncapi.json")
    def asyncapi_json():
        """The AsyncAPI 3 document of every topic (internal and public), generated from the registry."""
        return app.response_class(document()["json"], mimetype="application/json")

    @app.get("/api/v1/asyncapi")
    def asyncapi_page():
        """The same document as a page: topics, messages and their payload fields."""
        return app.response_class(document()["html"], mimetype="text/html")
