"""`tvp topics create`: every topic of the contract with its declared settings, idempotently."""

import click

from ..app import example, tvp
from ..console import note, say
from ..errors import CliError
from ..target import resolve


@tvp.group(
    short_help="Manage the platform's Kafka topics.",
    epilog=example("tvp topics create", "tvp topics create --bootstrap kafka:9092"),
)
def topics() -> None:
    """Manage the platform's Kafka topics."""


@topics.command(
    short_help="Create every topic (safe to repeat); align the settings of existing ones.",
    epilog=example(
        "tvp topics create",
        "tvp topics create --check",
        "TVP_TOPIC_REPLICATION_FACTOR=3 tvp topics create --bootstrap kafka:9092 --partitions 6",
    ),
)
@click.option("--bootstrap", help="Kafka bootstrap servers (default: the running stack's, else $TVP_KAFKA_BOOTSTRAP)")
@click.option("--partitions", type=int, help="partitions of new topics (default: $TVP_TOPIC_PARTITIONS or 3)")
@click.option("--check", is_flag=True, help="only report settings that differ from the declared ones (exit 1 if any)")
def create(bootstrap: str | None, partitions: int | None, check: bool) -> None:
    """Create every topic of the contract and the dead-letter topics (safe to repeat), with the retention and
    compaction declared in shared/contracts/topics.py. Existing topics whose settings differ are reported and
    updated (`--check`: reported only). Partitions and replication factor of existing topics are left alone."""
    from shared.config import load_settings
    from shared.contracts import topics as contract_topics
    from shared.messaging.kafka import topic_config_differences, update_topic_configs

    from .up import create_topics

    target = resolve(kafka=True, bootstrap_flag=bootstrap)
    note(f"topics: on {target.describe()}")
    settings = load_settings("members")
    created = [] if check else create_topics(target.bootstrap, partitions or settings.topic_partitions,
                                             settings.topic_replication_factor, target.broker)
    say(f"topics: {len(created)} created, {len(contract_topics.ALL) - len(created)} already there")
    if not target.broker.has_topic_configs:
        note("topics: this broker (Tansu) keeps no topic settings; retention and compaction not checked")
        return
    declared = {t.name: t.configs() for t in contract_topics.ALL_SETTINGS}
    differences = topic_config_differences(target.bootstrap, declared)
    for d in differences:
        say(f"  {d.topic}: {d.key} is {d.actual if d.actual is not None else '(unset)'}, declared {d.wanted}")
    if not differences:
        say("topics: every setting as declared")
    elif check:
        raise CliError(f"{len(differences)} topic setting(s) differ from the declared ones (run without --check)")
    else:
        update_topic_configs(target.bootstrap, differences)
        say(f"topics: {len(differences)} setting(s) updated")
