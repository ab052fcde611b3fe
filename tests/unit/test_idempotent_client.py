"""The client side of Idempotency-Key: one key per logical write, kept across retries; only transient answers
are retried."""
import pytest
import requests

from infra.idempotent import IdempotentSession, RetryPolicy


def answer(status: int, body: str = "{}", headers=None) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content = status, body.encode()
    response.headers.update(headers or {})
    return response


class FakeSession:
    def __init__(self, *outcomes):
        self.outcomes, self.sent = list(outcomes), []

    def request(self, method, url, headers=None, **kwargs):
        self.sent.append((method, url, dict(headers or {})))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def client(fake, budget_s=60.0):
    waits, now = [], [0.0]

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds
    return IdempotentSession(fake, RetryPolicy(budget_s=budget_s), sleep=sleep, clock=lambda: now[0]), waits


def test_a_write_is_retried_with_the_same_key_until_it_is_answered():
    fake = FakeSession(requests.ConnectionError("refused"), answer(503, headers={"Retry-After": "3"}),
                       requests.ReadTimeout("slow"),
                       answer(409, '{"code": 409, "message": "Idempotency-Key: the first request is running"}'),
                       answer(201))
    session, waits = client(fake)
    assert session.request("POST", "http://x/api/v1/organisations", json={}).status_code == 201
    keys = {headers["Idempotency-Key"] for _, _, headers in fake.sent}
    assert len(fake.sent) == 5 and len(keys) == 1 and len(keys.pop()) >= 16
    assert waits[1] == 3, "Retry-After is honoured"
    assert session.retries == 4


def test_every_logical_write_has_its_own_key_and_a_given_key_is_used():
    fake = FakeSession(answer(201), answer(201), answer(200))
    session, _ = client(fake)
    session.request("POST", "http://x/a")
    session.request("PUT", "http://x/a")
    session.request("PATCH", "http://x/a", key="mine-1")
    first, second, third = (headers["Idempotency-Key"] for _, _, headers in fake.sent)
    assert first != second and third == "mine-1"


@pytest.mark.parametrize("status", [400, 404, 409, 422, 500])
def test_a_final_answer_is_not_retried(status):
    fake = FakeSession(answer(status, '{"code": %d, "message": "Same person twice"}' % status))
    session, waits = client(fake)
    assert session.request("POST", "http://x/a").status_code == status and waits == []


def test_reads_carry_no_key_and_retries_end_with_the_budget():
    fake = FakeSession(*[requests.ConnectionError("refused")] * 100)
    session, waits = client(fake, budget_s=5)
    with pytest.raises(requests.ConnectionError):
        session.request("GET", "http://x/a")
    assert "Idempotency-Key" not in fake.sent[0][2] and sum(waits) <= 5
