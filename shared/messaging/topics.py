"""Naming rules for topics the runtime itself owns (not the published language).

The dead-letter topic belongs to the consumer runtime: every service has one, whatever
events it handles. `shared.contracts.topics` lists these names too, by this rule, so the
contracts depend on the runtime and never the reverse (tests/unit/shared/test_layering.py).
"""


def dead_letter_topic(service: str) -> str:
    return f"tvp.{service}.dlq"
