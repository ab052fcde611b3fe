"""Bad input is never a 5xx (contract, "Reliability (v2)"): hypothesis sends generated JSON (deep, wide,
huge numbers, odd unicode, wrong types, not JSON at all) with odd headers to every operation of every
service, taken from the services' own OpenAPI documents, through gunicorn. Every answer is below 500,
and every error answer is the contract's JSON body.

Bounded: EXAMPLES per operation (about 46 operations, every one reached; TVP_FUZZ_DEPTH searches deeper, see
tests/support/fuzz_depth.py), no shrinking, well under 90 s. Failures are collected, not raised one by one, so one
run reports them all.
"""
from __future__ import annotations

import json
import random
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ..support.fuzz_depth import examples, time_bound
from .test_events_fuzz import active_host

# The API fuzzers keep the CPU busy (and each has a time bound): under pytest-xdist they run one after another on
# one worker (tests/support/parallel.py), beside the tests that mostly wait.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("fuzzers")]

EXAMPLES = examples(10)
WRITES = ("post", "put", "patch", "delete")

# -- what is sent ----------------------------------------------------------------------------------

odd_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["", " ", "\u0000", "İstanbul", "ﷺ", "🦄" * 30, "a\u0301" * 10, "\u202e", "null", "1e999", "-0", "NaN"])
huge_numbers = st.integers(min_value=-(10 ** 40), max_value=10 ** 40) | st.sampled_from(
    [2 ** 63, -(2 ** 63) - 1, 2 ** 64, 10 ** 300]) | st.floats(allow_nan=False, allow_infinity=False)
scalars = st.none() | st.booleans() | huge_numbers | odd_text
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=6) | st.dictionaries(odd_text, inner, max_size=6), max_leaves=25)


def _nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


raw_bodies = st.one_of(
    st.integers(20, 2000).map(_nested),                                        # deep
    st.integers(100, 1000).map(lambda n: json.dumps({f"k{i}": i for i in range(n)}).encode()),  # wide
    st.sampled_from([b'{"amount": 1e400}', b'{"employees": ' + b"9" * 5000 + b"}", b"[1e999999]",
                     b'{"name": "\\ud800"}', b"\xff\xfe{", b"{", b"", b"null", b'"x"', b"[]"]),
    st.binary(max_size=200),
)
odd_headers = st.fixed_dictionaries({}, optional={
    "Content-Type": st.sampled_from(["text/plain", "application/json; charset=latin-1", "application/xml",
                                     "multipart/form-data; boundary=x", "application/json;;;", "*/*"]),
    "If-Match": st.sampled_from(['"1"', '"-1"', '"99999999999999999999999"', "W/\"1\"", "*", "", "garbage", '"a"']),
    "Idempotency-Key": st.sampled_from(["k", "x" * 255, "x" * 256, "a b", "é", "\x7f", uuid.uuid4().hex]),
    "X-Correlation-Id": st.sampled_from(["x" * 2000, "", "ünïcödé", "a b c"]),
    "Accept": st.sampled_from(["text/html", "application/xml", "*/*", "image/png"]),
})


def _schema(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def body_for(document: dict, operation: dict):
    """Bodies that reach the operation's validation: its own field names with hostile values, or hostile JSON."""
    content = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
    names = list(_schema(document, content["schema"]).get("properties", {})) if content else []
    shaped = st.dictionaries(st.sampled_from(names), json_values, max_size=len(names)) if names else st.nothing()
    return st.one_of(shaped, json_values.map(lambda v: json.dumps(v).encode()), raw_bodies)


# -- where it is sent ------------------------------------------------------------------------------

def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if method in ("get", *WRITES):
                yield path, method, operation


def _fill(path: str, known: dict, rnd: random.Random) -> str:
    for name in [part[1:-1] for part in path.split("/") if part.startswith("{")]:
        value = known.get(name) if rnd.random() < 0.6 else rnd.choice(["x", "0" * 24, "%00", "..", "ü" * 3])
        path = path.replace("{" + name + "}", requests.utils.quote(value or "missing", safe=""))
    return path


def _contract_error(response: requests.Response) -> str | None:
    """None if the answer is fine: below 500 and, if an error, the contract's JSON body."""
    if response.status_code >= 500:
        return f"{response.status_code}: {response.text[:200]}"
    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            return f"{response.status_code} not JSON: {response.text[:200]}"
        if body.get("code") != response.status_code or not body.get("status"):
            return f"{response.status_code} not the contract's body: {response.text[:200]}"
    return None


def fuzz_operation(base: str, admin: dict, known: dict, document: dict, path: str, method: str, operation: dict,
                   failures: dict) -> int:
    """EXAMPLES hostile requests to one operation; what breaks the contract goes into `failures`."""
    rnd = random.Random(path + method)
    sent = 0
    query_names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"] or ["q"]

    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(body=body_for(document, operation), headers=odd_headers,
           query=st.dictionaries(st.sampled_from(query_names), odd_text, max_size=3))
    def send(body, headers, query):
        nonlocal sent
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **admin, **headers}
        if "Idempotency-Key" in headers and len(headers["Idempotency-Key"]) < 200:
            headers["Idempotency-Key"] += uuid.uuid4().hex[:8]  # a fresh key: replays are not what is fuzzed
        try:
            response = requests.request(method, base + _fill(path, known, rnd), params=query,
                                        data=data if method in WRITES else None,
                                        headers={k: v.encode("utf-8") for k, v in headers.items()}, timeout=30)
        except requests.RequestException as exc:
            failures.setdefault(f"{method.upper()} {path}: no answer", repr(exc)[:200])
            return
        sent += 1
        problem = _contract_error(response)
        if problem:
            shown = {k: v[:40] for k, v in headers.items() if k != "Authorization"}
            failures.setdefault(f"{method.upper()} {path}: {problem.splitlines()[0][:120]}",
                                f"body={data[:200]!r} headers={shown}")

    send()
    return sent


