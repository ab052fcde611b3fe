"""The relay lease's policy on a fake monotonic clock (mongomock for the document; the real database's behaviour,
transactions included, is tests/integration/reliability/test_relay_lease.py)."""

import mongomock
import pytest

from shared.messaging.lease import LEASES, LeaseLost, RelayLease

from ...support.fake_clock import FakeClock


@pytest.fixture
def db():
    return mongomock.MongoClient()["tvp_members"]


def lease(db, clock, name, ttl_s=6.0):
    return RelayLease(db, "members", ttl_s=ttl_s, holder=name, clock=clock)


def test_the_first_contender_takes_a_free_lease_with_token_1_and_the_second_waits(db):
    clock = FakeClock()
    a, b = lease(db, clock, "a"), lease(db, clock, "b")
    assert a.acquire() and a.token == 1 and a.valid_for()
    assert not b.acquire() and b.token is None and not b.valid_for(0)
    assert db[LEASES].find_one({"_id": "members"})["holder"] == "a"


def test_a_renewing_holder_keeps_the_lease_however_long_a_contender_waits(db):
    clock = FakeClock()
    a, b = lease(db, clock, "a"), lease(db, clock, "b")
    a.acquire()
    for _ in range(20):
        clock.advance(a.renew_every_s)
        assert a.acquire() and a.token == 1
        assert not b.acquire()
    assert a.valid_for()


def test_a_silent_holder_is_taken_over_one_ttl_after_the_contender_first_saw_its_last_renewal(db):
    clock = FakeClock()
    a, b = lease(db, clock, "a"), lease(db, clock, "b")
    a.acquire()
    assert not b.acquire()  # sees (a, 1, beat 0) now
    clock.advance(5.9)
    assert not b.acquire(), "taken before a whole TTL of silence"
    assert b.next_attempt_in() == pytest.approx(0.15)  # the keeper comes back right after the TTL, not a period later
    clock.advance(0.1)
    assert b.acquire() and b.token == 2
    assert db[LEASES].find_one({"_id": "members"})["token"] == 2


def test_the_holder_s_validity_ends_before_any_contender_may_take_over(db):
    """The holder counts from before its renewal was sent, the contender from after it read it."""
    clock = FakeClock()
    a, b = lease(db, clock, "a"), lease(db, clock, "b")
    a.acquire()
    clock.advance(1.0)
    a.renew()  # valid until 1001 + 6
    clock.advance(0.5)
    b.acquire()  # first sees beat 1 at 1001.5: may take over at 1007.5
    clock.advance(5.4)  # 1006.9: the holder is still valid, but no longer for the margin
    assert a.valid_for(0) and not a.valid_for()
    with pytest.raises(LeaseLost):
        a.epoch()
    clock.advance(0.2)  # 1007.1: lapsed for the holder, not yet takeable for the contender
    assert not a.valid_for(0) and not b.acquire()
    clock.advance(0.4)
    assert b.acquire() and b.token == 2


def test_a_stale_holder_cannot_renew_nor_fence_after_a_takeover(db):
    clock = FakeClock()
    a, b = lease(db, clock, "a"), lease(db, clock, "b")
    a.acquire()
    b.acquire()
    clock.advance(6.0)  # a paused (SIGSTOP): the monotonic clock ran on
    assert b.acquire() and b.token == 2
    assert not a.valid_for(0)
    with pytest.raises(LeaseLost):
        a.epoch()
    with pytest.raises(LeaseLost):
        a.fence(None)
    assert a.token is None and not a.acquired.is_set()
    assert not a.renew()
    assert db[LEASES].find_one({"_id": "members"})["holder"] == "b"


def test_a_fence_that_fails_drops_the_lease_even_before_the_keeper_notices(db):
    clock = FakeClock()
    a, b = lease(db, clock, "a"), lease(db, clock, "b")
    a.acquire()
    a_token = a.token
    b.acquire()
    clock.advance(6.0)
    b.acquire()
    a.token = a_token  # as if the keeper had not run yet
    with pytest.raises(LeaseLost, match="token 1"):
        a.fence(None)
    assert a.token is None


def test_a_released_lease_is_taken_at_once_with_a_higher_token(db):
    clock = FakeClock()
    a, b = lease(db, clock, "a"), lease(db, clock, "b")
    a.acquire()
    assert not b.acquire()
    a.release()
    assert not a.held and not a.valid_for(0)
    assert b.acquire() and b.token == 2


