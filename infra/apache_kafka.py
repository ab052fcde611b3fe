"""Apache Kafka from the project's own files: fetch the pinned jars, format KRaft storage, run nodes.

The release is pinned in `infra/kafka/pom.xml`; Maven copies it and its runtime jars into
`var/kafka-dist/<version>/` once (`ensure_kafka_jars`). Each node is one JVM that is both
broker and KRaft controller (`kafka.Kafka server.properties`), its data under a directory the
caller chooses, so a restart on the same directory keeps every message. `KafkaNode` is a
`ManagedProcess`: `tvp up`, the fixtures and the benchmarks start, stop and kill it like the
other embedded servers.
"""
from __future__ import annotations

import base64
import fcntl
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .embedded import ManagedProcess, StartupError, free_port

KAFKA_PROJECT = Path(__file__).resolve().with_name("kafka")
POM = KAFKA_PROJECT / "pom.xml"
LOG4J_CONFIG = KAFKA_PROJECT / "log4j2.properties"
REPO_ROOT = Path(__file__).resolve().parents[1]
COMPLETE_MARK = ".complete"

# Sized for a 2-core, 24 GiB machine shared with SecantusDB, six service processes and the tests:
# a small heap to start with, SerialGC (one GC thread: G1's parallel and concurrent threads only
# fight the services for the two cores at this load) and the C1 compiler only (TieredStopAtLevel=1):
# C2 spends seconds of CPU at start-up for a peak throughput a development broker never needs.
# Measured with benchmarks/broker_startup.py (median start-to-ready, same load, C2 -> C1 only):
# cold 5.5-6.3 s -> 4.0 s, warm 6.4-7.3 s -> 3.0 s. TVP_KAFKA_JAVA_OPTS replaces them whole.
JAVA_OPTIONS = ("-Xms256m", "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true")
# Three JVMs on two cores for the cluster tests: half the heap each.
CLUSTER_JAVA_OPTIONS = ("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true")


def kafka_version() -> str:
    match = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", POM.read_text())
    if not match:
        raise StartupError(f"{POM} names no <kafka.version>")
    return match.group(1).strip()


def dist_dir() -> Path:
    """Where the jars of the pinned release live; TVP_KAFKA_DIST_DIR moves it (e.g. to share it between clones)."""
    base = os.environ.get("TVP_KAFKA_DIST_DIR")
    root = Path(base).resolve() if base else REPO_ROOT / "var" / "kafka-dist"
    return root / kafka_version()


def find_java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    java = str(candidate) if candidate and candidate.exists() else shutil.which("java")
    if java is None:
        raise StartupError("Apache Kafka needs Java 17 or newer, and no `java` was found "
                           "(install a JDK, or use the Tansu broker: TVP_BROKER=tansu)")
    return java


def find_mvn() -> str:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StartupError("fetching Apache Kafka needs Maven (`mvn`), which was not found "
                           "(install it, or use the Tansu broker: TVP_BROKER=tansu)")
    return mvn


def java_available() -> bool:
    """Both tools this module needs are on the machine (the tests of the real broker skip without them)."""
    try:
        find_java()
        return bool(dist_dir().joinpath(COMPLETE_MARK).exists() or find_mvn())
    except StartupError:
        return False


def _maven_failure(output: str) -> str:
    errors = [line.removeprefix("[ERROR]").strip() for line in output.splitlines() if line.startswith("[ERROR]")]
    first = next((e for e in errors if e), output.strip().splitlines()[-1] if output.strip() else "no output")
    if re.search(r"Could not (transfer|resolve)|UnknownHost|Connection (refused|timed out)|Network is unreachable",
                 output):
        return f"cannot fetch Apache Kafka {kafka_version()} from Maven Central (offline?): {first[:200]}"
    return f"Maven could not copy Apache Kafka {kafka_version()}: {first[:200]}"


