"""HTTP entrypoints of the events service. ACCESS, the door's table (domain/permissions.py), is named here for
infra.access_docs, which reaches a service only through its entrypoints."""
from ..domain.permissions import ACCESS

__all__ = ["ACCESS"]