def test_a_renewal_in_between_restarts_the_contender_s_wait(db):
    clock = FakeClock()
    a, b = lease(db, clock, "a"), lease(db, clock, "b")
    a.acquire()
    b.acquire()
    clock.advance(4.0)
    a.renew()  # late but before the TTL: still a's
    clock.advance(2.5)
    assert not b.acquire(), "a renewal was missed"
    clock.advance(5.9)
    assert not b.acquire()
    clock.advance(0.2)
    assert b.acquire() and b.token == 2


def test_a_lapsed_holder_that_renews_before_anyone_takes_over_keeps_its_token(db):
    clock = FakeClock()
    a = lease(db, clock, "a")
    a.acquire()
    clock.advance(10.0)  # e.g. the database was away: no renewal, nobody else
    assert not a.valid_for(0)
    assert a.acquire() and a.token == 1 and a.valid_for()


def test_two_contenders_for_an_abandoned_lease_one_wins(db):
    clock = FakeClock()
    dead, b, c = lease(db, clock, "dead"), lease(db, clock, "b"), lease(db, clock, "c")
    dead.acquire()
    b.acquire()
    c.acquire()
    clock.advance(6.0)
    assert [b.acquire(), c.acquire()] == [True, False]
    assert b.token == 2 and c.token is None


def test_a_takeover_first_ends_the_silent_holder_s_sessions_never_its_own(db):
    """A holder killed inside its transaction leaves the lease document locked until the server reaps it (60 s)."""
    clock, ended = FakeClock(), []
    a = RelayLease(db, "members", holder="a", clock=clock, owner="members-worker@h1")
    b = RelayLease(db, "members", holder="b", clock=clock, owner="members-worker-2@h1", end_sessions=ended.append)
    a.acquire()
    b.acquire()
    clock.advance(6.0)
    assert b.acquire() and ended == ["members-worker@h1"]
    restarted = RelayLease(db, "members", holder="b'", clock=clock, owner="members-worker-2@h1",
                           end_sessions=ended.append)
    assert restarted.acquire() and restarted.token == 3, "a restarted slot takes over from its dead self at once"
    assert ended == ["members-worker@h1"], "a slot's successor must not end the sessions it noted itself"
    assert not b.renew(), "the earlier process of the slot, were it alive, is fenced out"


def test_the_fence_is_raised_before_publishing_and_renewals_never_touch_it(db):
    """Renewals write the lease document only: a batch's transaction (which writes the fence) never conflicts
    with them, however long it takes."""
    clock = FakeClock()
    a, b = lease(db, clock, "a"), lease(db, clock, "b")
    a.acquire()
    a.fence(None)
    fence = db[LEASES].find_one({"_id": "members.fence"})
    for _ in range(3):
        clock.advance(2.0)
        a.renew()
    assert db[LEASES].find_one({"_id": "members.fence"}) == fence and fence["token"] == 1
    b.acquire()
    clock.advance(20.0)
    assert b.acquire() and db[LEASES].find_one({"_id": "members.fence"})["token"] == 2
    stale = RelayLease(db, "members", holder="late", clock=clock)
    assert not stale._fenced_in(2), "a fence is never lowered nor raised twice to one token"


def test_the_keeper_tries_again_soon_after_a_database_error_and_a_period_later_after_a_renewal(db):
    from pymongo.errors import AutoReconnect

    from shared.messaging.lease import RETRY_AFTER_ERROR_S

    class Stop:
        """The keeper's stop event: records each pause, and stops after the third."""

        def __init__(self):
            self.pauses: list[float] = []

        def is_set(self) -> bool:
            return len(self.pauses) >= 3

        def wait(self, seconds: float) -> None:
            self.pauses.append(seconds)

    holder = lease(db, FakeClock(), "a")
    outcomes = iter([None, AutoReconnect("database away"), None])

    def acquire():
        outcome = next(outcomes)
        if outcome is not None:
            raise outcome
        return True

    holder.acquire = acquire
    stop = Stop()
    holder.keep(stop)
    assert stop.pauses == [holder.renew_every_s, RETRY_AFTER_ERROR_S, holder.renew_every_s]
    assert RETRY_AFTER_ERROR_S < holder.renew_every_s
