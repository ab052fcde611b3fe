"""gunicorn settings for every service: `gunicorn -c infra/gunicorn.conf.py 'services.members:create_app()'`."""
import os
import re
import sys
import tempfile
from pathlib import Path

from infra import gunicorn_errors, gunicorn_headers
from shared.logs import gunicorn_logconfig


def _service_name() -> str:
    """The service this gunicorn serves, from its app argument (`services.<name>:create_app()`)."""
    for arg in reversed(sys.argv):
        match = re.match(r"services\.(\w+)[.:]", arg)
        if match:
            return match.group(1)
    return os.environ.get("TVP_SERVICE", "web")


SERVICE = _service_name()
bind = os.environ.get("TVP_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TVP_WEB_WORKERS", "2"))
threads = int(os.environ.get("TVP_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
accesslog = None  # one JSON line per request comes from the app (shared/web/access_log.py)
logconfig_dict = gunicorn_logconfig(SERVICE, os.environ.get("TVP_LOG_LEVEL") or "INFO")
# The app enforces the contract's limits (shared/web/limits.py: URL 8 KiB → 414, headers 16 KiB → 431)
# and answers in JSON; gunicorn's own limits stay at their maximum, as a last line, and answer in JSON too.
limit_request_line = 8190
limit_request_fields = 200
limit_request_field_size = 8190
gunicorn_errors.install()
gunicorn_headers.install()  # no `Server: gunicorn` on any answer
preload_app = False  # each worker creates its own MongoDB and Kafka clients after the fork

# gunicorn >= 25.1 opens a control socket for `gunicornc`, by default one per user
# ($XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl): three services, or two stacks,
# started by one user would fight over it. One per service and stack, beside its other
# runtime files: <TVP_VAR_DIR>/run/<service>-<port>.ctl. TVP_CONTROL_SOCKET overrides it;
# set it to "off" to open none.
_control = os.environ.get("TVP_CONTROL_SOCKET", "")
if _control == "off":
    control_socket_disable = True
else:
    _port = bind.rsplit(":", 1)[-1]
    _default = Path(os.environ.get("TVP_VAR_DIR") or "var").resolve() / "run" / f"{SERVICE}-{_port}.ctl"
    control_socket = _control or str(_default)

# Counters from all workers are summed at /metrics (prometheus multiprocess mode).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tvp-prom-")


def child_exit(_server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
