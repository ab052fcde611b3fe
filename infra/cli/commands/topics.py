"""`tvp topics create`: every topic of the contract, idempotently."""

import click

from ..app import example, tvp
from ..console import note, say
from ..target import resolve


@tvp.group(
    short_help="Manage the platform's Kafka topics.",
    epilog=example("tvp topics create", "tvp topics create --bootstrap kafka:9092"),
)
def topics() -> None:
    """Manage the platform's Kafka topics."""


@topics.command(
    short_help="Create every topic (safe to repeat).",
    epilog=example("tvp topics create", "tvp topics create --bootstrap kafka:9092 --partitions 6"),
)
@click.option("--bootstrap", help="Kafka bootstrap servers (default: the running stack's, else $TVP_KAFKA_BOOTSTRAP)")
@click.option("--partitions", type=int, help="partitions of new topics (default: $TVP_TOPIC_PARTITIONS or 3)")
def create(bootstrap: str | None, partitions: int | None) -> None:
    """Create every topic of the contract and the dead-letter topics (safe to repeat)."""
    from shared.config import load_settings
    from shared.contracts import topics as contract_topics

    from .up import create_topics

    target = resolve(kafka=True, bootstrap_flag=bootstrap)
    note(f"topics: on {target.describe()}")
    created = create_topics(target.bootstrap, partitions or load_settings("members").topic_partitions)
    say(f"topics: {len(created)} created, {len(contract_topics.ALL) - len(created)} already there")
