"""Local infrastructure: the embedded servers and the `tvp` command."""
