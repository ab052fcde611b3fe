"""`tvp retention run [--dry-run]`: the KVKK retention policy of members and events, now, through their APIs."""

import click

from ..app import example, tvp
from ..console import note, say
from ..errors import CliError
from ..keys import issuer
from ..target import live_run, service_urls

# The services that run a retention policy (docs/privacy.md); reporting holds no personal data.
RETAINING = ("members", "events")
RUN_TIMEOUT_S = 600  # a run erases one person at a time: thousands take minutes


@tvp.group(short_help="KVKK retention: run the policy now.",
           epilog=example("tvp retention run --dry-run", "tvp retention run"))
def retention() -> None:
    """The retention policy of the services that hold personal data (members, events); the worker of each
    also runs it on schedule (TVP_RETENTION_INTERVAL_DAYS)."""


def _post_run(name: str, url: str, token: str, dry_run: bool) -> dict:
    import requests

    try:
        response = requests.post(f"{url}/api/v1/retention/run", json={"dry_run": dry_run},
                                 headers={"Authorization": f"Bearer {token}"}, timeout=RUN_TIMEOUT_S)
    except requests.RequestException as exc:
        raise CliError(f"{name} at {url} did not answer: {type(exc).__name__}") from None
    if response.status_code != 200:
        try:
            message = response.json().get("message")
        except ValueError:
            message = response.text[:200]
        raise CliError(f"{name}: {response.status_code} {message}")
    return response.json()


@retention.command(short_help="Anonymise what the policy says is due (or only count it).",
                   epilog=example("tvp retention run --dry-run", "tvp retention run",
                                  "tvp retention run --members http://10.0.0.5:8001 --events http://10.0.0.5:8002"))
@click.option("--dry-run", is_flag=True, help="count what is due per category; change nothing")
@click.option("--members", metavar="URL", help="the members service (default: the running stack's)")
@click.option("--events", metavar="URL", help="the events service (default: the running stack's)")
def run(dry_run: bool, members: str | None, events: str | None) -> None:
    """Run the retention policy of members and events now and print, per category, how many items were
    anonymised (with --dry-run: are due). Members erases due people as DELETE /people/{id} does; events
    removes outside participants' names and e-mails. Counts only: no data is printed or logged."""
    urls, origin = service_urls({"members": members, "events": events}, RETAINING)
    note(f"retention: {', '.join(f'{k} {v}' for k, v in urls.items())} ({origin})")
    token = issuer(live_run(quiet=True)).issue("platform_admin", subject="tvp-retention", ttl_s=900)
    verb = "due" if dry_run else "anonymised"
    total = 0
    for name, url in urls.items():
        result = _post_run(name, url, token, dry_run)
        for category in result["categories"]:
            total += category["count"]
            say(f"{name:8} {category['category']:22} {category['count']:6} {verb}"
                f"  (after {category['period_months']} months)")
    say(f"{total} {verb} in all" + (" (dry run: nothing changed)" if dry_run else ""))
