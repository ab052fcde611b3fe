"""The restart policy of `tvp up`, with fake processes and a fake clock."""
import pytest

from infra.supervisor import CrashLoop, RestartPolicy, Supervisor

from ..support.fake_clock import FakeClock


class FakeProcess:
    def __init__(self, name: str, fail_starts: int = 0):
        self.name, self.alive, self.starts, self.fail_starts = name, True, 0, fail_starts

    def restart(self) -> None:
        self.starts += 1
        if self.fail_starts:
            self.fail_starts -= 1
            raise RuntimeError("port 9 is taken\nsecond line")
        self.alive = True

    def exit_summary(self) -> str:
        return "killed by signal 9; last log line: boom"


@pytest.fixture
def clock():
    return FakeClock()


def supervisor(clock, lines=None, **policy):
    return Supervisor(RestartPolicy(**policy), clock=clock, report=(lines if lines is not None else []).append)


def die_and_restart(sup, clock, process) -> float:
    """Kill the process and tick until it is running again; the seconds that took."""
    process.alive = False
    started = clock.now
    sup.tick()
    while not process.alive:
        clock.advance(0.1)
        sup.tick()
    return round(clock.now - started, 1)


def test_a_dead_process_is_restarted_after_the_first_backoff(clock):
    lines = []
    sup = supervisor(clock, lines)
    worker = FakeProcess("members worker")
    child = sup.watch(worker, "worker")
    assert sup.tick() is False
    worker.alive = False
    assert sup.tick() is False, "not before the backoff"
    clock.advance(0.4)
    assert sup.tick() is False
    clock.advance(0.1)
    assert sup.tick() is True
    assert worker.alive and worker.starts == 1 and child.restarts == 1
    assert lines == ["members worker died (killed by signal 9; last log line: boom); restarting in 0.5s",
                     "members worker restarted (restart 1)"]


def test_backoff_doubles_up_to_its_ceiling_and_resets_after_a_healthy_minute(clock):
    sup = supervisor(clock, crash_loop_restarts=100)
    database = FakeProcess("SecantusDB")
    sup.watch(database, "server")
    waits = [die_and_restart(sup, clock, database) for _ in range(7)]
    assert waits == pytest.approx([0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0], abs=0.11)  # ticks are 0.1 s apart
    clock.advance(60)
    sup.tick()
    assert die_and_restart(sup, clock, database) == pytest.approx(0.5, abs=0.11)


def test_restart_hook_runs_after_the_restart(clock):
    seen = []
    sup = supervisor(clock)
    broker = FakeProcess("Tansu broker")
    sup.watch(broker, "server", after_restart=lambda p: seen.append((p.name, p.alive)))
    die_and_restart(sup, clock, broker)
    assert seen == [("Tansu broker", True)]


def test_other_processes_are_restarted_independently(clock):
    sup = supervisor(clock)
    web, worker = FakeProcess("events web"), FakeProcess("events worker")
    a, b = sup.watch(web, "web"), sup.watch(worker, "worker")
    die_and_restart(sup, clock, worker)
    assert (a.restarts, b.restarts) == (0, 1) and web.starts == 0


def test_a_crash_loop_gives_up_with_one_line_naming_the_process_and_its_last_words(clock):
    sup = supervisor(clock)
    worker = FakeProcess("reporting worker")
    sup.watch(worker, "worker")
    for _ in range(5):
        die_and_restart(sup, clock, worker)
    worker.alive = False
    with pytest.raises(CrashLoop) as raised:
        sup.tick()
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("reporting worker is in a crash loop (5 restarts within 60s)")
    assert message.endswith("killed by signal 9; last log line: boom")


def test_restarts_spread_over_more_than_the_window_are_no_crash_loop(clock):
    sup = supervisor(clock)
    worker = FakeProcess("members worker")
    sup.watch(worker, "worker")
    for _ in range(12):
        die_and_restart(sup, clock, worker)
        clock.advance(30)  # well apart, but never healthy long enough to reset the backoff
        sup.tick()
    assert worker.alive and worker.starts == 12


def test_a_failed_start_counts_as_another_death(clock):
    lines = []
    sup = supervisor(clock, lines)
    web = FakeProcess("members web", fail_starts=2)
    child = sup.watch(web, "web")
    waited = die_and_restart(sup, clock, web)
    assert waited == pytest.approx(0.5 + 1 + 2, abs=0.11) and child.restarts == 3
    assert "members web could not be restarted: port 9 is taken" in lines


def test_a_failing_start_loops_into_giving_up(clock):
    sup = supervisor(clock)
    sup.watch(FakeProcess("members web", fail_starts=99), "web").process.alive = False
    with pytest.raises(CrashLoop):
        for _ in range(1000):
            clock.advance(0.5)
            sup.tick()
