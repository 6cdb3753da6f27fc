"""What is rising: topics, hashtags and terms (keyphrases) whose share of a brand's mentions in a
range is above their share in the baseline before it, by a count-aware test.

The test: with ``c`` mentions carrying a term in the range (of ``N`` mentions) and ``b`` in the
baseline (of ``M``), if the term's rate had not changed, ``c`` would be binomial with ``n = c + b``
trials and ``p0 = N / (N + M)``. The p-value is ``P[X ≥ c]``; a term rises when it has at least
``min_count`` mentions in the range, ``p < alpha`` and its smoothed lift ``(c / N) / ((b + 0.5) /
M)`` is at least ``min_lift``. So with a baseline four periods long and the same volume, 4 against 0
is no trend (too few), 5 against 0 is (p = 0.2⁵), 6 against 6 is not (p ≈ 0.02) and 40 against 20
is. The baseline is the ``baseline_periods`` periods of the same
length just before the range; without any baseline mention nothing can be said to rise.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.reporting.periods import Range
from listener.storage.mentions import MentionFilter, apply_filter
from listener.storage.models import Mention

KINDS = ("topics", "hashtags", "terms")


@dataclass(frozen=True, slots=True)
class TrendParams:
    """How strict the test is (defaults suit a brand with a few hundred mentions a week)."""

    min_count: int = 5
    alpha: float = 0.01
    min_lift: float = 1.5
    baseline_periods: int = 4
    limit: int = 10


DEFAULTS = TrendParams()


def binomial_sf(c: int, n: int, p: float) -> float:
    """``P[X ≥ c]`` for ``X ~ Binomial(n, p)``, summed in log space (exact; n up to ~10⁶)."""
    if c <= 0:
        return 1.0
    if c > n or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    lp, lq = math.log(p), math.log1p(-p)
    log_terms = [
        math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * lp + (n - k) * lq
        for k in range(c, n + 1)
    ]
    top = max(log_terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in log_terms))


def _features(topics: Any, keyphrases: Any) -> dict[str, set[str]]:
    phrases = [str(k) for k in (keyphrases or [])]
    return {
        "topics": {str(t) for t in (topics or [])},
        "hashtags": {k.lower() for k in phrases if k.startswith("#")},
        "terms": {k for k in phrases if not k.startswith("#")},
    }


def count_features(session: Session, f: MentionFilter) -> tuple[int, dict[str, Counter[str]]]:
    """How many mentions match ``f`` (copies of a near-duplicate left out), and per kind how many of
    them carry each topic, hashtag and term (a mention counts once per feature)."""
    stmt = apply_filter(select(Mention.topics, Mention.keyphrases), replace(f, hide_duplicates=True))
    total = 0
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    for topics, keyphrases in session.execute(stmt.execution_options(yield_per=2000)):
        total += 1
        for kind, values in _features(topics, keyphrases).items():
            counts[kind].update(values)
    return total, counts


def rising_from_counts(
    current: tuple[int, dict[str, Counter[str]]],
    baseline: tuple[int, dict[str, Counter[str]]],
    params: TrendParams = DEFAULTS,
    kinds: Iterable[str] = KINDS,
) -> dict[str, list[dict[str, Any]]]:
    """The rising features per kind from the two windows' ``count_features``, strongest first (by
    p-value, then lift, then count)."""
    n_cur, cur = current
    n_base, base = baseline
    out: dict[str, list[dict[str, Any]]] = {}
    for kind in kinds:
        found = []
        if n_cur and n_base:
            p0 = n_cur / (n_cur + n_base)
            for term, c in cur[kind].items():
                if c < params.min_count:
                    continue
                b = base[kind].get(term, 0)
                lift = (c / n_cur) / ((b + 0.5) / n_base)
                if lift < params.min_lift:
                    continue
                p_value = binomial_sf(c, c + b, p0)
                if p_value < params.alpha:
                    found.append(
                        {"term": term, "count": c, "baseline_count": b, "lift": round(lift, 2),
                         "share": round(c / n_cur, 4), "baseline_share": round(b / n_base, 4),
                         "p_value": float(f"{p_value:.3g}")}
                    )  # fmt: skip
        found.sort(key=lambda t: (t["p_value"], -t["lift"], -t["count"], t["term"]))
        out[kind] = found[: params.limit]
    return out


def baseline_range(rng: Range, periods: int) -> Range:
    """The ``periods`` periods of ``rng``'s length just before it."""
    return Range(rng.since - rng.length * periods, rng.since)


def rising(session: Session, f: MentionFilter, rng: Range, params: TrendParams = DEFAULTS) -> dict[str, Any]:
    """Rising topics, hashtags and terms of the mentions matching ``f`` (its time bounds replaced by
    ``rng``) against the baseline before ``rng``, with the mention counts of both windows and the
    most common of each kind in the range (``top``: ``[(term, mentions)]``)."""
    base_rng = baseline_range(rng, params.baseline_periods)
    current = count_features(session, replace(f, since=rng.since, until=rng.until))
    baseline = count_features(session, replace(f, since=base_rng.since, until=base_rng.until))
    return {
        "mentions": current[0],
        "baseline_mentions": baseline[0],
        "baseline": {"since": base_rng.since, "until": base_rng.until},
        "top": {kind: current[1][kind].most_common(params.limit) for kind in KINDS},
        **rising_from_counts(current, baseline, params),
    }
