"""KVKK retention, one mechanism for every service that holds personal data (docs/privacy.md).

A service declares its categories of personal data (`policy.Category`: what, how long, on which legal
basis, how to find what is due and how to anonymise one item); `runner.run_retention` runs them under a
lease, logs counts per category (never the data) and records when it last ran, so the worker's schedule
survives restarts (`schedule.py`). The HTTP side is `shared/web/retention_api.py`.
"""
