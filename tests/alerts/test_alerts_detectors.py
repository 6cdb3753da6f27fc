"""Detector accuracy guards on labelled synthetic series, plus small streams, warm-up and intervals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.detectors import PRESETS, RatioDetector, RollingZScoreDetector, SeasonalSpikeDetector, Sensitivity
from alerts.detectors.base import scaled_threshold
from alerts.detectors.tails import nb_score
from alerts.evaluation import EventScore, fire_times, group_episodes, score_alerts
from alerts.synthetic import SeriesSpec, SyntheticSeries, generate, profile

FACTORIES = {
    "seasonal": lambda iv: SeasonalSpikeDetector("medium", iv),
    "zscore": lambda iv: RollingZScoreDetector(iv),
    "ratio": lambda iv: RatioDetector(iv),
}
OPEN = {
    "seasonal": (
        lambda iv, thr=4.0: SeasonalSpikeDetector("medium", iv, threshold=thr),
        [3.0 + 0.5 * i for i in range(11)],
    ),
    "zscore": (lambda iv: RollingZScoreDetector(iv, threshold=-1e9), [2.0 + 0.5 * i for i in range(29)]),
    "ratio": (lambda iv: RatioDetector(iv, ratio=0.0), [1.25 + 0.25 * i for i in range(36)]),
}


def _score(s: SyntheticSeries, times: list[datetime]) -> EventScore:
    start = s.start + timedelta(days=s.spec.quiet_days)
    return score_alerts(times, s.incidents, start=start, end=s.end, interval=s.spec.interval)


def _total(scores: list[EventScore]) -> EventScore:
    return sum(scores[1:], scores[0])


@pytest.fixture(scope="module")
def hourly_suite() -> list[SyntheticSeries]:
    return [
        profile(name, seed) for name in ("big-hourly", "medium-hourly", "small-hourly") for seed in (0, 1)
    ]


@pytest.fixture(scope="module")
def defaults(hourly_suite: list[SyntheticSeries]) -> dict[str, EventScore]:
    out = {}
    for name, factory in FACTORIES.items():
        out[name] = _total([_score(s, fire_times(s.rows, factory(s.spec.interval))) for s in hourly_suite])
    return out


def _recall_at(suite: list[SyntheticSeries], name: str, budget: float) -> float:
    """Best recall the detector reaches on ``suite`` with at most ``budget`` false alarms a week."""
    factory, grid = OPEN[name]
    best = 0.0
    for thr in grid:
        if name == "seasonal":  # episodes depend on the threshold: one run per threshold
            fired = [fire_times(s.rows, factory(s.spec.interval, thr)) for s in suite]
        else:  # one open run, its scores cut at each threshold
            fired = [
                [h.at for at, v in s.rows if (h := det.update(at, v)) and h.score >= thr]
                for s in suite
                for det in [factory(s.spec.interval)]
            ]
        sc = _total([_score(s, times) for s, times in zip(suite, fired, strict=True)])
        if sc.false_alarms_per_week <= budget:
            best = max(best, sc.recall)
    return best


def test_seasonal_has_far_fewer_false_alarms_at_defaults(defaults: dict[str, EventScore]) -> None:
    seasonal = defaults["seasonal"]
    assert seasonal.false_alarms_per_week <= 0.2
    for baseline in ("zscore", "ratio"):
        assert seasonal.false_alarms_per_week <= 0.5 * defaults[baseline].false_alarms_per_week
        assert seasonal.precision >= defaults[baseline].precision + 0.2
    assert seasonal.recall >= 0.75


@pytest.mark.parametrize("name", ["big-hourly", "medium-hourly"])
def test_seasonal_recall_at_low_false_alarm_rate_beats_baselines(name: str) -> None:
    suite = [profile(name, seed) for seed in (0, 1, 2)]
    seasonal = _recall_at(suite, "seasonal", 0.1)
    assert seasonal >= 0.7  # tuned on real counts since; what matters here is the margin below
    assert seasonal >= _recall_at(suite, "zscore", 0.1) + 0.1
    assert seasonal >= _recall_at(suite, "ratio", 0.1) + 0.1


def _first_alerts(s: SyntheticSeries, times: list[datetime]) -> list[datetime | None]:
    return [min((t for t in times if a <= t < b), default=None) for a, b in s.incidents]


def _leads(suite: list[SyntheticSeries], baseline: str) -> list[float]:
    """Minutes the seasonal detector's first alert comes before the baseline's, per incident both caught."""
    out = []
    for s in suite:
        mine = _first_alerts(s, fire_times(s.rows, FACTORIES["seasonal"](s.spec.interval)))
        theirs = _first_alerts(s, fire_times(s.rows, FACTORIES[baseline](s.spec.interval)))
        out += [(y - x) / timedelta(minutes=1) for x, y in zip(mine, theirs, strict=True) if x and y]
    return out


def test_seasonal_is_not_later_than_baselines_on_hourly_buckets() -> None:
    suite = [profile("big-hourly", seed) for seed in (0, 1, 2, 3)]
    for baseline in ("zscore", "ratio"):
        leads = _leads(suite, baseline)
        assert len(leads) >= 12
        assert sum(d >= 0 for d in leads) >= 0.8 * len(leads)  # same bucket or earlier, mostly


def test_five_minute_buckets_far_fewer_false_alarms_within_an_hour() -> None:
    suite = [profile("big-5min", seed) for seed in (0, 1, 2)]
    scores = {
        name: _total([_score(s, fire_times(s.rows, f(s.spec.interval))) for s in suite])
        for name, f in FACTORIES.items()
    }
    seasonal = scores["seasonal"]
    assert seasonal.false_alarms_per_week <= 0.25 * scores["zscore"].false_alarms_per_week
    assert seasonal.precision >= scores["zscore"].precision + 0.3
    assert seasonal.recall >= scores["ratio"].recall
    # the finest window on 5-minute buckets is an hour: on real 5-minute mention counts, windows
    # under an hour tripled the false alarms (docs/alert-engine.md), so a burst is seen within the hour
    assert seasonal.median_delay is not None and seasonal.median_delay <= timedelta(hours=1)


@pytest.mark.parametrize("interval", [timedelta(hours=1), timedelta(days=1)])
def test_small_stream_does_not_fire_on_two_mentions(interval: timedelta) -> None:
    spec = SeriesSpec(
        interval=interval, weeks=12, daily_volume=3.0, bursts=0, level_shifts=0, ramps=0, seed=3
    )
    s = generate(spec)
    det = SeasonalSpikeDetector("medium", interval)
    fired = fire_times(s.rows, det)
    episodes = group_episodes(fired, interval)
    assert len(episodes) <= 1  # a quiet 3-a-day stream stays (almost) silent for 12 weeks
    at = s.end
    assert det.update(at, 2.0) is None


def test_small_stream_fires_on_a_real_burst() -> None:
    spec = SeriesSpec(weeks=4, daily_volume=3.0, bursts=0, level_shifts=0, ramps=0, holidays=0, seed=4)
    s = generate(spec)
    det = SeasonalSpikeDetector("medium", spec.interval)
    fire_times(s.rows, det)
    hit = det.update(s.end, 12.0)
    assert hit is not None and hit.value == 12.0 and hit.expected < 2


def test_warm_up_is_silent() -> None:
    det = SeasonalSpikeDetector("high", timedelta(hours=1))
    start = datetime(2025, 1, 1, tzinfo=UTC)
    hits = [
        det.update(start + timedelta(hours=i), 10_000.0 if i % 13 == 0 else 10.0)
        for i in range(det.warmup - 1)
    ]
    assert hits == [None] * (det.warmup - 1)


@pytest.mark.parametrize(
    ("interval", "per_day", "per_week", "finest"),
    [(timedelta(minutes=5), 288, 2016, 12), (timedelta(hours=1), 24, 168, 1), (timedelta(days=1), 1, 7, 1)],
)
def test_periods_follow_the_interval(interval: timedelta, per_day: int, per_week: int, finest: int) -> None:
    det = SeasonalSpikeDetector(interval=interval)
    assert det.profile.period_day == per_day
    assert det.profile.period_week == per_week
    assert det.scales[0] == finest  # one hour of 5-minute buckets; the bucket itself from an hour up


def test_presets_and_threshold_scaling() -> None:
    low, med, high = (PRESETS[s] for s in Sensitivity)
    assert low.threshold > med.threshold > high.threshold
    assert low.min_count >= med.min_count >= high.min_count
    hourly = scaled_threshold(med.threshold, timedelta(hours=1))
    assert (
        scaled_threshold(med.threshold, timedelta(minutes=5))
        > hourly
        > scaled_threshold(med.threshold, timedelta(days=1))
    )
    assert SeasonalSpikeDetector("low", timedelta(hours=1)).threshold == PRESETS[Sensitivity.LOW].threshold


def test_memory_is_bounded_and_interval_inferred() -> None:
    s = profile("medium-hourly", 2)
    det = SeasonalSpikeDetector()  # no interval: inferred from the first two buckets
    fire_times(s.rows, det)
    assert det.interval == timedelta(hours=1)
    assert len(det.profile.series.values) <= 2 * det.profile.series.max_len
    assert det.profile.series.max_len <= 7 * 24 * 7  # about six weeks of hourly buckets


def test_batch_assessment_agrees_with_incremental() -> None:
    s = profile("big-hourly", 1)
    rows = [r for r in s.rows if r[0] < s.start + timedelta(days=30)]
    spike_at = rows[-1][0] + timedelta(hours=1)
    det = SeasonalSpikeDetector(interval=timedelta(hours=1))
    fire_times(rows, det)
    live = det.update(spike_at, 5 * rows[-24][1])
    batch = SeasonalSpikeDetector(interval=timedelta(hours=1)).assess_last(
        [*rows, (spike_at, 5 * rows[-24][1])]
    )
    assert live is not None and batch is not None and batch.firing
    assert batch.expected == pytest.approx(live.expected, rel=0.25)


def test_exact_tail_for_small_counts() -> None:
    assert nb_score(2, 0.125, 1e6) < 3  # two mentions where one in eight hours is normal: not alarming
    assert nb_score(5, 0.125, 1e6) > 5  # five in an hour: very much so
    assert nb_score(5, 0.125, 2.0) < nb_score(5, 0.125, 1e6)  # an uncertain baseline lowers the score
    assert nb_score(10_000, 0.5, 10.0) == pytest.approx(37.0)
    assert nb_score(0, 3.0, 10.0) < 0


def test_a_burst_opens_one_episode_not_a_second_one_after_it() -> None:
    spec = SeriesSpec(
        weeks=3, daily_volume=3.0, bursts=0, level_shifts=0, ramps=0, holidays=0, outages=0, seed=8
    )
    rows = generate(spec).rows
    end = rows[-1][0] + timedelta(hours=1)
    det = SeasonalSpikeDetector(interval=timedelta(hours=1))
    fire_times(rows, det)
    burst = [
        (end + timedelta(hours=i), v)
        for i, v in enumerate([9.0, 4.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0])
    ]
    fired = [h.at for at, v in burst if (h := det.update(at, v)) is not None]
    assert fired and fired[0] == end
    # one episode: the burst hours and one calm hour after them; the 12-hour window holding the
    # burst does not open a second one
    assert fired == [t for t, _ in burst[: len(fired)]]
    assert fired[-1] <= end + timedelta(hours=2)


def test_ratio_reports_the_two_window_sums_it_compared() -> None:
    from datetime import UTC, datetime, timedelta

    det = RatioDetector(timedelta(minutes=30), window=2)  # two 30-minute buckets per window
    start = datetime(2026, 11, 2, tzinfo=UTC)
    hits = [det.update(start + timedelta(minutes=30 * i), v) for i, v in enumerate([3, 4, 9, 6])]
    assert hits[:3] == [None, None, None]
    assert (hits[3].value, hits[3].expected, hits[3].score) == (15.0, 7.0, round(15 / 7, 3))
