"""What a `tvp` command raises when the user can fix something: printed as one line, never a traceback."""

from __future__ import annotations

from ..embedded import StartupError

# One name for the CLI; StartupError stays the base so that embedded-server errors print the same way.
CliError = StartupError


class NotReady(CliError):
    """The stack is missing or not all ready: exit code 3 (`tvp status`)."""

    exit_code = 3
