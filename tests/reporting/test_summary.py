"""reporting.summarize on the demo data: the crisis day of Acme against the day before, on SQLite
and PostgreSQL; and the count-aware trend test on its own."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from listener.reporting.periods import Range
from listener.reporting.summary import summarize
from listener.reporting.trends import TrendParams, binomial_sf, rising_from_counts
from listener.storage.lookup import resolve_brand
from listener.storage.mentions import brand_condition
from listener.storage.models import Mention
from tests.reporting.conftest import CRISIS_DAY, DEMO_START

DAY = timedelta(days=1)


def labels_of(session, brand_id: int | None, since, until) -> Counter:
    """The labels of the mentions in the window, counted independently of the code under test."""
    stmt = select(Mention.sentiment_label).where(Mention.published_at >= since, Mention.published_at < until)
    if brand_id is not None:
        stmt = stmt.where(brand_condition([brand_id]))
    return Counter(session.scalars(stmt))


def test_crisis_day_against_the_day_before(demo) -> None:
    with demo() as session:
        acme = resolve_brand(session, "Acme")
        rng = Range(CRISIS_DAY, CRISIS_DAY + DAY)
        s = summarize(session, acme, rng)
        now = labels_of(session, acme.id, rng.since, rng.until)
        before = labels_of(session, acme.id, rng.since - DAY, rng.since)
    assert s["previous"] == Range(CRISIS_DAY - DAY, CRISIS_DAY)
    assert s["counts"]["total"] == sum(now.values()) > 50
    assert s["counts"]["negative"] == now["negative"]
    assert s["previous_counts"]["total"] == sum(before.values()) > 0
    assert s["negative_share"] > s["previous_negative_share"]
    assert s["change"] == round((sum(now.values()) - sum(before.values())) / sum(before.values()), 4)
    # hourly buckets for a day, summing to the total
    assert s["interval"] == "hour" and len(s["series"]) == 24
    assert sum(b["total"] for b in s["series"]) == s["counts"]["total"]
    # share of voice: Acme first as own, its two competitors after, shares adding up
    voice = s["share_of_voice"]
    assert [(v["brand"], v["role"]) for v in voice] == [
        ("Acme", "own"), ("Globex", "competitor"), ("Initech", "competitor")
    ]  # fmt: skip
    assert abs(sum(v["share"] for v in voice) - 1) < 0.001
    # what the crisis was about rises; nothing about it existed the days before
    assert "security_privacy" in [t["term"] for t in s["trends"]["topics"]]
    assert "data breach" in [t["term"] for t in s["trends"]["terms"]]
    # platforms add up, authors ranked by influence
    assert sum(n for _, n in s["platforms"]) == s["counts"]["total"]
    influence = [a["influence"] for a in s["authors"]]
    assert influence == sorted(influence, reverse=True) and len(influence) == 10
    assert all(m.sentiment_label == "negative" and m.duplicate_of is None for m in s["samples"]["negative"])
    assert len(s["samples"]["negative"]) == 3


def test_all_brands_counts_each_mention_once(demo) -> None:
    with demo() as session:
        rng = Range(DEMO_START, CRISIS_DAY + DAY)
        s = summarize(session, None, rng)
        expected = labels_of(session, None, rng.since, rng.until)
    assert s["brand"] is None
    assert s["counts"]["total"] == sum(expected.values()) > 400
    assert s["interval"] == "day" and len(s["series"]) == 14
    assert {v["brand"] for v in s["share_of_voice"]} == {"Acme", "Globex", "Initech"}
    assert all(v["role"] == "own" for v in s["share_of_voice"])


def test_without_history_nothing_is_said_to_rise(demo) -> None:
    with demo() as session:
        acme = resolve_brand(session, "Acme")
        s = summarize(session, acme, Range(DEMO_START, DEMO_START + DAY))
    assert s["trends"]["baseline_mentions"] == 0 and s["trends"]["mentions"] > 0
    assert s["trends"]["topics"] == s["trends"]["terms"] == s["trends"]["hashtags"] == []
    assert s["change"] is None and s["previous_negative_share"] is None


def window(n: int, **terms: int) -> tuple[int, dict[str, Counter]]:
    return n, {"topics": Counter(terms), "hashtags": Counter(), "terms": Counter()}


def test_small_counts_are_not_trends_but_real_rises_are() -> None:
    params = TrendParams()
    baseline = window(400, steady=24, grown=8, born=0)
    found = rising_from_counts(window(100, steady=6, grown=20, born=4, newborn=5), baseline, params)
    rising = {t["term"]: t for t in found["topics"]}
    assert "steady" not in rising  # same rate as before
    assert "born" not in rising  # 4 against 0: too few to say
    assert rising["newborn"]["count"] == 5 and rising["newborn"]["baseline_count"] == 0
    assert rising["grown"]["lift"] > 9
    assert list(rising) == ["grown", "newborn"]  # strongest first


def test_binomial_tail_matches_closed_forms() -> None:
    assert binomial_sf(5, 5, 0.2) == 0.2**5
    assert abs(binomial_sf(1, 10, 0.1) - (1 - 0.9**10)) < 1e-12
    assert binomial_sf(0, 3, 0.5) == 1.0 and binomial_sf(4, 3, 0.5) == 0.0
