"""The published language between the services: every event type, its payload and topic.

Payload schemas live here, not inside a service, because producer and consumers
must agree on them; a breaking change is a new `.vN` type.
"""

from shared.messaging.registry import EventRegistry

from . import events, members, public, reporting, topics

REGISTRY = EventRegistry()
members.register(REGISTRY)
events.register(REGISTRY)
reporting.register(REGISTRY)
public.register(REGISTRY)  # tvp.public.* (issue 6)

__all__ = ["REGISTRY", "topics"]
