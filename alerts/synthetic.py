"""Seeded synthetic mention-volume series with labelled incidents, for tests and benchmarks.

A series is a rate curve times noise: a daily cycle, a weekly cycle (quieter weekends), a trend,
per-day multiplicative noise, per-bucket negative-binomial (or Poisson) noise. Things that are NOT
incidents are mixed in: holidays (quiet days), level shifts, slow ramps, collector outages (runs of
missing buckets), and buckets with no mentions are left out of the rows as a ``GROUP BY`` would.
Incidents are bursts (fast rise, slower decay) of various sizes and durations, labelled (start, end).
"""

from __future__ import annotations

import logging
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

log = logging.getLogger(__name__)

START = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday


@dataclass(frozen=True)
class SeriesSpec:
    """What to generate. Volumes are mentions per day on average before trend and events."""

    interval: timedelta = timedelta(hours=1)
    weeks: int = 8
    daily_volume: float = 500.0
    daily_amplitude: float = 0.7  # 0 = flat day, 1 = silent at night
    weekend_factor: float = 0.7
    trend_per_week: float = 0.01
    dispersion: float = 0.02  # negative-binomial alpha per bucket; 0 = Poisson
    day_noise: float = 0.08  # sd of the log of a per-day volume factor
    outages: int = 1
    holidays: int = 1
    level_shifts: int = 1
    ramps: int = 1
    bursts: int = 6
    burst_volume: tuple[float, float] = (0.15, 2.0)  # extra mentions, in days of average volume
    burst_min_extra: float = 12.0  # a small brand's crisis still brings at least this many mentions
    burst_hours: tuple[float, float] = (1.0, 36.0)
    quiet_days: int = 14  # no incident before this (detectors' warm-up)
    seed: int = 0


@dataclass
class SyntheticSeries:
    """Generated rows (time-ordered, zero buckets omitted) and the labelled incidents."""

    spec: SeriesSpec
    rows: list[tuple[datetime, float]]
    incidents: list[tuple[datetime, datetime]]
    events: list[str] = field(default_factory=list)

    @property
    def start(self) -> datetime:
        """First bucket of the series."""
        return START

    @property
    def end(self) -> datetime:
        """End of the last bucket."""
        return START + timedelta(weeks=self.spec.weeks)


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth below 30, a rounded normal approximation above)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _shape(hour: float, amplitude: float) -> float:
    """Daily cycle: trough before dawn, peak mid-afternoon, a small evening shoulder."""
    x = 2 * math.pi * (hour - 15.0) / 24.0
    return max(0.02, 1 + amplitude * (0.8 * math.cos(x) + 0.2 * math.cos(2 * x)))


def _burst_profile(n: int, rng: random.Random) -> list[float]:
    rise = max(1, round(n * rng.uniform(0.05, 0.3)))
    decay = max(1.0, (n - rise) / 2.5)
    raw = [(i + 1) / rise if i < rise else math.exp(-(i - rise + 1) / decay) for i in range(n)]
    total = sum(raw)
    return [r / total for r in raw]


