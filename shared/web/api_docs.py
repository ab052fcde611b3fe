"""The API's documentation pages, served from this process with no external asset.

Swagger UI comes from the files the flask-swagger-ui package ships (its `dist/` is the
upstream swagger-ui-dist), served at /api/v1/docs/assets/, so /api/v1/docs works on a
machine with no internet. The page is this module's own, not flask-smorest's: that one starts
Swagger UI from an inline script, which the page's Content-Security-Policy (scripts and styles
from this origin only) would block; ours loads a local initializer and hands it its settings in
a JSON data block. The AsyncAPI document of the event streams is served as JSON
and as a server-rendered page; the service passes in the function that builds it, which
keeps this module (the runtime) free of the published language (shared/contracts).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from pathlib import Path

import flask_swagger_ui
from flask import Flask, send_from_directory

from .asyncapi_page import render_asyncapi_page

SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
OWN_ASSETS = Path(__file__).parent / "static" / "api_docs"
DOCS_URL = "/api/v1/docs"
ASSETS_URL = DOCS_URL + "/assets/"
SPEC_URL = "/api/v1/openapi.json"

# Nothing but this origin. `data:` images are the one exception: swagger-ui.css draws its
# icons (arrows, locks) as data: URIs, which never leave the page.
CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"

# flask-smorest would serve its own /api/v1/docs page (inline script); this module serves it.
SWAGGER_UI_CONFIG: dict[str, object] = {"OPENAPI_SWAGGER_UI_PATH": None}

# No validator badge: swagger-ui would load it from validator.swagger.io. No deep links: they put a
# link inside each operation's toggle button, a control within a control (axe-core: nested-interactive).
SWAGGER_UI_SETTINGS = {"url": SPEC_URL, "validatorUrl": None, "deepLinking": False}

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}swagger-ui.css">
<link rel="stylesheet" href="{assets}api-docs.css">
</head>
<body>
<div id="swagger-ui"></div>
<script type="application/json" id="swagger-ui-config">{settings}</script>
<script src="{assets}swagger-ui-standalone-preset.js"></script>
<script src="{assets}swagger-ui-bundle.js"></script>
<script src="{assets}swagger-initializer.js"></script>
</body>
</html>
"""


def docs_page(title: str) -> str:
    # `</` cannot end the data block early: the JSON escapes every `<`.
    settings = json.dumps(SWAGGER_UI_SETTINGS, indent=1).replace("<", "\\u003c")
    return _PAGE.format(title=escape(title), assets=ASSETS_URL, settings=settings)


def init_app(app: Flask, asyncapi_document: Callable[[], dict] | None) -> None:
    page = docs_page(app.config.get("API_TITLE", app.name))

    @app.get(DOCS_URL)
    def swagger_ui_page():
        """Swagger UI over this service's OpenAPI document."""
        response = app.response_class(page, mimetype="text/html")
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response

    @app.get(ASSETS_URL + "<path:filename>")
    def swagger_ui_asset(filename: str):
        # The initializer and the contrast fixes are ours; every other file is Swagger UI's own.
        folder = OWN_ASSETS if (OWN_ASSETS / filename).is_file() else SWAGGER_UI_DIST
        return send_from_directory(folder, filename, max_age=86400)

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
