"""`tvp subscribe`: a chamber's ready-made consumer of a public topic.

    tvp subscribe TOPIC [--from-beginning] [--group NAME] [--format json|table] [--output FILE]

- Follows TOPIC until Ctrl-C (or `--max-events` / `--idle-timeout`), printing each event
  (NDJSON: the CloudEvent exactly as it travels, one per line) or appending it to FILE.
- Resumes where it stopped: the offsets it has written are committed for its consumer
  group (`--group`, by default the SASL user name or `tvp-subscribe.<login>`); a group
  without committed offsets starts at the beginning of the topic. `--from-beginning`
  ignores the committed offsets and reads everything again.
- Delivery is at least once, so duplicates are dropped by event `id`: those seen in this
  run and, with `--output`, those already in FILE. After the Tansu fallback broker (in
  memory) restarted, the services publish their event logs again with the same ids; the
  subscriber notices that the topic was recreated (new topic id) or that its offsets are
  gone, reads the topic again from the beginning and skips what it already has.
- A live count (events, rate, duplicates skipped, lag) goes to stderr.

Partitions are assigned by hand (no group membership: nothing to rebalance, no join wait);
run one subscriber per group.
"""
from __future__ import annotations

import getpass
import json
import os
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from shared.config import PLATFORM_ZONE as LOCAL_ZONE
from shared.contracts import topics as contract_topics
from shared.messaging.broker import APACHE_KAFKA, Broker

ID_PREFIX = b'{"id":"'
COMMIT_INTERVAL_S = 1.0
# How long to try the bootstrap servers before "cannot reach Kafka": 10 s rides out a broker that is still
# starting; TVP_SUBSCRIBE_BOOTSTRAP_TIMEOUT_MS shortens it where nothing is expected to answer (the tests).
BOOTSTRAP_TIMEOUT_ENV = "TVP_SUBSCRIBE_BOOTSTRAP_TIMEOUT_MS"
DEFAULT_BOOTSTRAP_TIMEOUT_MS = 10_000


def bootstrap_timeout_ms() -> int:
    value = os.environ.get(BOOTSTRAP_TIMEOUT_ENV, "").strip()
    if not value:
        return DEFAULT_BOOTSTRAP_TIMEOUT_MS
    if not value.isdigit() or int(value) == 0:
        raise SubscribeError(f"{BOOTSTRAP_TIMEOUT_ENV} must be a positive number of milliseconds, not {value!r}")
    return int(value)


class SubscribeError(RuntimeError):
    """Printed as one line by `tvp`."""


# -- formatting --------------------------------------------------------------------

