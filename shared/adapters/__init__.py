"""Adapters every service's own adapters build on: the MongoDB repository base."""
