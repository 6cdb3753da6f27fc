"""Helpers shared by the rule types: mention filters, look-back selection, self-explaining evidence."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from alerts.base import MentionView, RuleParams, Series, Window

log = logging.getLogger(__name__)

SAMPLES = 5
MAX_IDS = 100


class MentionFilter(BaseModel):
    """Conditions on single mentions; a mention matches when ANY set condition holds (``match="any"``)
    or ALL do (``"all"``). Blocked authors never match. No condition set: every mention matches."""

    model_config = ConfigDict(extra="forbid")

    crisis_terms: list[str] = Field(default_factory=list, description="terms to find (detected or in text)")
    any_crisis_term: bool = Field(False, description="any crisis term the NLP stage detected")
    topics: list[str] = Field(default_factory=list)
    min_reach: int | None = Field(None, ge=0, description="author reach at least this")
    vip_authors: list[str] = Field(default_factory=list, description="handles that always matter")
    blocked_authors: list[str] = Field(default_factory=list, description="handles never alerted on")
    max_rating: float | None = Field(None, ge=0, description="reviews rated at most this")
    match: Literal["any", "all"] = "any"

    def conditions(self, m: MentionView) -> list[bool]:
        """The truth of each set condition for ``m``."""
        out = []
        if self.crisis_terms:
            wanted = {t.lower() for t in self.crisis_terms}
            text = m.text.lower()
            out.append(bool(wanted & {t.lower() for t in m.crisis_terms}) or any(t in text for t in wanted))
        if self.any_crisis_term:
            out.append(bool(m.crisis_terms))
        if self.topics:
            out.append(bool(set(self.topics) & set(m.topics)))
        if self.min_reach is not None:
            out.append((m.author_reach or 0) >= self.min_reach)
        if self.vip_authors:
            out.append(_handle(m.author_handle) in {_handle(h) for h in self.vip_authors})
        if self.max_rating is not None:
            out.append(m.rating is not None and m.rating <= self.max_rating)
        return out

    def matched_terms(self, m: MentionView) -> list[str]:
        """The crisis terms of ``m`` this filter is about: the listed ones it contains, else (with
        ``any_crisis_term``, or with no terms listed) every term the NLP stage detected."""
        if self.crisis_terms:
            text = m.text.lower()
            detected = {t.lower() for t in m.crisis_terms}
            found = [t.lower() for t in self.crisis_terms if t.lower() in detected or t.lower() in text]
            if found or not self.any_crisis_term:
                return found
        return [t.lower() for t in m.crisis_terms]

    def accepts(self, m: MentionView) -> bool:
        """True when ``m`` passes this filter."""
        if self.blocked_authors and _handle(m.author_handle) in {_handle(h) for h in self.blocked_authors}:
            return False
        conds = self.conditions(m)
        if not conds:
            return True
        return all(conds) if self.match == "all" else any(conds)


def _handle(h: str | None) -> str:
    return (h or "").lower().lstrip("@")


def recent(params: RuleParams, window: Window, now: datetime, minutes: float) -> list[MentionView]:
    """Mentions in ``params.scope`` published in ``(now - minutes, now]``."""
    since = now - timedelta(minutes=minutes)
    return [m for m in window.mentions if since < m.published_at <= now and params.scope.matches(m)]


def partial_fraction(series: Series, interval: timedelta, now: datetime) -> float:
    """How much of the newest bucket of ``series`` has elapsed at ``now`` (1.0 when complete)."""
    if not series:
        return 1.0
    return min(max((now - series[-1][0]) / interval, 0.0), 1.0)


def ids(mentions: Iterable[MentionView]) -> tuple[int | str, ...]:
    """Ids of ``mentions`` (at most 100), highest reach first."""
    ranked = sorted(mentions, key=lambda m: -(m.author_reach or 0))
    return tuple(m.id for m in ranked[:MAX_IDS])


def evidence(
    mentions: Sequence[MentionView],
    *,
    current: float | None = None,
    expected: float | None = None,
    score: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Evidence that explains an alert: current vs expected, score, negative share, top terms and
    hashtags, top authors by reach, platforms and 3–5 sample mentions (negative and far-reaching first)."""
    n = len(mentions)
    negative = sum(1 for m in mentions if m.sentiment_label == "negative")
    terms = Counter(t.lower() for m in mentions for t in (*m.crisis_terms, *m.keyphrases))
    tags = Counter(t.lower() for m in mentions for t in m.hashtags)
    reach: dict[str, int] = {}
    for m in mentions:
        if m.author_handle:
            reach[m.author_handle] = max(reach.get(m.author_handle, 0), m.author_reach or 0)
    top_authors = sorted(reach.items(), key=lambda kv: -kv[1])[:SAMPLES]
    samples = sorted(mentions, key=lambda m: (m.sentiment_label != "negative", -(m.author_reach or 0)))
    out: dict[str, Any] = {
        "current": None if current is None else round(current, 3),
        "expected": None if expected is None else round(expected, 3),
        "score": None if score is None else round(score, 3),
        "mentions": n,
        "negative_share": round(negative / n, 3) if n else None,
        "top_terms": [t for t, _ in terms.most_common(SAMPLES)],
        "top_hashtags": [t for t, _ in tags.most_common(SAMPLES)],
        "top_authors": [{"handle": h, "reach": r} for h, r in top_authors],
        "platforms": dict(Counter(m.platform for m in mentions).most_common()),
        "sample_mention_ids": [m.id for m in samples[:SAMPLES]],
    }
    out.update(extra)
    return out
