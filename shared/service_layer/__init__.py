"""The service-layer seam all three services share: unit of work and message bus."""
