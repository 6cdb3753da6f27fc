"""Event-level scoring: episodes, precision, recall, delay, false alarms per week; the generator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alerts.evaluation import group_episodes, score_alerts
from alerts.synthetic import PROFILES, profile

T0 = datetime(2025, 1, 6, tzinfo=UTC)
H = timedelta(hours=1)


def test_consecutive_firing_buckets_form_one_episode() -> None:
    times = [T0, T0 + H, T0 + 2 * H, T0 + 10 * H, T0 + 13 * H, T0 + 30 * H]
    episodes = group_episodes(times, H)  # re-arm after 3 quiet buckets
    assert [len(e) for e in episodes] == [3, 2, 1]


def test_scores_count_each_incident_once() -> None:
    incidents = [(T0 + 24 * H, T0 + 30 * H), (T0 + 100 * H, T0 + 102 * H), (T0 + 200 * H, T0 + 210 * H)]
    alerts = [
        T0 + 25 * H,
        T0 + 26 * H,
        T0 + 29 * H,  # two episodes inside the first incident: counted once
        T0 + 101 * H,
        T0 + 50 * H,
        T0 + 51 * H,  # one false episode
        T0 + 150 * H,  # another
    ]
    sc = score_alerts(alerts, incidents, start=T0, end=T0 + 14 * 24 * H, interval=H)
    assert (sc.incidents, sc.detected, sc.false_alarms) == (3, 2, 2)
    assert sc.recall == 2 / 3
    assert sc.precision == 2 / 4
    assert sc.false_alarms_per_week == 1.0
    assert sc.delays == (H, H)
    assert sc.median_delay == H
    assert (sc + sc).incidents == 6


def test_alerts_outside_the_span_are_ignored() -> None:
    sc = score_alerts([T0 - H], [], start=T0, end=T0 + 7 * 24 * H, interval=H)
    assert sc.false_alarms == 0 and sc.precision == 1.0 and sc.recall == 1.0


def test_generator_is_seeded_and_labelled() -> None:
    a, b = profile("medium-hourly", 5), profile("medium-hourly", 5)
    assert a.rows == b.rows and a.incidents == b.incidents
    assert profile("medium-hourly", 6).rows != a.rows
    for name in PROFILES:
        s = profile(name, 0)
        assert s.incidents and all(
            s.start + timedelta(days=s.spec.quiet_days) <= x < y <= s.end for x, y in s.incidents
        )
        assert all(v > 0 for _, v in s.rows)  # zero buckets are left out, as a GROUP BY would
        assert [t for t, _ in s.rows] == sorted(t for t, _ in s.rows)
