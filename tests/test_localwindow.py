"""The in-memory sliding-window counter of the rate limits (collector/localwindow.py)."""
from collector.localwindow import LocalWindows


class Clock:
    def __init__(self, t: float):
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_allows_up_to_the_limit_then_says_when_to_retry():
    clock = Clock(1000 * 60 + 10)
    w = LocalWindows(clock)
    assert all(w.hit(3, 60, ("ip", "a")) is None for _ in range(3))
    assert w.hit(3, 60, ("ip", "a")) == 1001 * 60  # the current window must end first
    assert w.hit(3, 60, ("ip", "b")) is None  # other keys have their own window


def test_the_previous_window_counts_by_its_overlap():
    clock = Clock(60 * 100)
    w = LocalWindows(clock)
    for _ in range(4):
        assert w.hit(4, 60, ("k",)) is None
    clock.t = 60 * 101 + 15  # 3/4 of the previous window still overlaps: weight 3 of 4
    assert w.hit(4, 60, ("k",)) is None  # 3 + 1 <= 4
    reset = w.hit(4, 60, ("k",))
    assert reset is not None and 60 * 101 + 15 < reset <= 60 * 102
    clock.t = reset
    assert w.hit(4, 60, ("k",)) is None
    clock.t = 60 * 103 + 1  # two windows later nothing is remembered
    assert all(w.hit(4, 60, ("k",)) is None for _ in range(4))


def test_stale_keys_are_swept():
    clock = Clock(0)
    w = LocalWindows(clock)
    for i in range(1024):
        w.hit(5, 60, ("ip", str(i)))
    clock.t = 600
    for i in range(1024):
        w.hit(5, 60, ("ip", f"n{i}"))
    assert len(w._windows) <= 1024 + 1
