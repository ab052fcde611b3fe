"""`tvp replay`: the services' event logs published again (also used by `tvp up`)."""

import click

from ..app import example, tvp
from ..console import note, progress_bars, say
from ..errors import CliError
from ..target import Target, resolve

SERVICES = ("members", "events", "reporting")


def replay_event_logs(target: Target, services=None, show_progress: bool = True) -> dict[str, int]:
    """Put every published event back on its topic; consumers drop what they have seen."""
    from contextlib import nullcontext

    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    from shared.contracts import REGISTRY
    from shared.messaging.kafka import make_producer
    from shared.messaging.outbox import EVENT_LOG
    from shared.messaging.relay import OutboxRelay

    client = MongoClient(target.mongo_uri, serverSelectionTimeoutMS=3000)
    counts = {}
    try:
        with progress_bars() if show_progress else nullcontext() as bars:
            for name in services or SERVICES:
                db = client[target.database(name)]
                total = db[EVENT_LOG].estimated_document_count()
                task = bars.add_task(f"replaying {name}", total=total) if bars else None

                def progress(done, task=task):
                    if bars is not None:
                        bars.update(task, completed=done)

                relay = OutboxRelay(db, [], REGISTRY, lambda: make_producer(target.bootstrap))
                try:
                    counts[name] = relay.replay(progress=progress)
                finally:
                    relay.close()
    except PyMongoError as exc:
        raise CliError(f"cannot replay: MongoDB at {target.mongo_uri}: {_first_line(exc)}") from None
    except Exception as exc:  # kafka-python errors have no common base worth importing here
        if type(exc).__module__.startswith("kafka"):
            raise CliError(f"cannot replay: Kafka at {target.bootstrap}: {_first_line(exc)}") from None
        raise
    finally:
        client.close()
    return counts


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


@tvp.command(
    short_help="Publish the event logs to Kafka again.",
    epilog=example(
        "tvp replay",
        "tvp replay --service members --service events",
        "tvp replay --bootstrap 127.0.0.1:9092 --mongo-uri mongodb://127.0.0.1:27017/",
    ),
)
@click.option(
    "--service",
    "services",
    multiple=True,
    type=click.Choice(SERVICES),
    help="only this service's event log (repeatable)",
)
@click.option("--bootstrap", help="Kafka to publish to; required when no `tvp up` runs")
@click.option("--mongo-uri", help="MongoDB holding the event logs (default: the running stack's, else $TVP_MONGO_URI)")
def replay(services: tuple[str, ...], bootstrap: str | None, mongo_uri: str | None) -> None:
    """Publish the services' event logs to Kafka again (after the Tansu broker restarted; Apache Kafka keeps them).

    It talks to the stack `tvp up` runs; without one, the broker must be named
    with --bootstrap (an environment variable is not enough: replaying into the
    wrong broker is hard to undo). The targets are printed before it starts.
    """
    target = resolve(mongo=True, kafka=True, mongo_flag=mongo_uri, bootstrap_flag=bootstrap, env_kafka=False)
    chosen = list(services) or list(SERVICES)
    note(f"replay: databases {', '.join(target.database(s) for s in chosen)} on {target.describe()}")
    counts = replay_event_logs(target, chosen)
    say("replayed: " + ", ".join(f"{name} {n} events" for name, n in counts.items()))