def ensure_kafka_jars(timeout_s: float = 600) -> Path:
    """The jar folder of the pinned release, fetched by Maven the first time; later calls cost a stat.

    The copy goes to a scratch folder renamed into place, under a lock, so that an interrupted fetch
    or two fixtures starting at once never leave a half-filled folder that looks complete.
    """
    target = dist_dir()
    if (target / COMPLETE_MARK).exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / ".fetch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / COMPLETE_MARK).exists():
            return target
        scratch = Path(tempfile.mkdtemp(prefix=".fetch-", dir=target.parent))
        try:
            result = subprocess.run([find_mvn(), "-B", "-q", "-f", str(POM), "dependency:copy-dependencies",
                                     f"-Dkafka.dist.dir={scratch}"],
                                    capture_output=True, text=True, timeout=timeout_s)
            if result.returncode != 0:
                raise StartupError(_maven_failure(result.stdout + result.stderr))
            if not any(scratch.glob("kafka_2.13-*.jar")):
                raise StartupError(f"Maven copied no kafka_2.13 jar into {scratch}; see {POM}")
            (scratch / COMPLETE_MARK).write_text(kafka_version() + "\n")
            shutil.rmtree(target, ignore_errors=True)
            scratch.rename(target)
        except subprocess.TimeoutExpired:
            raise StartupError(f"fetching Apache Kafka took more than {timeout_s:.0f}s (slow network?)") from None
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def new_cluster_id() -> str:
    """What `kafka-storage random-uuid` prints: 16 random bytes, URL-safe base64 without padding. It may start
    with "-", so it is passed as `--cluster-id=<id>`: as a separate word the storage tool took it for an option."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


def java_options() -> list[str]:
    override = os.environ.get("TVP_KAFKA_JAVA_OPTS")
    return override.split() if override else list(JAVA_OPTIONS)


@dataclass
class NodeSettings:
    """What one combined broker+controller needs; `voters` maps node id -> controller port of every voter."""
    node_id: int
    port: int
    controller_port: int
    voters: dict[int, int]
    data_dir: Path
    replication_factor: int = 1
    min_insync_replicas: int = 1
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "data"

    @property
    def properties_file(self) -> Path:
        return self.data_dir / "server.properties"

    def properties(self) -> dict[str, str]:
        rf, isr = str(self.replication_factor), str(self.min_insync_replicas)
        voters = ",".join(f"{node}@127.0.0.1:{port}" for node, port in sorted(self.voters.items()))
        return {
            "process.roles": "broker,controller",
            "node.id": str(self.node_id),
            # A static quorum: the voters are in the configuration, so a node may come back on other ports.
            "controller.quorum.voters": voters,
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(self.log_dir),
            "num.partitions": "3",
            "default.replication.factor": rf,
            "min.insync.replicas": isr,
            "offsets.topic.replication.factor": rf,
            "transaction.state.log.replication.factor": rf,
            "transaction.state.log.min.isr": isr,
            "share.coordinator.state.topic.replication.factor": rf,
            "share.coordinator.state.topic.min.isr": isr,
            # The 3 s default only delays the first join of every group; nothing here benefits from it.
            "group.initial.rebalance.delay.ms": "0",
            # Few threads: two cores are shared with everything else.
            "num.network.threads": "2",
            "num.io.threads": "2",
            "num.recovery.threads.per.data.dir": "1",
            "background.threads": "2",
            "log.cleaner.threads": "1",
            **self.extra,
        }


class KafkaNode(ManagedProcess):
    """One Apache Kafka broker+controller JVM; `start()` formats its storage first if it was never formatted."""

    def __init__(self, settings: NodeSettings, log_file: Path, cluster_id: str | None = None,
                 name: str = "Apache Kafka", jvm_options: list[str] | None = None):
        self.settings = settings
        self.cluster_id = cluster_id
        self.formatted_now = False  # True when the last start() began from empty storage
        self.jvm_options = jvm_options if jvm_options is not None else java_options()
        super().__init__(name, [], log_file, port=settings.port)

    @property
    def formatted(self) -> bool:
        return (self.settings.log_dir / "meta.properties").exists()

    def _classpath(self) -> str:
        return str(ensure_kafka_jars() / "*")

    def _write_properties(self) -> None:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        lines = [f"{key}={value}" for key, value in self.settings.properties().items()]
        self.settings.properties_file.write_text("# written by infra/apache_kafka.py at every start\n"
                                                 + "\n".join(lines) + "\n")

    def _format(self, java: str, classpath: str) -> None:
        cluster_id = self.cluster_id or new_cluster_id()
        result = subprocess.run([java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                                 f"-Dlog4j2.configurationFile={LOG4J_CONFIG}", "-cp", classpath,
                                 "kafka.tools.StorageTool", "format", f"--cluster-id={cluster_id}",
                                 "--config", str(self.settings.properties_file), *self.format_arguments()],
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            last = (result.stdout + result.stderr).strip().splitlines()[-1:] or ["no output"]
            raise StartupError(f"{self.name}: formatting {self.settings.log_dir} failed: {last[0][:200]}")
        self.cluster_id = cluster_id

    def format_arguments(self) -> list[str]:
        """Further arguments of `StorageTool format` (the secured node adds its SCRAM users)."""
        return []

    def start(self) -> "KafkaNode":
        java, classpath = find_java(), self._classpath()
        self._write_properties()
        self.formatted_now = not self.formatted
        if self.formatted_now:
            self._format(java, classpath)
        self.argv = [java, *self.jvm_options, f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
                     "-cp", classpath, "kafka.Kafka", str(self.settings.properties_file)]
        super().start()
        return self


# A controller that starts trusts the broker registrations it finds for broker.session.timeout.ms (9 s by
# default) and refuses a new incarnation of the same node id meanwhile: a single node killed and restarted
# waited those 9 s on itself ("Waiting for the controller to acknowledge that we are caught up") before
# serving. Its broker and controller are one process, so a short session can only expire when that process
# is stopped as a whole, and then it must be re-registered anyway. Not for the clusters: there a node's
# session is how its peers learn that it is gone, and three JVMs on two loaded cores need the slack.
SINGLE_NODE_SESSION = {"broker.session.timeout.ms": "3000", "broker.heartbeat.interval.ms": "500"}


def single_node(port: int, data_dir: Path, log_dir: Path, controller_port: int | None = None) -> KafkaNode:
    """The broker of `tvp up` and of the fixtures: node 1, voter of itself, RF 1."""
    controller_port = controller_port or free_port()
    settings = NodeSettings(1, port, controller_port, {1: controller_port}, data_dir,
                            extra=dict(SINGLE_NODE_SESSION))
    return KafkaNode(settings, log_dir / "kafka.log")


def cluster_size(bootstrap: str, timeout_ms: int = 2000) -> int:
    """How many brokers the cluster's metadata lists (0 when it does not answer)."""
    from shared.messaging.kafka import make_admin

    admin = make_admin(bootstrap, request_timeout_ms=timeout_ms, bootstrap_timeout_ms=timeout_ms)
    try:
        return len(admin.describe_cluster().get("brokers", []))
    finally:
        admin.close()


