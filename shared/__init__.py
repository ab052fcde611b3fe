"""Code that all three Thrace Productivity Platform services share."""
