"""Events of the reporting service."""

REPORTS = "tvp.reporting.reports"


def register(registry) -> None:
    """Report event types are added by the reporting service work (issue 5)."""
