"""`tvp`: run the platform on this machine and operate it (click commands under `commands/`)."""

from .app import main, tvp

__all__ = ["main", "tvp"]
