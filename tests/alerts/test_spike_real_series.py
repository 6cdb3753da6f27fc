"""The default spike detector on real mention volumes: the five NAB realTweets dev series in
``../shared/data`` (read in place, never copied), scored by the scorer that ships with them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from alerts.backtest import backtest_counts, make_detector, read_counts_csv

SPIKES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "spikes"
TICKERS = ("AAPL", "AMZN", "CRM", "CVS", "FB")


@pytest.fixture(scope="module")
def scorer() -> ModuleType:
    path = SPIKES / "nab_score.py"
    if not path.is_file() or not (SPIKES / "nab-realtweets-dev").is_dir():
        pytest.skip(f"real spike data not present at {SPIKES} (see ../shared/data/SOURCES.md)")
    spec = importlib.util.spec_from_file_location("nab_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _total(scorer: ModuleType, detect) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    """NAB standard score (0–100), windows hit and false alarms over the five series."""
    raw = windows = hit = false_alarms = 0.0
    for ticker in TICKERS:
        path, ts, vals, labelled = scorer.load(ticker)
        r, w, h, fa = scorer.score_file(ts, detect(path, ts, vals), labelled)
        raw, windows, hit, false_alarms = raw + r, windows + w, hit + h, false_alarms + fa
    return 100.0 * (raw + windows) / (2 * windows), int(hit), int(false_alarms)


def test_spike_detector_beats_the_zscore_baseline_on_real_mention_counts(scorer: ModuleType) -> None:
    def spike(path, ts, vals):  # type: ignore[no-untyped-def]
        with path.open(encoding="utf-8", newline="") as fh:
            opened = list(backtest_counts(read_counts_csv(fh), make_detector("spike", "medium")))
        return [scorer.parse(o["at"]) for o in opened]

    score, hit, false_alarms = _total(scorer, spike)
    z_score, z_hit, z_false_alarms = _total(
        scorer, lambda path, ts, vals: scorer.baseline("zscore", ts, vals)
    )
    assert score > z_score + 5  # NAB standard profile; the baseline scores about 70
    assert hit >= z_hit
    assert false_alarms <= 30  # fewer than one a week per brand over eight weeks
    assert score >= 75
