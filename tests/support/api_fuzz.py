"""Property-based API fuzzing of a running service with schemathesis (v4 Python API).

    report = fuzz_api("http://127.0.0.1:8001", headers={"Authorization": "Bearer ..."}, max_examples=25)
    report.assert_clean(min_cases=500)

For every operation of the service's OpenAPI document, schemathesis generates
requests (valid ones, and invalid ones in `negative` mode) and sends them to the
service. Each response is checked: no 5xx, a documented status code and content
type, a body that conforms to the documented schema and the documented headers.
Failures are collected, not raised one by one, so a run always sends its full,
bounded number of cases and reports every distinct failure at the end; hypothesis
does not shrink (a bounded, predictable run time matters more in a test suite).

`known_path_parameters` (e.g. {"organisation_id": "<a real id>"}) adds a second
round for the operations whose path parameters are all known, so the generated
bodies reach existing resources instead of 404.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

DEFAULT_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
                  response_schema_conformance, response_headers_conformance]
MODES = {"positive": schemathesis.GenerationMode.POSITIVE, "negative": schemathesis.GenerationMode.NEGATIVE}


@dataclass
class FuzzReport:
    cases: int = 0
    seconds: float = 0.0
    by_operation: Counter = field(default_factory=Counter)
    operations: set = field(default_factory=set)  # every operation fuzzed (the document's, less the excluded)
    statuses: Counter = field(default_factory=Counter)
    failures: dict = field(default_factory=dict)  # "<operation>: <first line>" -> an example request
    examples: dict = field(default_factory=dict)  # status -> one request that got it, with the answer

    def summary(self) -> str:
        lines = [f"{self.cases} cases in {self.seconds:.1f}s; statuses {dict(sorted(self.statuses.items()))}"]
        lines += [f"  {op}: {n}" for op, n in sorted(self.by_operation.items())]
        if self.failures:
            lines.append(f"{len(self.failures)} distinct failures:")
            lines += [f"- {what}\n    {example}" for what, example in self.failures.items()]
        return "\n".join(lines)

    def assert_clean(self, min_cases: int = 0) -> None:
        assert not self.failures, self.summary()
        assert self.cases >= min_cases, (f"only {self.cases} cases were generated (wanted {min_cases})\n"
                                         + self.summary())
        unreached = sorted(self.operations - set(self.by_operation))
        assert not unreached, f"operations no case reached: {unreached}\n" + self.summary()


def _describe(case, error: BaseException) -> tuple[str, str]:
    if isinstance(error, BaseExceptionGroup):
        errors = list(error.exceptions)
    else:
        errors = [error]
    first = errors[0]
    title = getattr(first, "title", None) or type(first).__name__
    message = (getattr(first, "message", None) or str(first)).strip().splitlines()
    what = f"{case.operation.label}: {title}: {message[0][:200] if message else ''}"
    example = f"{case.method} {case.formatted_path} query={case.query!r} headers={case.headers!r} body={case.body!r}"
    return what, example[:1500]


def fuzz_api(base_url: str, headers: dict | None = None, max_examples: int = 25,
             openapi_path: str = "/api/v1/openapi.json", modes: tuple[str, ...] = ("positive", "negative"),
             checks: list | None = None, known_path_parameters: dict | None = None,
             exclude_operations: tuple[str, ...] = (), seed: int = 0, timeout_s: float = 10.0) -> FuzzReport:
    """Run up to `max_examples` generated cases per operation and mode (and known-id round) against
    the service at `base_url`; returns the report (call `assert_clean`)."""
    base_url = base_url.rstrip("/")
    schema = schemathesis.openapi.from_url(base_url + openapi_path)
    checks = checks or DEFAULT_CHECKS
    report = FuzzReport()
    session = requests.Session()
    known = known_path_parameters or {}
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in exclude_operations:
            continue
        report.operations.add(operation.label)
        path_names = [p.name for p in operation.path_parameters]
        rounds = [None]
        if path_names and all(name in known for name in path_names):
            rounds.append({name: known[name] for name in path_names})
        for path_parameters in rounds:
            for mode in modes:
                strategy = operation.as_strategy(generation_mode=MODES[mode], path_parameters=path_parameters)
                _run(strategy, report, session, base_url, headers or {}, checks, max_examples, seed, timeout_s)
    report.seconds = time.monotonic() - started
    session.close()
    return report


def _run(strategy, report: FuzzReport, session, base_url, headers, checks, max_examples, seed, timeout_s) -> None:
    @hypothesis.seed(seed)
    @hypothesis.settings(max_examples=max_examples, deadline=None, database=None, phases=[Phase.generate],
                         suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet,
                         report_multiple_bugs=False)
    @hypothesis.given(case=strategy)
    def run(case) -> None:
        report.cases += 1
        report.by_operation[case.operation.label] += 1
        try:
            response = case.call(base_url=base_url, session=session, headers=headers, timeout=timeout_s)
            report.statuses[response.status_code] += 1
            if response.status_code not in report.examples:
                report.examples[response.status_code] = (f"{case.method} {case.formatted_path} "
                                                          f"body={case.body!r}"[:300], response.text[:300])
            case.validate_response(response, checks=checks, headers=headers)
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collected, reported at the end
            what, example = _describe(case, error)
            report.failures.setdefault(what, example)

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        pass  # an operation with no input to break (the public calendar feed) has no negative case at all
