"""The throttle of data steps: --max-rows-per-second keeps the average rate at the limit,
--sleep-between-batches pauses after every chunk (a fake clock; no wall-clock asserts)."""

from __future__ import annotations

from gitmigrate.data.backfill import Throttle


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_rate_limit_sleeps_just_enough_to_stay_at_the_limit() -> None:
    clock = FakeClock()
    throttle = Throttle(1000, 0, clock, clock.sleep)
    clock.now += 0.25  # the first 500-row chunk took 0.25 s: 0.25 s early for 1,000 rows/s
    throttle.after_chunk(500)
    clock.now += 0.75  # the next one was slow: already behind, no sleep
    throttle.after_chunk(500)
    assert clock.slept == [0.25]
    assert throttle.rows / (clock.now - throttle.started) <= 1000


def test_sleep_between_batches_after_each_chunk_and_nothing_when_off() -> None:
    clock = FakeClock()
    Throttle(0, 0.5, clock, clock.sleep).after_chunk(10)
    Throttle(0, 0, clock, clock.sleep).after_chunk(10)
    assert clock.slept == [0.5]
