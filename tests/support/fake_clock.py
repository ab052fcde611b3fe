"""A monotonic clock that moves only when a test says so, for policies that take their clock as a parameter."""


class FakeClock:
    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
