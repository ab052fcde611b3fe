"""`tvp rebuild`: reporting's projections rebuilt through the reporting entrypoint made for it."""

import click

from ..app import example, tvp
from ..console import note, progress_bars, say_above
from ..errors import CliError
from ..target import resolve


@tvp.command(
    short_help="Rebuild reporting's projections from its journal.",
    epilog=example("tvp rebuild", "tvp rebuild --mongo-uri mongodb://127.0.0.1:27017/"),
)
@click.option(
    "--mongo-uri", help="MongoDB of the reporting service (default: the running stack's, else $TVP_MONGO_URI)"
)
def rebuild(mongo_uri: str | None) -> None:
    """Rebuild the reporting projections from reporting's journal of consumed events.

    The indicator values stay the same; the service keeps answering while the
    new generation is built and switches to it in one transaction.
    """
    from pymongo.errors import PyMongoError

    from services.reporting.entrypoints.rebuild_command import rebuild_projections

    target = resolve(mongo=True, mongo_flag=mongo_uri)
    database = target.database("reporting")
    note(f"rebuild: database {database} on {target.describe()}")
    try:
        with progress_bars() as bars:
            task = bars.add_task("rebuilding reporting", total=None)
            rebuild_projections(
                target.mongo_uri,
                database,
                say=say_above(bars),
                progress=lambda done, total: bars.update(task, completed=done, total=total),
            )
    except PyMongoError as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise CliError(f"cannot rebuild: MongoDB at {target.mongo_uri}: {first}") from None
