"""Evidence files on the console's pages (a meeting's, an expenditure's, a report's period): the upload form
passed on to the API as multipart, and the download streamed through with the user's token.

The API checks everything (type by content, 20 MiB, kind, frozen owners); the page shows its refusal. The
file is passed on from werkzeug's spooled part (on disk past 500 KB); requests builds the multipart body of the
call in memory, so the console holds one upload at a time while it passes it on (at most 20 MiB).
"""

from __future__ import annotations

from flask import Response, abort, request

from .adapters.api import ApiError, ApiResponse
from .labels import EVIDENCE_KINDS
from .web import api

KINDS = tuple(EVIDENCE_KINDS)
EVIDENCE_ROUTE = "/api/v1/evidence/{evidence_id}"
# What a download passes on from the API's answer: the file's type, length and name; nosniff is set anew.
PASSED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Length")
DOWNLOAD_CHUNK = 64 * 1024
ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def plain_id(value: str) -> str:
    """An id that goes into an API path: anything but a plain token could reach another route."""
    if not value or not value.replace("-", "").isalnum():
        abort(404)
    return value


def upload(service: str, path: str) -> ApiResponse:
    """POST the form's `file` and `kind` to the API's evidence `path`; ApiError as the API refused."""
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        raise ApiError(422, "Unprocessable Entity", "no file chosen", {"file": ["Missing data for required field."]})
    files = {"file": (storage.filename, storage.stream, storage.mimetype or "application/octet-stream")}
    return api().request("POST", service, path, files=files, data={"kind": request.form.get("kind", "")},
                         idempotency_key=request.form.get("idempotency_key"))


def download(service: str, evidence_id: str) -> Response:
    """The API's file as it is, under the user's token, streamed through."""
    answer = api().download(service, EVIDENCE_ROUTE.format(evidence_id=plain_id(evidence_id)))
    headers = {name: answer.headers[name] for name in PASSED_HEADERS if name in answer.headers}
    headers["X-Content-Type-Options"] = "nosniff"
    streamed = Response(answer.iter_content(DOWNLOAD_CHUNK), status=200, headers=headers)
    streamed.call_on_close(answer.close)
    return streamed
