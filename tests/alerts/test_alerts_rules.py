"""Each rule type on a hand-built Window."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from alert_builders import NOW, make_mention, seasonal_counts
from pydantic import ValidationError

from alerts.base import Match, Window
from alerts.rules import (
    CardinalityParams,
    CardinalityRule,
    CompositeParams,
    CompositeRule,
    FlatlineParams,
    FlatlineRule,
    FrequencyParams,
    FrequencyRule,
    MentionParams,
    MentionRule,
    NegativeShareParams,
    NegativeShareRule,
    NewTermParams,
    NewTermRule,
    ReachSpikeParams,
    ReachSpikeRule,
    SentimentShiftParams,
    SentimentShiftRule,
    SpikeParams,
    SpikeRule,
)

HOUR = timedelta(hours=1)
BUCKET = NOW.replace(minute=0)  # the bucket holding NOW (30 minutes in)


def window(mentions=(), counts=None, **kw) -> Window:  # type: ignore[no-untyped-def]
    return Window(start=NOW - timedelta(days=35), end=NOW, mentions=list(mentions), counts=counts or [], **kw)


def _explains(match: Match) -> None:
    ev = match.evidence
    for key in (
        "current",
        "expected",
        "score",
        "negative_share",
        "top_terms",
        "top_hashtags",
        "top_authors",
        "platforms",
        "sample_mention_ids",
    ):
        assert key in ev
    assert len(ev["sample_mention_ids"]) <= 5
    json.dumps(ev)  # JSON-ready


def test_mention_rule_crisis_terms_vip_blocked_rating() -> None:
    ms = [
        make_mention(crisis_terms=("boycott",), author_handle="angry"),
        make_mention(crisis_terms=("boycott",), author_handle="troll"),
        make_mention(author_handle="ceo_watch"),
        make_mention(rating=1.0, kind="review"),
        make_mention(crisis_terms=("recall",), published_at=NOW - timedelta(hours=2)),  # too old
    ]
    w = window(ms)
    got = MentionRule().evaluate(MentionParams(blocked_authors=["@troll"]), w, NOW)
    assert [m.mention_ids for m in got] == [(ms[0].id,)]
    assert got[0].dedupe_key == "story:term:boycott" and got[0].story == ("term:boycott",)
    _explains(got[0])
    vip = MentionRule().evaluate(MentionParams(any_crisis_term=False, vip_authors=["CEO_watch"]), w, NOW)
    assert [m.mention_ids for m in vip] == [(ms[2].id,)]
    rated = MentionRule().evaluate(MentionParams(any_crisis_term=False, max_rating=2), w, NOW)
    assert [m.mention_ids for m in rated] == [(ms[3].id,)]
    both = MentionParams(crisis_terms=["BOYCOTT"], min_reach=1000, match="all")
    assert MentionRule().evaluate(both, w, NOW) == []


def test_frequency_rule_counts_filtered_mentions_in_window() -> None:
    ms = [make_mention(topics=("delivery",)) for _ in range(4)] + [make_mention()]
    params = FrequencyParams(threshold=4, window_minutes=30, filter={"topics": ["delivery"]})
    got = FrequencyRule().evaluate(params, window(ms), NOW)
    assert len(got) == 1 and got[0].value == 4 and len(got[0].mention_ids) == 4
    _explains(got[0])
    assert FrequencyRule().evaluate(params.model_copy(update={"threshold": 5}), window(ms), NOW) == []


def _spike_counts(last: float) -> list[tuple]:
    counts = seasonal_counts(BUCKET, days=28)
    return [*counts, (BUCKET, last)]


def test_spike_rule_seasonal_fires_on_partial_bucket_and_explains() -> None:
    counts = _spike_counts(0.0)
    normal = counts[-25][1]  # same hour yesterday
    ms = [
        make_mention(sentiment_label="negative", hashtags=("#fail",), author_reach=10 * i) for i in range(8)
    ]
    quiet = SpikeRule().evaluate(SpikeParams(), window(ms, [*counts[:-1], (BUCKET, normal / 2)]), NOW)
    assert quiet == []  # half an hour in, half of normal: nothing to say
    got = SpikeRule().evaluate(SpikeParams(), window(ms, [*counts[:-1], (BUCKET, 4 * normal)]), NOW)
    assert len(got) == 1 and got[0].dedupe_key == "spike"
    assert got[0].expected == pytest.approx(normal / 2, rel=0.3)  # half the bucket has elapsed
    _explains(got[0])
    assert got[0].evidence["top_hashtags"] == ["#fail"]


def test_spike_rule_ratio_mode() -> None:
    counts = [(BUCKET - 2 * HOUR, 0.0), (BUCKET - HOUR, 10.0), (BUCKET, 25.0)]
    got = SpikeRule().evaluate(SpikeParams(mode="ratio", ratio_window_minutes=60), window([], counts), NOW)
    assert len(got) == 1 and got[0].value == 25 and got[0].expected == 10
    assert SpikeRule().evaluate(SpikeParams(mode="ratio", ratio=3), window([], counts), NOW) == []


def test_spike_rule_is_silent_during_warm_up() -> None:
    counts = seasonal_counts(BUCKET, days=2) + [(BUCKET, 10_000.0)]
    assert SpikeRule().evaluate(SpikeParams(), window([], counts), NOW) == []


def test_reach_spike_rule_uses_reach_series() -> None:
    reach = [(t, v * 200) for t, v in _spike_counts(0.0)[:-1]] + [(BUCKET, 5_000_000.0)]
    got = ReachSpikeRule().evaluate(
        ReachSpikeParams(), window([make_mention(author_reach=10**6)], reach=reach), NOW
    )
    assert len(got) == 1 and got[0].dedupe_key == "reach_spike"
    assert ReachSpikeRule().evaluate(ReachSpikeParams(min_reach=10**7), window(reach=reach), NOW) == []


def test_negative_share_rule() -> None:
    ms = [make_mention(sentiment_label="negative") for _ in range(8)] + [make_mention() for _ in range(12)]
    got = NegativeShareRule().evaluate(NegativeShareParams(threshold=0.3, min_mentions=20), window(ms), NOW)
    assert len(got) == 1 and got[0].value == 0.4 and len(got[0].mention_ids) == 8
    _explains(got[0])
    assert NegativeShareRule().evaluate(NegativeShareParams(min_mentions=21), window(ms), NOW) == []
    assert NegativeShareRule().evaluate(NegativeShareParams(threshold=0.5), window(ms), NOW) == []


def test_sentiment_shift_rule() -> None:
    history = [(BUCKET - i * HOUR, 0.3 + 0.05 * (i % 3)) for i in range(4, 200)][::-1]
    ms = [make_mention(sentiment_score=-0.4 + 0.1 * (i % 3), sentiment_label="negative") for i in range(20)]
    got = SentimentShiftRule().evaluate(SentimentShiftParams(), window(ms, sentiment=history), NOW)
    assert len(got) == 1 and got[0].value < 0 < got[0].expected and got[0].score > 3
    _explains(got[0])
    calm = [make_mention(sentiment_score=0.3) for _ in range(20)]
    assert SentimentShiftRule().evaluate(SentimentShiftParams(), window(calm, sentiment=history), NOW) == []


def test_new_term_rule() -> None:
    ms = [make_mention(hashtags=("#BoycottAcme",), keyphrases=("late delivery",)) for _ in range(5)]
    w = window(ms, known_terms=frozenset({"late delivery"}))
    got = NewTermRule().evaluate(NewTermParams(min_mentions=5), w, NOW)
    assert [m.dedupe_key for m in got] == ["new_term:boycottacme"]
    _explains(got[0])
    assert NewTermRule().evaluate(NewTermParams(min_mentions=6), w, NOW) == []


def test_cardinality_rule() -> None:
    ms = [make_mention(author_handle=f"a{i % 6}") for i in range(30)]
    assert len(CardinalityRule().evaluate(CardinalityParams(threshold=5), window(ms), NOW)) == 1
    assert CardinalityRule().evaluate(CardinalityParams(threshold=6), window(ms), NOW) == []


def test_flatline_rule_for_operators() -> None:
    counts = seasonal_counts(BUCKET - 2 * HOUR, days=21)  # then nothing for two hours
    got = FlatlineRule().evaluate(FlatlineParams(), window([], counts), NOW)
    assert len(got) == 1 and got[0].value == 0 and got[0].expected > 20
    assert FlatlineRule.audience == "operators"
    assert (
        FlatlineRule().evaluate(FlatlineParams(), window([], seasonal_counts(BUCKET + HOUR, days=21)), NOW)
        == []
    )


def test_composite_spike_and_negative_share() -> None:
    counts = _spike_counts(0.0)
    spiking = [*counts[:-1], (BUCKET, 4 * counts[-25][1])]
    negative = [make_mention(sentiment_label="negative") for _ in range(15)] + [
        make_mention() for _ in range(10)
    ]
    neutral = [make_mention() for _ in range(25)]
    rule, params = CompositeRule(), CompositeParams()
    got = rule.evaluate(params, window(negative, spiking), NOW)
    assert len(got) == 1 and got[0].dedupe_key == "composite:spike+negative_share"
    assert [p["type"] for p in got[0].evidence["parts"]] == ["spike", "negative_share"]
    assert rule.evaluate(params, window(neutral, spiking), NOW) == []
    either = CompositeParams(op="or", rules=params.rules)
    assert len(rule.evaluate(either, window(neutral, spiking), NOW)) == 1


def test_composite_validates_parts_with_field_names() -> None:
    with pytest.raises(ValidationError, match=r"params\.threshold"):
        CompositeParams(rules=[{"type": "spike"}, {"type": "negative_share", "params": {"threshold": 7}}])
    with pytest.raises(ValidationError, match="cannot contain another composite"):
        CompositeParams(rules=[{"type": "spike"}, {"type": "composite"}])
    with pytest.raises(ValidationError):
        CompositeParams(rules=[{"type": "spike"}])
