"""Each module adds one command (or group) to `tvp`; importing this package registers them all."""

from . import (  # noqa: F401
    asyncapi,
    chamber,
    data_export,
    demo,
    login_link,
    logs,
    rebuild,
    replay,
    retention,
    status,
    stop,
    subscribe,
    token,
    topics,
    up,
)
