"""Replay a count series through a detector as if live, and read count series from CSV.

``backtest_counts`` yields one dict per incident the engine would OPEN: consecutive firing buckets
are one incident; a new one opens only after the series has stayed quiet for the re-arm period.
"""

from __future__ import annotations

import csv
import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from statistics import median
from typing import Any

from alerts.detectors import Detector, RatioDetector, RollingZScoreDetector, SeasonalSpikeDetector
from alerts.detectors.base import as_utc
from alerts.evaluation import default_rearm

log = logging.getLogger(__name__)

SNIFF_ROWS = 500
NICE_INTERVALS = [
    timedelta(minutes=m) for m in (1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720, 1440, 10080)
]


class CsvError(ValueError):
    """A malformed counts CSV; the message names the line: ``line 7: value 'abc' is not a number``."""


def make_detector(
    rule: str = "spike", sensitivity: str = "medium", interval: timedelta | None = None
) -> Detector:
    """Detector for a backtest rule name: ``spike`` (seasonal, the default), ``zscore`` or ``ratio``."""
    if rule in ("spike", "seasonal"):
        return SeasonalSpikeDetector(sensitivity, interval)
    if rule == "zscore":
        return RollingZScoreDetector(interval)
    if rule == "ratio":
        return RatioDetector(interval)
    raise ValueError(f"unknown rule {rule!r}: expected spike, zscore or ratio")


def infer_interval(times: Sequence[datetime]) -> timedelta | None:
    """The bucket interval of sorted ``times`` (None with fewer than two distinct times).

    When the smallest gap divides every gap (bucket-aligned rows, zero buckets possibly left out) it
    is the interval; otherwise (jittered times) the median gap, snapped to a round interval (5 min,
    1 h, 1 day, …) within 10%.
    """
    gaps = [b - a for a, b in zip(times, times[1:], strict=False) if b > a]
    if not gaps:
        return None
    smallest = min(gaps)
    if all(g % smallest == timedelta(0) for g in gaps):
        return smallest
    gap = median(gaps)
    nice = min(NICE_INTERVALS, key=lambda n: abs(n - gap))
    return nice if abs(nice - gap) <= 0.1 * nice else gap


def backtest_counts(
    rows: Iterable[tuple[datetime, float]], detector: Detector, *, rearm: timedelta | None = None
) -> Iterator[dict[str, Any]]:
    """Replay ``rows`` in time order through ``detector``; yield ``{at, value, expected, score,
    buckets}`` per incident opened (``value`` and ``expected`` sum the ``buckets`` newest buckets the
    detector judged, 1 unless a wider window fired). The interval is inferred from the first rows
    when the detector has none."""
    it = iter(rows)
    head: list[tuple[datetime, float]] = []
    if detector.interval is None:
        for row in it:
            head.append((as_utc(row[0]), float(row[1])))
            if len(head) >= SNIFF_ROWS:
                break
        interval = infer_interval(sorted(t for t, _ in head))
        if interval is not None:
            configure = getattr(detector, "configure", None)
            if configure is not None:
                configure(interval)
            else:
                detector.interval = interval
    last_fire: datetime | None = None
    is_open = False
    quiet: timedelta | None = rearm

    def replay() -> Iterator[tuple[datetime, float]]:
        yield from head
        for at, value in it:
            yield as_utc(at), float(value)

    for at, value in replay():
        if quiet is None and detector.interval is not None:
            quiet = default_rearm(detector.interval)
        hit = detector.update(at, value)
        if hit is None:
            if is_open and last_fire is not None and quiet is not None and at - last_fire >= quiet:
                is_open = False
            continue
        last_fire = at
        if not is_open:
            is_open = True
            yield {
                "at": hit.at.isoformat(),
                "value": hit.value,
                "expected": hit.expected,
                "score": hit.score,
                "buckets": hit.buckets,
            }


def _parse_time(text: str, line: int) -> datetime:
    s = text.strip()
    try:
        seconds = float(s)
    except ValueError:
        try:
            return as_utc(datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00")))
        except ValueError:
            raise CsvError(f"line {line}: timestamp {text!r} is not ISO 8601 or epoch seconds") from None
    if not math.isfinite(seconds) or abs(seconds) > 1e11:
        raise CsvError(f"line {line}: timestamp {text!r} is not epoch seconds (milliseconds?)")
    return datetime.fromtimestamp(seconds, UTC)


def _parse_value(text: str, line: int) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise CsvError(f"line {line}: value {text!r} is not a number") from None
    if not math.isfinite(value):
        raise CsvError(f"line {line}: value {text!r} is not a finite number")
    if value < 0:
        raise CsvError(f"line {line}: value {text!r} is negative")
    return value


def read_counts_csv(stream: Iterable[str]) -> Iterator[tuple[datetime, float]]:
    """Parse ``timestamp,value`` CSV (ISO 8601 or epoch seconds; naive = UTC) into sorted buckets.

    Every row is validated first (``CsvError`` names the line); rows are sorted, repeated timestamps
    summed (with a warning); buckets missing where the inferred interval implies them are yielded as 0.
    """
    reader = csv.reader(stream)
    rows: list[tuple[datetime, float, int]] = []
    header_seen = False
    for fields in reader:
        line = reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        if not header_seen:
            names = [f.strip().lstrip("\ufeff").lower() for f in fields]
            if names != ["timestamp", "value"]:
                raise CsvError(f"line {line}: expected header 'timestamp,value', got {','.join(fields)!r}")
            header_seen = True
            continue
        if len(fields) != 2:
            raise CsvError(f"line {line}: expected 2 fields (timestamp,value), got {len(fields)}")
        rows.append((_parse_time(fields[0], line), _parse_value(fields[1], line), line))
    if not header_seen:
        raise CsvError("line 1: empty file, expected header 'timestamp,value'")
    rows.sort(key=lambda r: r[0])
    merged: list[tuple[datetime, float, int]] = []
    for at, value, line in rows:
        if merged and merged[-1][0] == at:  # e.g. local times across a DST change: one bucket, summed
            log.warning(
                "line %d: timestamp %s repeats line %d; values summed", line, at.isoformat(), merged[-1][2]
            )
            merged[-1] = (at, merged[-1][1] + value, merged[-1][2])
        else:
            merged.append((at, value, line))
    rows = merged
    interval = infer_interval([r[0] for r in rows])
    previous: datetime | None = None
    for at, value, _ in rows:
        if previous is not None and interval is not None:
            steps = (at - previous) / interval
            if steps > 1 and abs(steps - round(steps)) < 1e-9:
                for k in range(1, round(steps)):
                    yield previous + k * interval, 0.0
        yield at, value
        previous = at
