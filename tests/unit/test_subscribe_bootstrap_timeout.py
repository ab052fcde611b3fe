"""How long `tvp subscribe` tries the bootstrap servers (infra/subscribe.py): 10 s unless the environment says."""
from __future__ import annotations

import pytest

from infra.subscribe import BOOTSTRAP_TIMEOUT_ENV, SubscribeError, bootstrap_timeout_ms


def test_ten_seconds_unless_set(monkeypatch):
    monkeypatch.delenv(BOOTSTRAP_TIMEOUT_ENV, raising=False)
    assert bootstrap_timeout_ms() == 10_000
    monkeypatch.setenv(BOOTSTRAP_TIMEOUT_ENV, "750")
    assert bootstrap_timeout_ms() == 750


@pytest.mark.parametrize("value", ["0", "-5", "1.5", "soon"])
def test_a_timeout_that_is_no_positive_count_of_milliseconds_is_one_line(monkeypatch, value):
    monkeypatch.setenv(BOOTSTRAP_TIMEOUT_ENV, value)
    with pytest.raises(SubscribeError, match=BOOTSTRAP_TIMEOUT_ENV):
        bootstrap_timeout_ms()
