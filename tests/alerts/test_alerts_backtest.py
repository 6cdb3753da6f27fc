"""CSV reading (validation with line numbers, interval inference, gap filling) and backtest grouping."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from alerts.backtest import CsvError, backtest_counts, infer_interval, make_detector, read_counts_csv
from alerts.detectors import SeasonalSpikeDetector
from alerts.synthetic import SeriesSpec, generate

T0 = datetime(2025, 1, 6, tzinfo=UTC)


def _csv(text: str) -> list[tuple[datetime, float]]:
    return list(read_counts_csv(io.StringIO(text)))


def test_reads_iso_and_epoch_and_treats_naive_as_utc() -> None:
    rows = _csv("timestamp,value\n2025-01-06T00:00:00,3\n2025-01-06T01:00:00Z,4\n1736128800,5\n")
    assert rows == [(T0, 3.0), (T0 + timedelta(hours=1), 4.0), (T0 + timedelta(hours=2), 5.0)]
    assert all(t.tzinfo is not None for t, _ in rows)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "timestamp,value\n2025-01-06T00:00,1\n2025-01-06T01:00,abc\n",
            "line 3: value 'abc' is not a number",
        ),
        ("timestamp,value\nyesterday,1\n", "line 2: timestamp 'yesterday' is not ISO 8601 or epoch seconds"),
        ("timestamp,value\n2025-01-06T00:00,-2\n", "line 2: value '-2' is negative"),
        ("timestamp,value\n2025-01-06T00:00,1,2\n", "line 2: expected 2 fields"),
        ("time,count\n2025-01-06T00:00,1\n", "line 1: expected header 'timestamp,value'"),
        ("timestamp,value\n2025-01-06T00:00,nan\n", "line 2: value 'nan' is not a finite number"),
        ("timestamp,value\n1736121600000,1\n", "line 2: timestamp '1736121600000' is not epoch seconds"),
        ("", "line 1: empty file"),
    ],
)
def test_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(CsvError) as err:
        _csv(text)
    assert str(err.value).startswith(message)


def test_error_line_counts_blank_lines() -> None:
    with pytest.raises(CsvError, match="line 7: value 'x' is not a number"):
        _csv(
            "timestamp,value\n\n2025-01-06T00:00,1\n2025-01-06T01:00,1\n\n2025-01-06T02:00,1\n2025-01-06T03:00,x\n"
        )


def test_repeated_timestamps_are_summed() -> None:
    rows = _csv("timestamp,value\n2025-01-06T00:00,1\n2025-01-06T01:00,1\n2025-01-06T00:00,2\n")
    assert rows == [(T0, 3.0), (T0 + timedelta(hours=1), 1.0)]


def test_missing_buckets_are_zero_and_rows_sorted() -> None:
    rows = _csv("timestamp,value\n2025-01-06T03:00,7\n2025-01-06T00:00,1\n2025-01-06T01:00,2\n")
    assert [v for _, v in rows] == [1.0, 2.0, 0.0, 7.0]
    assert rows[2][0] == T0 + timedelta(hours=2)


def test_interval_inference_survives_sparse_rows() -> None:
    times = [T0 + timedelta(hours=h) for h in (0, 5, 7, 8, 20, 26)]  # zero buckets left out
    assert infer_interval(times) == timedelta(hours=1)
    jittered = [T0 + timedelta(minutes=m) for m in (0, 61, 119, 182, 240)]
    assert infer_interval(jittered) == timedelta(minutes=60)


def _rows(days: int, spikes: dict[int, float]) -> list[tuple[datetime, float]]:
    spec = SeriesSpec(
        weeks=days // 7 + 1,
        daily_volume=2400.0,
        bursts=0,
        level_shifts=0,
        ramps=0,
        holidays=0,
        outages=0,
        seed=11,
    )
    rows = generate(spec).rows[: days * 24]
    return [(t, v + spikes.get(i, 0.0)) for i, (t, v) in enumerate(rows)]


def test_backtest_groups_firing_buckets_into_one_incident_per_episode() -> None:
    base = 24 * 21
    spikes = {base + i: 2000.0 for i in range(6)} | {base + 48 + i: 2500.0 for i in range(2)}
    rows = _rows(26, spikes)
    opened = list(backtest_counts(rows, SeasonalSpikeDetector()))
    assert [o["at"] for o in opened] == [rows[base][0].isoformat(), rows[base + 48][0].isoformat()]
    assert set(opened[0]) == {"at", "value", "expected", "score", "buckets"}
    assert opened[0]["value"] > opened[0]["expected"] and opened[0]["score"] > 4


def test_backtest_from_csv_end_to_end() -> None:
    rows = _rows(22, {24 * 21 + 3: 3000.0})
    text = "timestamp,value\n" + "".join(f"{t.isoformat()},{v:g}\n" for t, v in rows if v)
    opened = list(backtest_counts(read_counts_csv(io.StringIO(text)), make_detector("spike", "medium")))
    assert len(opened) == 1 and opened[0]["at"] == rows[24 * 21 + 3][0].isoformat()


def test_make_detector_names() -> None:
    assert make_detector("zscore").name == "zscore"
    assert make_detector("ratio").name == "ratio"
    with pytest.raises(ValueError, match="unknown rule"):
        make_detector("nope")
