"""Every topic, derived from the event registry: the topics its types travel on, and a dead-letter topic
per service. Nothing here is listed by hand, so a type declared on a new topic brings its topic along."""

from shared.messaging.registry import EventRegistry
from shared.messaging.topics import dead_letter_topic

from .catalogue import REGISTRY

PUBLIC_PREFIX = "tvp.public."


def declared(registry: EventRegistry) -> tuple[list[str], list[str], list[str]]:
    """(internal, public, dead-letter) topics of `registry`, in declaration order."""
    topics = list(dict.fromkeys(spec.topic for spec in registry))
    services = dict.fromkeys(spec.source.rsplit("/", 1)[-1] for spec in registry)
    return (
        [t for t in topics if not t.startswith(PUBLIC_PREFIX)],
        [t for t in topics if t.startswith(PUBLIC_PREFIX)],
        [dead_letter_topic(service) for service in services],
    )


INTERNAL, PUBLIC, DEAD_LETTER = declared(REGISTRY)
SERVICES = list(dict.fromkeys(spec.source.rsplit("/", 1)[-1] for spec in REGISTRY))
ALL = INTERNAL + PUBLIC + DEAD_LETTER
