"""The registry of every event type: each service's declarations, in the order of the services."""

from shared.messaging.registry import EventRegistry

from . import events, members, public, reporting

REGISTRY = EventRegistry()
members.register(REGISTRY)
events.register(REGISTRY)
reporting.register(REGISTRY)
public.register(REGISTRY)  # tvp.public.*: the views other chambers subscribe to