def active_controller(bootstrap: str, timeout_ms: int = 10000) -> int:
    """The node id of the KRaft quorum's leader (the active controller), from DescribeQuorum."""
    from shared.messaging.kafka import make_admin

    admin = make_admin(bootstrap, request_timeout_ms=timeout_ms, bootstrap_timeout_ms=timeout_ms)
    try:
        quorum = admin.describe_metadata_quorum()
    finally:
        admin.close()
    return quorum_leader(quorum)


def quorum_leader(quorum: dict) -> int:
    """The leader of `__cluster_metadata` in a DescribeQuorum answer (as kafka-python returns it)."""
    leaders = [p["leader_id"] for t in quorum.get("topics", []) if t["topic_name"] == "__cluster_metadata"
               for p in t["partitions"] if p.get("leader_id", -1) >= 0]
    if not leaders:
        raise StartupError(f"the metadata quorum names no leader: {quorum!r:.300}")
    return leaders[0]


class KafkaCluster:
    """`size` combined broker+controller nodes on free ports, all voters, for the tests of replication and faults.

    Topics default to replication factor `size` and min.insync.replicas `size - 1`, so one node may
    be down without refusing acks=all writes.
    """

    def __init__(self, workdir: Path, size: int = 3, jvm_options: list[str] | None = None):
        self.workdir, self.size = workdir, size
        ports = {node: (free_port(), free_port()) for node in range(1, size + 1)}
        voters = {node: controller for node, (_, controller) in ports.items()}
        cluster_id = new_cluster_id()
        options = jvm_options if jvm_options is not None else list(CLUSTER_JAVA_OPTIONS)
        self.nodes = [
            KafkaNode(NodeSettings(node, port, controller, voters, workdir / f"node-{node}",
                                   replication_factor=size, min_insync_replicas=max(1, size - 1)),
                      workdir / "log" / f"kafka-{node}.log", cluster_id=cluster_id,
                      name=f"Apache Kafka node {node}", jvm_options=options)
            for node, (port, controller) in ports.items()]

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{node.port}" for node in self.nodes)

    def start(self, timeout_s: float = 120) -> "KafkaCluster":
        """Start every node and wait until the metadata lists all of them."""
        try:
            for node in self.nodes:
                node.start()
            deadline = time.monotonic() + timeout_s
            for node in self.nodes:
                node.wait_until(lambda: cluster_size(self.bootstrap) == self.size,
                                max(1.0, deadline - time.monotonic()), f"one of {self.size} brokers")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout_s: float = 30) -> None:
        # All at once: stopped one by one, the last nodes lose their quorum and wait for it in vain.
        for node in self.nodes:
            node.signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        for node in self.nodes:
            node.stop(timeout_s=max(1.0, deadline - time.monotonic()))


