"""The three services of the Thrace Productivity Platform."""
