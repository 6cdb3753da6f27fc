"""Rule types over sentiment: negative_share and sentiment_shift."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from statistics import median, pstdev
from typing import ClassVar

from pydantic import Field

from alerts.base import Audience, Match, RuleParams, RuleType, Window
from alerts.rules.common import evidence, ids, recent

log = logging.getLogger(__name__)


class NegativeShareParams(RuleParams):
    """Share of negative mentions above ``threshold`` with at least ``min_mentions`` in the window."""

    threshold: float = Field(0.3, gt=0, le=1, description="share of negative mentions, 0–1")
    min_mentions: int = Field(20, ge=1)
    window_minutes: int = Field(60, ge=1, le=7 * 24 * 60)


class NegativeShareRule:
    """Negative share over the look-back; one Match (key ``negative_share``)."""

    type: ClassVar[RuleType] = RuleType.NEGATIVE_SHARE
    Params: ClassVar[type[RuleParams]] = NegativeShareParams
    audience: ClassVar[Audience] = Audience.TEAM

    def evaluate(self, params: NegativeShareParams, window: Window, now: datetime) -> list[Match]:
        """A Match when the share of negative mentions is above the threshold."""
        hits = [m for m in recent(params, window, now, params.window_minutes) if m.sentiment_label]
        if len(hits) < params.min_mentions:
            return []
        negative = [m for m in hits if m.sentiment_label == "negative"]
        share = len(negative) / len(hits)
        if share <= params.threshold:
            return []
        return [
            Match(
                dedupe_key="negative_share",
                summary=f"{share:.0%} of {len(hits)} mentions negative in {params.window_minutes} min "
                f"(threshold {params.threshold:.0%})",
                value=round(share, 4),
                expected=params.threshold,
                mention_ids=ids(negative),
                evidence=evidence(hits, current=share, expected=params.threshold),
            )
        ]


class SentimentShiftParams(RuleParams):
    """Mean sentiment of the look-back far below its own baseline (``window.sentiment`` history)."""

    window_minutes: int = Field(180, ge=1, le=7 * 24 * 60)
    min_mentions: int = Field(15, ge=2)
    min_drop: float = Field(0.2, gt=0, le=2, description="least drop of the mean score (scale −1..1)")
    threshold: float = Field(3.0, gt=0, description="least drop in standard errors")
    baseline_days: int = Field(28, ge=1, le=35)

    def history(self) -> timedelta:
        """The baseline period of the sentiment series."""
        return timedelta(days=self.baseline_days)


class SentimentShiftRule:
    """Drop of the mean sentiment score against the median of past bucket means, in standard errors
    of the current mean (spread of the current scores, floored at 0.15)."""

    type: ClassVar[RuleType] = RuleType.SENTIMENT_SHIFT
    Params: ClassVar[type[RuleParams]] = SentimentShiftParams
    audience: ClassVar[Audience] = Audience.TEAM

    def evaluate(self, params: SentimentShiftParams, window: Window, now: datetime) -> list[Match]:
        """A Match when sentiment fell far and significantly below its baseline."""
        hits = [
            m for m in recent(params, window, now, params.window_minutes) if m.sentiment_score is not None
        ]
        if len(hits) < params.min_mentions:
            return []
        cut = now - timedelta(minutes=params.window_minutes)
        since = now - timedelta(days=params.baseline_days)
        history = [v for t, v in window.sentiment if since <= t < cut and not math.isnan(v)]
        if len(history) < 3:
            return []
        baseline = median(history)
        scores = [m.sentiment_score for m in hits if m.sentiment_score is not None]
        current = sum(scores) / len(scores)
        stderr = max(pstdev(scores), 0.15) / math.sqrt(len(scores))
        drop = baseline - current
        score = drop / stderr
        if drop < params.min_drop or score < params.threshold:
            return []
        negative = [m for m in hits if m.sentiment_label == "negative"] or hits
        return [
            Match(
                dedupe_key="sentiment_shift",
                summary=f"Mean sentiment {current:+.2f} over {params.window_minutes} min against "
                f"{baseline:+.2f} normally ({len(hits)} mentions)",
                value=round(current, 4),
                expected=round(baseline, 4),
                score=round(score, 3),
                mention_ids=ids(negative),
                evidence=evidence(hits, current=current, expected=baseline, score=score, drop=round(drop, 4)),
            )
        ]
