"""Every consumer example of README.md and docs/streams.md, run as written against the embedded broker.

The code is read from the documents themselves, so the docs cannot drift from what works:
only the bootstrap address (and the group, so runs do not share offsets) is substituted.
The examples bound themselves (they stop after 10 s without news); the tests end them once
they have read the events published (tests/support/example_bounds.py), and the subprocess
timeout is the test's own bound. kcat is a system tool: its tests skip where it is not installed.
"""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from shared.contracts import REGISTRY
from shared.contracts import public as public_contract

from ..support.example_bounds import bounded
from ..support.processes import discard_broker
from ..support.servers import create_platform_topics, start_private_kafka
from .test_subscribe import meeting, publish

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", ROOT / "docs" / "streams.md"]
EMBEDDED = "127.0.0.1:9092"
TOPIC = "tvp.public.meetings.v1"
COUNT = 6


def fenced_blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", path.read_text(encoding="utf-8"), re.S | re.M)


def python_examples(module: str) -> list[tuple[str, str]]:
    return [(f"{path.name}#{n}", code) for path in DOCUMENTS
            for n, code in enumerate(fenced_blocks(path, "python")) if re.search(rf"^from {module} import", code, re.M)]


def kcat_examples() -> list[tuple[str, str]]:
    """kcat commands against the embedded broker: in shell blocks and in inline code."""
    found = []
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8")
        lines = [line for block in fenced_blocks(path, "sh") for line in block.replace("\\\n", " ").splitlines()]
        lines += re.findall(r"`(kcat [^`]+)`", text)
        for line in lines:
            command = line.split("#", 1)[0].strip()
            if command.startswith("kcat ") and EMBEDDED in command:
                found.append((f"{path.name}: {command}", command))
    return found


@pytest.fixture(scope="module")
def meetings(servers, tmp_path_factory):
    """COUNT public meeting events on the examples' topic of a broker of this module's own. The examples only
    read, each from the beginning in a group of its own (`localised`), so they share the broker and its batch
    instead of starting one each."""
    broker = servers  # testcontainers (no embedded broker): the session's one
    if servers.kafka is not None:
        broker = start_private_kafka(servers, tmp_path_factory.mktemp("kafka-log"))
        create_platform_topics(broker)
    batch = [REGISTRY.build(public_contract.MEETING_PUBLISHED, f"m{n}", 1, meeting(n), correlation_id="c").to_dict()
             for n in range(COUNT)]
    try:
        publish(broker.kafka_bootstrap, TOPIC, batch)
        yield broker.kafka_bootstrap, batch
    finally:
        if broker is not servers:
            discard_broker(broker)


def localised(code: str, bootstrap: str) -> str:
    assert EMBEDDED in code and TOPIC in code, "an example that does not read the embedded broker's topic"
    return code.replace(EMBEDDED, bootstrap).replace("my-chamber", f"docs-{uuid.uuid4().hex[:8]}")


def run_python(code: str, events: int, timeout_s: float = 90) -> list[str]:
    """What the example prints, run until it has read `events` events (not for its 10 s idle timeout)."""
    done = subprocess.run([sys.executable, "-c", bounded(code, events)], capture_output=True, text=True,
                          timeout=timeout_s, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines()


def test_the_documents_hold_every_kind_of_example():
    assert len(python_examples("kafka")) == 2          # README and docs/streams.md
    assert len(python_examples("confluent_kafka")) == 1
    assert len(kcat_examples()) == 2


@pytest.mark.parametrize("where,code", python_examples("kafka"), ids=[w for w, _ in python_examples("kafka")])
def test_kafka_python_examples(meetings, where, code):
    bootstrap, batch = meetings
    printed = run_python(localised(code, bootstrap), COUNT)
    assert len(printed) == COUNT, printed
    expected = {e["subject"].split("/")[-1]: e for e in batch}
    for line in printed:
        words = line.split()
        # README prints "<type> <subject> <status> <registrations>", streams.md "<key> <version> <status> <…>"
        key = words[1].split("/")[-1] if words[0].startswith("tr.tvp.") else words[0]
        event = expected.pop(key)
        assert words[-2:] == [event["data"]["status"], str(event["data"]["registrations"])]
    assert not expected


@pytest.mark.parametrize("where,code", python_examples("confluent_kafka"),
                         ids=[w for w, _ in python_examples("confluent_kafka")])
def test_confluent_kafka_example(meetings, where, code):
    bootstrap, batch = meetings
    printed = run_python(localised(code, bootstrap), COUNT)
    assert sorted(printed) == sorted(f"{e['type']} {e['subject']} {e['data']['status']} {e['data']['registrations']}"
                                     for e in batch)


@pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat is not installed (Debian: apt-get install kcat)")
@pytest.mark.parametrize("where,command", kcat_examples(), ids=[w.split(":")[0] for w, _ in kcat_examples()])
def test_kcat_examples(meetings, where, command):
    bootstrap, batch = meetings
    done = subprocess.run(shlex.split(localised(command, bootstrap)), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(json.loads(line)["id"] for line in done.stdout.splitlines() if line.strip()) == \
        sorted(e["id"] for e in batch)
