"""The one client of the three services' APIs.

Every call carries the signed-in user's bearer token (minted per request by the console), the request's
`X-Correlation-Id` (so one click is one thread through every service's log) and, on writes, an
`Idempotency-Key` (the services accept one on every POST, PUT, PATCH and DELETE). Answers come back as
parsed JSON with their ETag; every failure, the services' error body or no answer at all, is one
ApiError, so a view handles "the API said no" in one place.
"""

from __future__ import annotations

import os
import threading
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import requests
from requests.adapters import HTTPAdapter

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DOWNLOAD_TIMEOUT_S = 60.0


class ApiError(Exception):
    """An answer other than 2xx, in the services' one error format ({"code", "status", "message", "errors"}).

    `field_errors` maps a field name to its messages (English, as the API wrote them)."""

    def __init__(self, status: int, title: str, detail: str = "", field_errors: dict | None = None):
        super().__init__(f"{status} {title}: {detail}" if detail else f"{status} {title}")
        self.status, self.title, self.detail = status, title, detail
        self.field_errors: dict[str, list[str]] = field_errors or {}

    @classmethod
    def from_response(cls, response: requests.Response) -> ApiError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {}
        errors = body.get("errors")
        return cls(
            status=response.status_code,
            title=str(body.get("status") or _phrase(response.status_code)),
            detail=str(body.get("message") or ""),
            field_errors=_field_errors(errors),
        )

    @classmethod
    def unreachable(cls, service: str, exc: Exception) -> ApiError:
        return cls(503, "Service Unavailable", f"the {service} service did not answer ({exc.__class__.__name__})")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _field_errors(errors: Any) -> dict[str, list[str]]:
    """{"field": ["message", ...]}; nested errors (a list's item, a sub-object) are flattened to dotted names."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            flat.setdefault(prefix or "_schema", []).extend(value)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), inner)
        elif value is not None:
            flat.setdefault(prefix or "_schema", []).append(str(value))

    if errors:
        walk("", errors)
    return flat


@dataclass
class ApiResponse:
    data: Any
    etag: str | None = None
    status: int = 200
    headers: dict = field(default_factory=dict)


class ApiClient:
    """Shared by the threads of one process; its pooled requests.Session is made in the process that uses it
    (a session's sockets must not cross gunicorn's fork), once per pid. `as_user` binds a caller to one
    request's user and correlation id, so a page may call several services at once from worker threads."""

    def __init__(self, urls: dict[str, str], timeout_s: float):
        self.urls, self.timeout_s = dict(urls), timeout_s
        self._session: requests.Session | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def http(self) -> requests.Session:
        if self._session is None or self._pid != os.getpid():
            with self._lock:
                if self._session is None or self._pid != os.getpid():
                    session = requests.Session()
                    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=0)
                    session.mount("http://", adapter)
                    session.mount("https://", adapter)
                    self._session, self._pid = session, os.getpid()
        return self._session

    def as_user(self, token: str | None, correlation_id: str | None) -> UserApi:
        return UserApi(self, token, correlation_id)

    def operations_text(self, service: str, path: str) -> str:
        """A service's public operations answer (`/metrics`, `/readyz`) as text; no token, no API error format."""
        try:
            response = self.http().get(self.urls[service] + path, timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise ApiError.unreachable(service, exc) from exc
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        return response.text


class UserApi:
    """The API as one signed-in user, within one request."""

    def __init__(self, client: ApiClient, token: str | None, correlation_id: str | None):
        self.client, self.token, self.correlation_id = client, token, correlation_id

    def get(self, service: str, path: str, params: dict | None = None, raw: bool = False) -> ApiResponse:
        return self.request("GET", service, path, params=params, raw=raw)

    def post(self, service: str, path: str, json: Any = None, idempotency_key: str | None = None,
             **kwargs) -> ApiResponse:
        return self.request("POST", service, path, json=json, idempotency_key=idempotency_key, **kwargs)

    def put(self, service: str, path: str, json: Any = None, if_match: str | None = None,
            idempotency_key: str | None = None) -> ApiResponse:
        return self.request("PUT", service, path, json=json, if_match=if_match, idempotency_key=idempotency_key)

    def patch(self, service: str, path: str, json: Any = None, if_match: str | None = None,
              idempotency_key: str | None = None) -> ApiResponse:
        return self.request("PATCH", service, path, json=json, if_match=if_match, idempotency_key=idempotency_key)

    def delete(self, service: str, path: str, if_match: str | None = None,
               idempotency_key: str | None = None) -> ApiResponse:
        return self.request("DELETE", service, path, if_match=if_match, idempotency_key=idempotency_key)

    def request(self, method: str, service: str, path: str, *, params: dict | None = None, json: Any = None,
                files: dict | None = None, data: dict | None = None, if_match: str | None = None,
                idempotency_key: str | None = None, raw: bool = False,
                timeout_s: float | None = None) -> ApiResponse:
        """`raw=True` keeps the body as bytes (downloads: PDF, XLSX, ZIP); `timeout_s` for a call that makes
        files (submitting a report renders and freezes its PDF and XLSX), else the page's timeout."""
        headers = self._headers(method, idempotency_key, if_match)
        urls = self._urls(service)
        try:
            response = self.client.http().request(
                method, urls[service] + path, params=params, json=json, files=files, data=data, headers=headers,
                timeout=timeout_s or self.client.timeout_s)
        except requests.RequestException as exc:
            raise ApiError.unreachable(service, exc) from exc
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        return ApiResponse(
            data=response.content if raw else _json_or_none(response),
            etag=response.headers.get("ETag"),
            status=response.status_code,
            headers=dict(response.headers),
        )


    def download(self, service: str, path: str, params: dict | None = None,
                 timeout_s: float = DOWNLOAD_TIMEOUT_S) -> requests.Response:
        """A file as the API sends it, its body not read yet: the caller passes `iter_content()` on and closes
        the response. A file is made on demand (a report's PDF draws its charts), so it may take longer than a
        page's call: `timeout_s` bounds each wait for bytes."""
        urls = self._urls(service)
        try:
            response = self.client.http().get(urls[service] + path, params=params, stream=True,
                                              headers={**self._headers("GET"), "Accept": "*/*"}, timeout=timeout_s)
        except requests.RequestException as exc:
            raise ApiError.unreachable(service, exc) from exc
        if response.status_code >= 400:
            try:
                raise ApiError.from_response(response)
            finally:
                response.close()
        return response

    def _urls(self, service: str) -> dict[str, str]:
        if service not in self.client.urls:
            raise ValueError(f"unknown service {service!r}; one of {', '.join(self.client.urls)}")
        return self.client.urls

    def _headers(self, method: str, idempotency_key: str | None = None, if_match: str | None = None) -> dict:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.correlation_id:
            headers["X-Correlation-Id"] = self.correlation_id
        if method in WRITES:
            # A form's own key (rendered with the form) makes a double submit one write; without one, the key
            # still makes this call safe for a retry further down.
            headers["Idempotency-Key"] = idempotency_key or uuid.uuid4().hex
        if if_match:
            headers["If-Match"] = if_match
        return headers


def _json_or_none(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text