def _local(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso[:16]


def summary_of(event: dict) -> str:
    """One human line about an event's payload, for `--format table`."""
    data = event.get("data") or {}
    kind = event.get("type", "").split(".")
    aggregate = kind[3] if len(kind) > 3 else ""
    if aggregate == "organisation":
        bits = [data.get("short_name") or data.get("name"), data.get("kind"), data.get("province"), data.get("status")]
    elif aggregate == "meeting":
        bits = [data.get("kind"), data.get("title"), _local(data.get("starts_at")), data.get("status")]
        if data.get("registrations") is not None:
            bits.append(f"{data['registrations']} registered")
        attendance = data.get("attendance")
        if isinstance(attendance, dict):
            bits.append(f"{attendance.get('attendances', 0)} attended")
    elif aggregate == "report":
        bits = [data.get("period"), data.get("kind"), f"{len(data.get('indicators') or [])} indicators",
                (data.get("sha256") or "")[:12]]
    else:
        bits = [f"{k}={v}" for k, v in list(data.items())[:4] if not isinstance(v, (dict, list))]
    return " · ".join(str(b) for b in bits if b not in (None, ""))


TABLE_HEADER = f"{'time (Istanbul)':<16}  {'event':<34}  {'key':<32}  summary"


def table_line(event: dict) -> str:
    parts = event.get("type", "?").split(".")
    name = ".".join(parts[3:5]) + (f".{parts[5]}" if len(parts) > 5 else "")
    key = event.get("subject", "").split("/", 1)[-1]
    return f"{_local(event.get('time')):<16}  {name:<34}  {key:<32}  {summary_of(event)}"


# -- the consumer ----------------------------------------------------------------------

def kafka_security(username: str | None, password: str | None, mechanism: str, tls: bool,
                   ca_file: str | None) -> dict:
    config: dict = {}
    if username:
        if password is None:
            raise SubscribeError("a --username needs a password (TVP_KAFKA_PASSWORD or --password-file)")
        config.update(security_protocol="SASL_SSL" if tls else "SASL_PLAINTEXT", sasl_mechanism=mechanism,
                      sasl_plain_username=username, sasl_plain_password=password)
    elif tls:
        config["security_protocol"] = "SSL"
    if ca_file:
        config["ssl_cafile"] = ca_file
    return config


class LiveCount:
    """Events, rate, duplicates and lag on stderr: rewritten in place on a terminal, a line now and then otherwise."""

    def __init__(self, topic: str, stream=None, enabled: bool = True):
        self.topic, self.stream, self.enabled = topic, stream or sys.stderr, enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self.last_shown = 0.0
        self.interval = 0.25 if self.tty else 10.0

    def show(self, events: int, duplicates: int, lag: int | None, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not final and now - self.last_shown < self.interval:
            return
        self.last_shown = now
        elapsed = max(now - self.started, 1e-6)
        text = (f"{self.topic}: {events} events ({events / elapsed:,.0f}/s)"
                f"{f', {duplicates} duplicates skipped' if duplicates else ''}"
                f"{'' if lag is None else f', lag {lag}'}")
        if self.tty:
            self.stream.write("\r\x1b[K" + text + ("\n" if final else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def known_ids(path: Path) -> set[str]:
    """Event ids already in an NDJSON file (lines that are not JSON are ignored)."""
    ids: set[str] = set()
    if not path.exists():
        return ids
    with path.open("rb") as handle:
        for line in handle:
            try:
                event_id = json.loads(line).get("id")
            except (ValueError, AttributeError):
                continue
            if event_id:
                ids.add(event_id)
    return ids


class Subscriber:
    def __init__(self, topic: str, bootstrap: str, group: str, from_beginning: bool = False,
                 fmt: str = "json", output: Path | None = None, max_events: int | None = None,
                 idle_timeout_s: float | None = None, dedupe: bool = True, security: dict | None = None,
                 live: LiveCount | None = None, out=None, stop: threading.Event | None = None,
                 broker: Broker = APACHE_KAFKA):
        self.topic, self.bootstrap, self.group = topic, bootstrap, group
        self.broker = broker
        self.from_beginning, self.fmt, self.output = from_beginning, fmt, output
        self.max_events, self.idle_timeout_s, self.dedupe = max_events, idle_timeout_s, dedupe
        self.security = security or {}
        self.live = live or LiveCount(topic, enabled=False)
        self.out = out
        self.stop = stop or threading.Event()
        self.seen: set[str] = set()
        self.written = 0
        self.duplicates = 0
        self.invalid = 0
        self.restarts_seen = 0
        self.processed: dict = {}   # partition -> offset after the last record handled (committed)

    # -- setup ---------------------------------------------------------------------
    def _consumer(self):
        from kafka import KafkaConsumer
        from kafka.errors import KafkaError

        try:
            return KafkaConsumer(
                bootstrap_servers=[s.strip() for s in self.bootstrap.split(",") if s.strip()],
                group_id=self.group, enable_auto_commit=False, auto_offset_reset="earliest",
                fetch_max_wait_ms=200, max_poll_records=2000, metadata_max_age_ms=5000,
                request_timeout_ms=10000, bootstrap_timeout_ms=bootstrap_timeout_ms(),
                client_id=f"tvp-subscribe-{self.group}", **self.security)
        except KafkaError:
            raise SubscribeError(f"cannot reach Kafka at {self.bootstrap}") from None

    def _partitions(self, consumer, timeout_s: float = 5.0):
        from kafka import TopicPartition
        from kafka.errors import KafkaError

        deadline = time.monotonic() + timeout_s
        while True:
            try:
                partitions = consumer.partitions_for_topic(self.topic)
            except KafkaError:
                raise SubscribeError(f"cannot reach Kafka at {self.bootstrap}") from None
            if partitions:
                return [TopicPartition(self.topic, p) for p in sorted(partitions)]
            if time.monotonic() > deadline or self.stop.is_set():
                raise SubscribeError(f"topic {self.topic} does not exist on {self.bootstrap} "
                                     f"(public topics: {', '.join(contract_topics.PUBLIC)})")
            time.sleep(0.2)

    @staticmethod
    def _topic_id(consumer, topic: str):
        cluster = getattr(getattr(consumer, "_client", None), "cluster", None)
        lookup = getattr(cluster, "topic_id", None)
        try:
            return lookup(topic) if lookup else None
        except Exception:  # noqa: BLE001 - an optional safeguard, never fatal
            return None

    def _position_all(self, consumer, partitions, from_beginning: bool) -> None:
        if from_beginning:
            consumer.seek_to_beginning(*partitions)
            return
        for tp in partitions:
            committed = consumer.committed(tp)
            if committed is None:
                consumer.seek_to_beginning(tp)
            else:
                consumer.seek(tp, committed)

    # -- output --------------------------------------------------------------------
    def _open_output(self):
        if self.output is None:
            return self.out or sys.stdout.buffer, False
        self.output.parent.mkdir(parents=True, exist_ok=True)
        if self.dedupe and self.fmt == "json":
            self.seen |= known_ids(self.output)
        return self.output.open("ab"), True

    def _decode(self, raw: bytes | None) -> tuple[dict | None, str | None]:
        """(event, id); (None, None) for a record that is not an event. NDJSON output needs only the id: the
        platform's relays write `{"id":"…",` first, so it is read from there without parsing the rest."""
        if raw is None:
            return None, None
        if self.fmt == "json" and raw.startswith(ID_PREFIX):
            end = raw.find(b'"', len(ID_PREFIX))
            if end > len(ID_PREFIX) and raw.rstrip().endswith(b"}"):
                return None, raw[len(ID_PREFIX):end].decode("utf-8", "replace")
        try:
            event = json.loads(raw)
            return event, event["id"]
        except (TypeError, ValueError, KeyError):
            return None, None

    def _render(self, event: dict | None, raw: bytes) -> bytes:
        if self.fmt == "json":
            return raw.strip() + b"\n"
        return (table_line(event) + "\n").encode("utf-8")

    # -- run -------------------------------------------------------------------------
    def lag(self, consumer, partitions) -> int | None:
        """How far behind the subscriber is, or None when unknown. Only shown in the live count, so a broker
        that is away (position() asks it when it has no fetch position) must not stop the subscriber."""
        from kafka.errors import KafkaError

        total, known = 0, False
        for tp in partitions:
            high = consumer.highwater(tp)
            if high is None:
                continue
            try:
                total += max(0, high - consumer.position(tp))
            except KafkaError:
                return None
            known = True
        return total if known else None

    def run(self) -> int:
        from kafka.structs import OffsetAndMetadata

        consumer = self._consumer()
        sink, is_file = self._open_output()
        try:
            partitions = self._partitions(consumer)
            consumer.assign(partitions)
            self._position_all(consumer, partitions, self.from_beginning)
            # Only a broker that forgets (Tansu) recreates a topic under a running subscriber.
            topic_id = None if self.broker.keeps_messages else self._topic_id(consumer, self.topic)
            if self.fmt == "table" and not is_file:
                sink.write((TABLE_HEADER + "\n").encode())
            last_commit, last_record = time.monotonic(), time.monotonic()
            dirty = False
            while not self.stop.is_set():
                batches = consumer.poll(timeout_ms=250)
                lines = []
                for tp, records in batches.items():
                    for record in records:
                        last_record = time.monotonic()
                        self.processed[tp] = record.offset + 1
                        if record.value is None:
                            continue  # a tombstone: the key's events ended (an erasure), nothing to show
                        event, event_id = self._decode(record.value)
                        if event_id is None:
                            self.invalid += 1
                            continue
                        if self.dedupe:
                            if event_id in self.seen:
                                self.duplicates += 1
                                continue
                            self.seen.add(event_id)
                        lines.append(self._render(event, record.value))
                        if self.max_events is not None and self.written + len(lines) >= self.max_events:
                            break
                    if self.max_events is not None and self.written + len(lines) >= self.max_events:
                        break
                if lines:
                    sink.write(b"".join(lines))
                    self.written += len(lines)
                    dirty = True
                if batches:
                    dirty = True
                done = self.max_events is not None and self.written >= self.max_events
                now = time.monotonic()
                if dirty and (done or now - last_commit >= COMMIT_INTERVAL_S):
                    self._commit(consumer, partitions, sink, is_file, OffsetAndMetadata)
                    last_commit, dirty = now, False
                lag = self.lag(consumer, partitions)
                self.live.show(self.written, self.duplicates, lag)
                if done:
                    break
                new_id = topic_id if self.broker.keeps_messages else self._topic_id(consumer, self.topic)
                if topic_id is not None and new_id is not None and new_id != topic_id:
                    # The topic was created anew (the in-memory broker restarted and the services
                    # replayed their event logs): read it again; what we already have is skipped by id.
                    self.restarts_seen += 1
                    sys.stderr.write(f"\n{self.topic} was recreated on the broker: reading it again from the "
                                     "beginning (events already seen are skipped)\n")
                    partitions = self._partitions(consumer)
                    consumer.assign(partitions)
                    consumer.seek_to_beginning(*partitions)
                    self.processed.clear()
                    topic_id = new_id
                    continue
                if (self.idle_timeout_s is not None and not batches and lag in (0, None)
                        and now - last_record >= self.idle_timeout_s):
                    break
            if dirty:
                self._commit(consumer, partitions, sink, is_file, OffsetAndMetadata)
            self.live.show(self.written, self.duplicates, self.lag(consumer, partitions), final=True)
            return 0
        finally:
            try:
                sink.flush()
            except Exception:  # noqa: BLE001 - a closed pipe
                pass
            if is_file:
                sink.close()
            consumer.close()

    def _commit(self, consumer, partitions, sink, is_file, OffsetAndMetadata) -> None:
        """Offsets are committed only after what was read is written (and, for a file, on disk)."""
        sink.flush()
        if is_file:
            os.fsync(sink.fileno())
        offsets = {tp: OffsetAndMetadata(offset, "", -1) for tp, offset in self.processed.items()}
        if not offsets:
            return
        try:
            consumer.commit(offsets)
        except Exception as exc:  # noqa: BLE001 - retried at the next commit; the worst case is duplicates
            sys.stderr.write(f"\ncould not commit offsets ({exc}); will retry\n")


# -- the command ------------------------------------------------------------------------

def default_group(username: str | None) -> str:
    if username:
        return username
    try:
        login = getpass.getuser()
    except Exception:  # noqa: BLE001
        login = "anonymous"
    return f"tvp-subscribe.{login}"
