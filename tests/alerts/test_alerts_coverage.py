"""Coverage rule (pure): a paused source, one needing credentials, or a busy source gone silent."""

from __future__ import annotations

from datetime import timedelta

from alert_builders import NOW

from alerts.base import SourceView, Window
from alerts.rules import CoverageParams, CoverageRule


def source(i: int, **kw) -> SourceView:  # type: ignore[no-untyped-def]
    kw.setdefault("name", f"source {i}")
    kw.setdefault("platform", "rss")
    kw.setdefault("enabled", True)
    kw.setdefault("status", "ok")
    kw.setdefault("interval_seconds", 600)
    return SourceView(id=i, **kw)


def run(*sources: SourceView, **params):  # type: ignore[no-untyped-def]
    window = Window(start=NOW - timedelta(days=30), end=NOW, sources=sources)
    return CoverageRule().evaluate(CoverageParams(**params), window, NOW)


def busy(i: int, silent: timedelta, **kw) -> SourceView:  # type: ignore[no-untyped-def]
    """A source that brought 100 mentions, one every ~2 hours, the last ``silent`` ago."""
    last = NOW - silent
    return source(
        i, first_mention_at=last - timedelta(hours=198), last_mention_at=last, busy_mentions=100, **kw
    )


def test_paused_disabled_and_credential_less_sources_are_reported_with_the_reason() -> None:
    got = run(
        source(1, status="paused", last_error="HTTP 500 five times"),
        source(2, enabled=False),
        source(3, status="needs_credentials", last_error="401 from reddit"),
        source(4, status="backoff"),  # retrying on its own: not (yet) lost
    )
    assert [m.dedupe_key for m in got] == ["coverage:source:1", "coverage:source:2", "coverage:source:3"]
    assert got[0].summary == "Source 'source 1' (rss) is paused: HTTP 500 five times"
    assert got[2].summary == "Source 'source 3' (rss) needs credentials: 401 from reddit"
    assert got[0].evidence["source"]["status"] == "paused"


def test_a_busy_source_silent_for_several_usual_intervals_is_reported() -> None:
    # usual gap 2 h: quiet for 9 h (4.5 gaps) is normal, 11 h (5.5 gaps) is not
    assert run(busy(1, timedelta(hours=9))) == []
    (got,) = run(busy(1, timedelta(hours=11)))
    assert "has collected nothing for 11.0 h (usually one every 120 min" in got.summary
    assert got.value == 11.0
    assert run(busy(1, timedelta(hours=11)), quiet_intervals=6) == []


def test_a_source_that_was_never_busy_is_not_reported_for_silence() -> None:
    quiet = source(
        1,
        first_mention_at=NOW - timedelta(days=20),
        last_mention_at=NOW - timedelta(days=10),
        busy_mentions=3,
    )
    assert run(quiet) == []
    # the collection interval bounds the usual gap from below: a burst imported at once is no pace
    burst = source(
        2,
        interval_seconds=3600,
        first_mention_at=NOW - timedelta(hours=4, seconds=5),
        last_mention_at=NOW - timedelta(hours=4),
        busy_mentions=50,
    )
    assert run(burst) == []
    assert len(run(burst, quiet_intervals=3)) == 1
