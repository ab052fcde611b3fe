"""Domain errors that every layer may raise; the web layer maps them to the contract's format."""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class PreconditionFailed(DomainError):
    status = 412


class Unprocessable(DomainError):
    status = 422


class Forbidden(DomainError):
    status = 403


class DuplicateKey(Exception):
    """A write broke a unique index; the use case says which rule that was (a 409, usually).

    Raised by the repositories in place of the driver's error, so service layers name no driver."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail

    def on(self, index_name: str) -> bool:
        """Whether the unique index `index_name` is the one broken."""
        return index_name in self.detail
