"""gunicorn settings for every service: `gunicorn -c infra/gunicorn.conf.py 'services.members:create_app()'`."""
import os
import tempfile

bind = os.environ.get("TVP_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TVP_WEB_WORKERS", "2"))
threads = int(os.environ.get("TVP_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
accesslog = None  # requests are logged as JSON by the app and counted in /metrics
preload_app = False  # each worker creates its own MongoDB and Kafka clients after the fork

# Counters from all workers are summed at /metrics (prometheus multiprocess mode).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tvp-prom-")


def child_exit(_server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
