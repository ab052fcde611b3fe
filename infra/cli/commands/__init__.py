"""Each module adds one command (or group) to `tvp`; importing this package registers them all."""

from . import asyncapi, chamber, data_export, demo, logs, rebuild, replay, status, stop, subscribe, token, topics, up  # noqa: F401