def generate(spec: SeriesSpec) -> SyntheticSeries:
    """Generate one labelled series from ``spec`` (deterministic for a given seed)."""
    rng = random.Random(spec.seed)
    step = spec.interval
    n = int(timedelta(weeks=spec.weeks) / step)
    per_day = timedelta(days=1) / step
    days = spec.weeks * 7
    day_factor = [math.exp(rng.gauss(0, spec.day_noise)) for _ in range(days + 1)]
    first = spec.quiet_days
    events: list[str] = []
    for _ in range(spec.holidays):
        d = rng.randrange(first // 2, days)
        day_factor[d] *= rng.uniform(0.3, 0.6)
        events.append(f"holiday day {d}")
    level = [1.0] * n
    for _ in range(spec.level_shifts):
        at, factor = rng.randrange(n // 4, n), rng.choice([rng.uniform(0.6, 0.8), rng.uniform(1.25, 1.5)])
        for i in range(at, n):
            level[i] *= factor
        events.append(f"level shift x{factor:.2f} at bucket {at}")
    for _ in range(spec.ramps):
        at, span = rng.randrange(n // 4, n), max(1, round(per_day * rng.uniform(3, 10)))
        top = rng.uniform(1.2, 1.6)
        for i in range(at, n):
            level[i] *= 1 + (top - 1) * min(1.0, (i - at) / span)
        events.append(f"ramp to x{top:.2f} over {span} buckets from {at}")
    mean_rate = spec.daily_volume / per_day
    rates = []
    for i in range(n):
        t = START + i * step
        hour = t.hour + t.minute / 60
        weekly = spec.weekend_factor if t.weekday() >= 5 else 1.0
        cycle = _shape(hour, spec.daily_amplitude) if step < timedelta(days=1) else 1.0
        trend = (1 + spec.trend_per_week) ** (i / (7 * per_day))
        rates.append(mean_rate * cycle * weekly * trend * day_factor[int(i / per_day)] * level[i])
    incidents: list[tuple[datetime, datetime]] = []
    taken: list[tuple[int, int]] = []
    lo = int(first * per_day)
    for _ in range(spec.bursts * 20):
        if len(incidents) >= spec.bursts or lo >= n - 2:
            break
        hours = math.exp(rng.uniform(math.log(spec.burst_hours[0]), math.log(spec.burst_hours[1])))
        length = max(1, round(timedelta(hours=hours) / step))
        at = rng.randrange(lo, n - length)
        if any(at < b + 2 * per_day and a < at + length + 2 * per_day for a, b in taken):
            continue
        days_of_volume = math.exp(rng.uniform(*(math.log(v) for v in spec.burst_volume)))
        extra = max(spec.burst_min_extra, days_of_volume * spec.daily_volume)
        for i, share in enumerate(_burst_profile(length, rng)):
            rates[at + i] += extra * share
        taken.append((at, at + length))
        incidents.append((START + at * step, START + (at + length) * step))
    incidents.sort()
    down = set()
    for _ in range(spec.outages):
        at = rng.randrange(0, n)
        down.update(range(at, min(n, at + max(1, round(timedelta(hours=rng.uniform(1, 8)) / step)))))
    rows = []
    for i, lam in enumerate(rates):
        if i in down:
            continue
        if spec.dispersion > 0:
            lam = rng.gammavariate(1 / spec.dispersion, spec.dispersion * lam)
        value = poisson(rng, lam)
        if value:
            rows.append((START + i * step, float(value)))
    log.debug("generated %d rows, %d incidents, events: %s", len(rows), len(incidents), events)
    return SyntheticSeries(spec, rows, incidents, events)


PROFILES: dict[str, dict] = {
    "big-5min": dict(interval=timedelta(minutes=5), weeks=6, daily_volume=20000.0, dispersion=0.01),
    "big-hourly": dict(daily_volume=20000.0, weeks=10, dispersion=0.01),
    "medium-hourly": dict(daily_volume=300.0, weeks=10),
    "small-hourly": dict(daily_volume=3.0, weeks=12, burst_hours=(1.0, 12.0)),
    "medium-daily": dict(
        interval=timedelta(days=1),
        weeks=52,
        daily_volume=300.0,
        burst_hours=(24.0, 72.0),
        burst_volume=(0.5, 3.0),
        quiet_days=28,
        bursts=5,
    ),
    "small-daily": dict(
        interval=timedelta(days=1),
        weeks=52,
        daily_volume=3.0,
        burst_hours=(24.0, 48.0),
        quiet_days=28,
        bursts=5,
    ),
}


def profile(name: str, seed: int) -> SyntheticSeries:
    """Generate one of the named :data:`PROFILES` with ``seed``."""
    offset = list(PROFILES).index(name)
    return generate(SeriesSpec(seed=seed * 100 + offset, **PROFILES[name]))
