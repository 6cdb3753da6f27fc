"""What the default spike detector does with the shapes real mention counts take: a burst, a level
shift, sparse nights, a weekly cycle (clean synthetic backgrounds, events added by hand)."""

from __future__ import annotations

from datetime import datetime, timedelta

from alerts.backtest import backtest_counts
from alerts.detectors import SeasonalSpikeDetector, replays
from alerts.evaluation import fire_times
from alerts.synthetic import SeriesSpec, generate

HOUR = timedelta(hours=1)
WEEK = timedelta(weeks=1)
CLEAN = dict(bursts=0, level_shifts=0, ramps=0, holidays=0, outages=0)


def _background(**spec: object) -> list[tuple[datetime, float]]:
    """A clean hourly series (zero buckets filled in), daily and weekly cycle and noise only."""
    rows = generate(SeriesSpec(**{**CLEAN, **spec})).rows  # type: ignore[arg-type]
    values = dict(rows)
    return [(t, values.get(t, 0.0)) for t in (rows[0][0] + i * HOUR for i in range(len(rows)))]


def _continue(
    rows: list[tuple[datetime, float]], hours: int, factor: float = 1.0
) -> list[tuple[datetime, float]]:
    """``hours`` more buckets: the same hour one week earlier, times ``factor``."""
    usual = dict(rows)
    out = []
    for i in range(1, hours + 1):
        at = rows[-1][0] + i * HOUR
        usual[at] = usual.get(at - WEEK, 0.0)
        out.append((at, round(factor * usual[at])))
    return out


def test_a_burst_fires_once_and_stays_one_episode_until_it_is_over() -> None:
    history = _background(weeks=3, daily_volume=2400.0, seed=11)
    burst = _continue(history, 6, factor=4.0)
    after = _continue(history + burst, 24)
    det = SeasonalSpikeDetector("medium", HOUR)
    assert fire_times(history, det) == []
    fired = fire_times(burst + after, det)
    assert fired[0] == burst[0][0]  # the first burst hour raises it
    # one episode: every burst hour fires (one incident that grows), and it ends within two hours
    assert fired == [t for t, _ in burst + after][: len(fired)]
    assert burst[-1][0] <= fired[-1] <= burst[-1][0] + 2 * HOUR
    opened = list(backtest_counts(history + burst + after, SeasonalSpikeDetector("medium", HOUR)))
    assert [o["at"] for o in opened] == [burst[0][0].isoformat()]


def test_a_level_shift_becomes_the_baseline_instead_of_alarming_for_days() -> None:
    history = _background(weeks=3, daily_volume=2400.0, seed=12)
    shifted = _continue(history, 5 * 24, factor=2.5)  # news moves the brand to a new, higher level
    det = SeasonalSpikeDetector("medium", HOUR)
    fire_times(history, det)
    fired = fire_times(shifted, det)
    assert fired and fired[0] == shifted[0][0]  # the jump itself is news
    assert max(fired) < shifted[0][0] + timedelta(days=2)  # then the new level is normal
    opened = list(backtest_counts(history + shifted, SeasonalSpikeDetector("medium", HOUR)))
    assert len(opened) == 1


def test_sparse_nights_do_not_fire_but_a_real_night_burst_does() -> None:
    # 120 mentions a day, almost none at night: single mentions at 3 a.m. are normal noise
    history = _background(weeks=4, daily_volume=120.0, daily_amplitude=1.0, seed=13)
    det = SeasonalSpikeDetector("medium", HOUR)
    assert len(fire_times(history, det)) <= 1
    night = history[-1][0].replace(hour=3) + timedelta(days=1)
    quiet = _continue(history, int((night - history[-1][0]) / HOUR) - 1)
    fire_times(quiet, det)
    assert det.update(night, 3.0) is None  # three mentions where well under one is usual
    probe = SeasonalSpikeDetector("medium", HOUR)
    fire_times(history + quiet, probe)
    hit = probe.update(night, 25.0)  # a story breaking overnight
    assert hit is not None and hit.expected < 2


def test_the_weekly_cycle_is_learnt() -> None:
    # weekends at 30% of weekdays; the series starts on a Monday, so 5 weeks + 5 days ends on a Saturday
    history = _background(weeks=5, daily_volume=2400.0, weekend_factor=0.3, seed=14)
    history += _continue(history, 5 * 24 + 12)
    saturday_noon = history[-1][0] + HOUR
    assert saturday_noon.weekday() == 5 and saturday_noon.hour == 12
    values = dict(history)
    usual_saturday, friday = values[saturday_noon - WEEK], values[saturday_noon - timedelta(days=1)]
    assert friday > 2.5 * usual_saturday
    calm = SeasonalSpikeDetector("medium", HOUR).assess_last([*history, (saturday_noon, usual_saturday)])
    assert calm is not None and not calm.firing
    assert 0.7 * usual_saturday <= calm.expected <= 1.4 * usual_saturday  # a weekend level, not a weekday one
    busy = SeasonalSpikeDetector("medium", HOUR).assess_last([*history, (saturday_noon, friday)])
    assert busy is not None and busy.firing  # a weekday's volume on a Saturday is unusual


def test_rules_reuse_a_replayed_history_without_mixing_histories_up() -> None:
    history = _background(weeks=3, daily_volume=2400.0, seed=15)
    now = _continue(history, 1)[0]
    replays.forget()
    cold = SeasonalSpikeDetector("medium", HOUR).assess_last([*history, now], 0.5)
    warm = SeasonalSpikeDetector("medium", HOUR).assess_last([*history, now], 0.5)  # a minute later
    assert cold is not None and warm == cold and not cold.firing
    # the same newest bucket after a burst in the previous hour: still that burst's episode
    burst = [*history[:-1], (history[-1][0], 5 * history[-1][1])]
    during = SeasonalSpikeDetector("medium", HOUR).assess_last([*burst, now], 0.5)
    assert during is not None and during.firing
