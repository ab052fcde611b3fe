"""Domain events on Kafka: envelope, registry, outbox relay and consumer runtime."""
