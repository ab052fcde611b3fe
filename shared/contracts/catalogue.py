"""The registry of every event type: each service's declarations, in the order of the services."""

from shared.messaging.registry import EventRegistry

from . import events, members, public, reporting
from .upcasting import upcast

REGISTRY = EventRegistry(upcast=upcast)  # every reader gets the current version of a type
members.register(REGISTRY)
events.register(REGISTRY)
reporting.register(REGISTRY)
public.register(REGISTRY)  # tvp.public.*: the views other chambers subscribe to
