"""`tvp subscribe`: the command line of the public-topic subscriber (infra/subscribe.py)."""

import os
import signal
import threading
from pathlib import Path

import click

from shared.contracts import topics as contract_topics

from ..app import example, tvp
from ..console import note
from ..errors import CliError
from ..target import resolve


@tvp.command(
    short_help="Follow a public topic, resuming where it stopped.",
    epilog=example(
        "tvp subscribe tvp.public.meetings.v1 --format table",
        "tvp subscribe tvp.public.members.v1 --output members.ndjson",
        "tvp subscribe tvp.public.meetings.v1 --from-beginning --group my-chamber",
        "TVP_KAFKA_PASSWORD=... tvp subscribe tvp.public.reports.v1 --bootstrap kafka.example:19092"
        " --username kirklareli-tso --tls",
    ),
)
@click.argument("topic", metavar="TOPIC")
@click.option("--from-beginning", is_flag=True, help="ignore the group's committed offsets and read the whole topic")
@click.option(
    "--group",
    help="consumer group whose committed offsets are resumed (default: the --username, else tvp-subscribe.<login>)",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "table"]),
    default="json",
    show_default=True,
    help="json: the CloudEvents as NDJSON; table: one readable line per event",
)
@click.option(
    "--output", type=click.Path(path_type=Path), help="append to FILE instead of printing (ids in it are not repeated)"
)
@click.option("--bootstrap", help="Kafka bootstrap servers (default: the running stack's, else $TVP_KAFKA_BOOTSTRAP)")
@click.option(
    "--username",
    default=lambda: os.environ.get("TVP_KAFKA_USERNAME"),
    help="SASL/SCRAM user (default: $TVP_KAFKA_USERNAME); password from $TVP_KAFKA_PASSWORD",
)
@click.option(
    "--password-file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="read the SASL password from this file",
)
@click.option(
    "--mechanism", type=click.Choice(["SCRAM-SHA-512", "SCRAM-SHA-256"]), default="SCRAM-SHA-512", show_default=True
)
@click.option("--tls", is_flag=True, help="TLS to the broker (SASL_SSL with --username)")
@click.option("--ca-file", help="CA certificate(s) to verify the broker with")
@click.option("--max-events", type=int, help="stop after writing N events")
@click.option(
    "--idle-timeout", type=float, metavar="SECONDS", help="stop once caught up and nothing new came for SECONDS"
)
@click.option("--keep-duplicates", is_flag=True, help="do not drop events whose id was seen")
@click.option("--quiet", is_flag=True, help="no live count (nor target line) on stderr")
def subscribe(
    topic,
    from_beginning,
    group,
    fmt,
    output,
    bootstrap,
    username,
    password_file,
    mechanism,
    tls,
    ca_file,
    max_events,
    idle_timeout,
    keep_duplicates,
    quiet,
) -> int:
    """Follow a public topic: print or append its events as NDJSON, resuming where it stopped.

    Offsets are committed for the consumer group once what was read is written;
    duplicates are dropped by event id (also those already in --output). After
    a restart of the Tansu fallback broker (which forgets), the topic is read
    again and what is already there is skipped. A live count (events, rate, duplicates, lag) goes to stderr.
    """
    from ...subscribe import LiveCount, SubscribeError, Subscriber, default_group, kafka_security

    target = resolve(kafka=True, bootstrap_flag=bootstrap)
    password = os.environ.get("TVP_KAFKA_PASSWORD")
    if password_file:
        password = password_file.read_text(encoding="utf-8").strip()
    if not quiet:
        note(f"subscribe: {topic} on {target.describe()}")
        if topic not in contract_topics.PUBLIC:
            note(f"note: {topic} is not one of the public topics ({', '.join(contract_topics.PUBLIC)})")
    stop = threading.Event()

    def _on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        security = kafka_security(username, password, mechanism, tls, ca_file)
        subscriber = Subscriber(
            topic,
            target.bootstrap,
            group or default_group(username),
            from_beginning=from_beginning,
            fmt=fmt,
            output=output,
            max_events=max_events,
            idle_timeout_s=idle_timeout,
            dedupe=not keep_duplicates,
            security=security,
            live=LiveCount(topic, enabled=not quiet),
            stop=stop,
            broker=target.broker,
        )
        return subscriber.run()
    except SubscribeError as exc:
        raise CliError(str(exc)) from None
    except BrokenPipeError:
        # `tvp subscribe ... | head`: the reader went away; offsets of what was written are committed.
        return 0