# ------------------------------------------------------------------ the production listener
# What docker-compose.yml's `kafka` service sets for the EXTERNAL listener, as server.properties
# keys (compose spells them KAFKA_<KEY_UPPER_SNAKE>; tests/unit/test_kafka_external_listener.py
# keeps the two equal). ANONYMOUS is the principal of every PLAINTEXT listener (the services,
# the relays, `tvp topics create`, the controllers among themselves), so it must be a super user.
EXTERNAL_LISTENER = "EXTERNAL"
SCRAM_MECHANISM = "SCRAM-SHA-512"
SECURITY_SETTINGS = {
    "sasl.enabled.mechanisms": SCRAM_MECHANISM,
    "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
    "super.users": "User:ANONYMOUS",
    "allow.everyone.if.no.acl.found": "false",
}
# The broker-side SCRAM login module; compose mounts the same file (KAFKA_OPTS). No secret in it.
JAAS_CONFIG = KAFKA_PROJECT / "kafka_server_jaas.conf"


@dataclass(frozen=True)
class ScramUser:
    """A SCRAM-SHA-512 credential written into the metadata when the storage is formatted."""
    name: str
    password: str

    def storage_argument(self) -> str:
        # kafka-storage format --add-scram 'SCRAM-SHA-512=[name=...,password=...]'
        return f"{SCRAM_MECHANISM}=[name={self.name},password={self.password}]"


def external_listener_settings(settings: NodeSettings, external_port: int, advertised_host: str = "127.0.0.1",
                               admins: tuple[str, ...] = ()) -> dict[str, str]:
    """server.properties overrides that add compose's EXTERNAL SASL/SCRAM listener to a node's PLAINTEXT one."""
    super_users = ";".join([SECURITY_SETTINGS["super.users"], *(f"User:{name}" for name in admins)])
    return {
        "listeners": f"PLAINTEXT://127.0.0.1:{settings.port},CONTROLLER://127.0.0.1:{settings.controller_port},"
                     f"{EXTERNAL_LISTENER}://127.0.0.1:{external_port}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{settings.port},"
                                f"{EXTERNAL_LISTENER}://{advertised_host}:{external_port}",
        "listener.security.protocol.map":
            f"PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,{EXTERNAL_LISTENER}:SASL_PLAINTEXT",
        **SECURITY_SETTINGS,
        "super.users": super_users,
        # As in compose: topics come from `tvp topics create` only.
        "auto.create.topics.enable": "false",
    }


class SecuredKafkaNode(KafkaNode):
    """A node with the production EXTERNAL listener; `scram_users` are created at format time."""

    def __init__(self, settings: NodeSettings, log_file: Path, external_port: int,
                 scram_users: tuple[ScramUser, ...] = (), jvm_options: list[str] | None = None):
        options = jvm_options if jvm_options is not None else java_options()
        super().__init__(settings, log_file, name="Apache Kafka (SASL/SCRAM + ACLs)",
                         jvm_options=[*options, f"-Djava.security.auth.login.config={JAAS_CONFIG}"])
        self.external_port = external_port
        self.scram_users = scram_users

    @property
    def external_bootstrap(self) -> str:
        return f"127.0.0.1:{self.external_port}"

    def format_arguments(self) -> list[str]:
        return [arg for user in self.scram_users for arg in ("--add-scram", user.storage_argument())]


def secured_single_node(port: int, external_port: int, data_dir: Path, log_dir: Path,
                        admins: tuple[ScramUser, ...] = (), advertised_host: str = "127.0.0.1") -> SecuredKafkaNode:
    """A single node configured like compose's `kafka` service: PLAINTEXT for the services (super user
    ANONYMOUS), EXTERNAL SASL_PLAINTEXT SCRAM-SHA-512 for chambers, StandardAuthorizer, no ACL = denied.
    `admins` get SCRAM credentials at format time and are super users on EXTERNAL too; chambers are
    added afterwards through the admin API (`infra.chambers`), as in production."""
    controller_port = free_port()
    settings = NodeSettings(1, port, controller_port, {1: controller_port}, data_dir)
    settings.extra = external_listener_settings(settings, external_port, advertised_host,
                                                tuple(user.name for user in admins))
    return SecuredKafkaNode(settings, log_dir / "kafka.log", external_port, scram_users=admins)


def fetch_if_possible() -> None:
    """`make install`'s step: the jars fetched now, so that the first `tvp up` only starts the broker. Without
    Java or Maven there is nothing to fetch (`tvp up` falls back to Tansu), and a failed fetch is retried there."""
    if not java_available():
        print("Apache Kafka: no java/mvn here; `tvp up` will use the Tansu broker")
        return
    try:
        print(f"Apache Kafka {kafka_version()}: jars in {ensure_kafka_jars()}")
    except StartupError as exc:
        print(f"Apache Kafka: {exc}; `tvp up` will try again")


if __name__ == "__main__":
    fetch_if_possible()
