"""The published language between the services: every event type, its payload and topic.

Payload schemas live here, not inside a service, because producer and consumers
must agree on them; a breaking change is a new `.vN` type. Declaring a type (its
constant, payload schema and `register` line in the service's module) is all it
takes for its topic to be created, described in the AsyncAPI document and, once a
service has a handler for it, subscribed to (docs/extending.md).
"""

from . import topics
from .catalogue import REGISTRY

__all__ = ["REGISTRY", "topics"]
