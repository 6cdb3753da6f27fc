"""Exact upper-tail scores for small counts (negative binomial), as equivalent Gaussian scores."""

from __future__ import annotations

import logging
import math
from statistics import NormalDist

log = logging.getLogger(__name__)

_NORMAL = NormalDist()
MAX_SCORE = 37.0  # the Gaussian score of the smallest tail a double can hold


def nb_score(observed: float, mean: float, size: float) -> float:
    """Gaussian-equivalent score of seeing ``observed`` or more (mid-p) from a negative binomial with
    ``mean`` and ``size`` (``size`` → ∞ is Poisson). Meant for small means (under ~20)."""
    x = max(0, math.floor(observed))
    if mean <= 0 or x > mean + 40 * math.sqrt(mean * (1 + mean / max(size, 1e-6))) + 60:
        return MAX_SCORE if x > mean else 0.0
    size = max(size, 1e-6)
    q = mean / (size + mean)
    log_pmf = size * math.log(size / (size + mean))  # P(X = 0)
    below = 0.0
    for k in range(x):
        below += math.exp(log_pmf)
        log_pmf += math.log((k + size) / (k + 1)) + math.log(q)
    at = math.exp(log_pmf)
    tail = max(1.0 - below - at, 0.0) + 0.5 * at  # mid-p: P(X > x) + P(X = x) / 2
    if tail <= 0.0:
        return MAX_SCORE
    return min(-_NORMAL.inv_cdf(min(tail, 1 - 1e-12)), MAX_SCORE)
