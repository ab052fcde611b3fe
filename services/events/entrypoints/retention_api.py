"""HTTP entrypoint for the events' retention policy (the endpoints themselves: shared/web/retention_api.py)."""
from shared.retention.runner import RunRetention, interval
from shared.web.retention_api import retention_blueprint

from ..service_layer.retention import categories

blp = retention_blueprint("events", categories, lambda: interval().days, lambda dry_run: RunRetention(dry_run))
