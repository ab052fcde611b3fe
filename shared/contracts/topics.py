"""Every topic, derived from the event registry: the topics its types travel on, and a dead-letter topic
per service. Nothing here is listed by hand, so a type declared on a new topic brings its topic along."""

from shared.messaging.topics import dead_letter_topic

from .catalogue import REGISTRY

_declared = list(dict.fromkeys(spec.topic for spec in REGISTRY))  # in declaration order

INTERNAL = [topic for topic in _declared if not topic.startswith("tvp.public.")]
PUBLIC = [topic for topic in _declared if topic.startswith("tvp.public.")]
SERVICES = list(dict.fromkeys(spec.source.rsplit("/", 1)[-1] for spec in REGISTRY))

DEAD_LETTER = [dead_letter_topic(service) for service in SERVICES]

ALL = INTERNAL + PUBLIC + DEAD_LETTER
