"""`/streams`: the public topics other chambers subscribe to, read from the AsyncAPI document the services
serve (channels, message names, payload fields with types and descriptions, an example record), and how
to subscribe. The document's own texts are the contract's, in English; the page around them is translated."""

from __future__ import annotations

import json

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from shared.asyncapi_view import describe

from ..errors import install as install_api_errors
from ..web import NavEntry, api

blp = Blueprint("streams", __name__)
install_api_errors(blp)
NAV = [NavEntry("streams.index", _l("Streams"))]
# Every service serves the same document (built from the one event registry); reporting's is asked.
DOCUMENT_SERVICE = "reporting"
PUBLIC_TAG = "public"


@blp.get("/streams")
def index():
    document = api().get(DOCUMENT_SERVICE, "/api/v1/asyncapi.json").data
    view = describe(document)
    public = [channel for channel in view["channels"] if PUBLIC_TAG in channel["tags"]]
    for channel in public:
        for message in channel["messages"]:
            message["example_json"] = json.dumps(message["example"], ensure_ascii=False, indent=2)
    return render_template("streams/index.html", info=view["info"], asyncapi=view["asyncapi"],
                           channels=public, envelope=view["envelope"])


@blp.get("/streams/asyncapi.json")
def document():
    """The document itself, from the console's own origin (the page links nothing elsewhere)."""
    answer = api().get(DOCUMENT_SERVICE, "/api/v1/asyncapi.json", raw=True)
    return answer.data, 200, {"Content-Type": "application/json"}