def hammer(base: str, admin: dict, known: dict) -> tuple[int, dict]:
    document = requests.get(f"{base}/api/v1/openapi.json", timeout=10).json()
    failures: dict = {}
    sent = 0
    for path, method, operation in operations(document):
        reached = fuzz_operation(base, admin, known, document, path, method, operation, failures)
        if not reached:
            failures.setdefault(f"{method.upper()} {path}: no hostile request reached it", "")
        sent += reached
    return sent, failures


# -- the services and real ids, so that requests also reach existing resources ---------------------

@pytest.fixture(scope="module")
def members(service_factory, admin):
    base, _ = service_factory("members")
    org = requests.post(f"{base}/api/v1/organisations", headers=admin, timeout=10,
                        json={"name": "Fuzz TSO", "kind": "chamber", "province": "Edirne"}).json()
    person = requests.post(f"{base}/api/v1/people", headers=admin, timeout=10, json={
        "organisation_id": org["id"], "full_name": "Fuzz Kişi", "email": "fuzz@example.com"}).json()
    return base, {"organisation_id": org["id"], "person_id": person["id"], "code": "board"}


@pytest.fixture(scope="module")
def events(service_factory, servers, admin):
    base, database = service_factory("events")
    ids = active_host(servers, database)
    starts = datetime.now(ZoneInfo("Europe/Istanbul")).replace(microsecond=0) - timedelta(hours=1)
    meeting = requests.post(f"{base}/api/v1/meetings", headers=admin, timeout=10, json={
        "kind": "workshop", "title": "Fuzz workshop", "host_organisation_id": ids["organisation_id"],
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat()}).json()
    registration = requests.post(f"{base}/api/v1/meetings/{meeting['id']}/registrations", headers=admin, timeout=10,
                                 json={"person_id": ids["person_id"]}).json()
    return base, {"meeting_id": meeting["id"], "registration_id": registration.get("id"),
                  "organisation_id": ids["organisation_id"]}


@pytest.fixture(scope="module")
def reporting(service_factory, admin):
    base, _ = service_factory("reporting")
    expenditure = requests.post(f"{base}/api/v1/expenditures", headers=admin, timeout=10, json={
        "date": "2026-03-01", "budget_line": "travel", "amount": "10.00", "currency": "EUR",
        "description": "fuzz"}).json()
    report = requests.post(f"{base}/api/v1/reports", headers=admin, timeout=30,
                           json={"period": "2026-Q1", "kind": "interim"}).json()
    return base, {"expenditure_id": expenditure["id"], "report_id": report["id"]}


def test_hostile_input_to_every_operation_of_every_service_is_never_a_5xx(members, events, reporting, admin):
    started = time.monotonic()
    report = {}
    for name, (base, known) in (("members", members), ("events", events), ("reporting", reporting)):
        report[name] = hammer(base, admin, known)
    seconds = time.monotonic() - started
    sent = sum(n for n, _ in report.values())
    failures = {f"{name} {what}": example for name, (_, found) in report.items() for what, example in found.items()}
    print(f"{sent} hostile requests in {seconds:.1f} s", {name: n for name, (n, _) in report.items()})
    assert not failures, "\n".join(f"- {what}\n    {example}" for what, example in failures.items())
    assert sent >= 40 * EXAMPLES
    assert seconds < time_bound(90)
