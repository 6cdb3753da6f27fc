"""SentimentStage: score, label and drivers per mention, per named brand, blended with star ratings.

- English: nlp.sentiment_en (VADER + complaint rules); Turkish: nlp.sentiment_tr (our lexicon scorer).
  Any other language is ``unscored`` with score None, never a misleading neutral.
- Star ratings (1..5) count: rating score r = (stars - 3) / 2 and, when the text is scored,
  final = 0.6 * r + 0.4 * text, so a polite 1-star review is negative and a 5-star review that grumbles
  about a detail stays positive. A rating on an unscored language gives the rating score alone.
- Brand-targeted: when several brands are named, the text is cut into clauses (sentences, commas,
  ";" and before "but/however/although/ama/fakat/ancak ..."). Each clause belongs to the brands it names;
  a clause naming none belongs to the previous clause's brands. A brand named after "than"/"-den daha"
  in a comparison gets the clause's score reversed. Each brand is scored on its own clauses.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping

from nlp.base import UNSCORED, Sentiment, label_for
from nlp.sentiment_blend import band, blend
from nlp.sentiment_en import score_en
from nlp.sentiment_tr import score_tr

log = logging.getLogger(__name__)

SCORED_LANGUAGES = ("en", "tr")
RATING_WEIGHT = 0.6
CRISIS_LEAN = 0.5
ALPHA = 15.0
_CLAUSE_SPLIT = re.compile(
    r"(?<=[.!?;,\n])\s+|\s+(?=(?:but|however|although|though|whereas|while|yet|unlike|meanwhile|ama|fakat"
    r"|ancak|oysa|halbuki|lakin|ise)\b)",
    re.IGNORECASE,
)
_HANDLE_RE = re.compile(r"(?<![\w@])@\w+")
_THAN = re.compile(r"\bthan\b|\b\w+['’]?(?:den|dan|ten|tan)\s+(?:daha|çok\s+daha)\b", re.IGNORECASE)


def normalize(total: float) -> float:
    """VADER's normalisation of a valence sum into [-1, 1]."""
    return total / math.sqrt(total * total + ALPHA)


def rules_score(
    text: str, language: str, overrides: Mapping[str, float] | None = None
) -> tuple[float, list[dict]] | None:
    """The rule/lexicon scorer's score in [-1, 1] and drivers (VADER + complaint rules for English, the
    Turkish lexicon scorer for Turkish); None for other languages. The trained models take it as input."""
    if "@" in text:
        text = _HANDLE_RE.sub(" ", text)  # @names are names, not words ("@united")
    if language == "en":
        total, drivers = score_en(text, overrides)
    elif language == "tr":
        total, drivers = score_tr(text, overrides)
    else:
        return None
    return normalize(total), drivers


def label(score: float | None, language: str) -> str:
    """Label of a score with ``language``'s neutral band (nlp.sentiment_model.band)."""
    if score is None:
        return "unscored"
    neg, pos = band(language)
    return label_for(score, neg, pos)


def score_text(text: str, language: str, overrides: Mapping[str, float] | None = None) -> Sentiment:
    """Sentiment of ``text`` in ``language``: rules blended with the trained model (unscored for
    languages without a scorer)."""
    found = rules_score(text, language, overrides)
    if found is None:
        return Sentiment(None, "unscored", [])
    score, drivers = blend(language, text, *found, overrides)
    score = round(max(-1.0, min(1.0, score)), 4)
    return Sentiment(score, label(score, language), drivers)


def pull_crisis(sentiment: Sentiment, crisis_terms: list[str], language: str) -> Sentiment:
    """Crisis terms pull the score negative: a text whose crisis terms fire is never labelled positive
    (politeness or quoted praise around "data breach" does not make it good news). A score above
    ``CRISIS_LEAN`` x the language's negative edge is lowered to it (neutral, leaning negative), with a
    ``crisis:<term>`` driver; a negative text stays as it is. Coverage of a crisis (news, explainers) is
    thereby not counted as a wave of negative mentions of its own."""
    if not crisis_terms or sentiment.score is None:
        return sentiment
    neg, _ = band(language)
    ceiling = round(CRISIS_LEAN * neg, 4)
    if sentiment.score <= ceiling:
        return sentiment
    driver = {"rule": f"crisis:{crisis_terms[0]}", "weight": round(ceiling - sentiment.score, 3)}
    return Sentiment(ceiling, label(ceiling, language), [*sentiment.drivers, driver])


def blend_rating(sentiment: Sentiment, rating: float | None, language: str = "") -> Sentiment:
    """Blend a 1..5 star rating into a text sentiment (see module docstring)."""
    if rating is None:
        return sentiment
    try:
        stars = min(max(float(rating), 1.0), 5.0)
    except (TypeError, ValueError):
        return sentiment
    r = (stars - 3.0) / 2.0
    driver = {"rule": f"rating:{stars:g}", "weight": round(r, 3)}
    if sentiment.score is None:
        score = round(r, 4)
    else:
        score = round(RATING_WEIGHT * r + (1 - RATING_WEIGHT) * sentiment.score, 4)
    return Sentiment(score, label(score, language), [*sentiment.drivers, driver])


def brand_sentiments(
    text: str,
    language: str,
    mentions: list[tuple[int, int, str]],
    overall: Sentiment,
    lexicons: Mapping[str, Mapping[str, float]],
) -> dict[str, Sentiment]:
    """Sentiment per brand named in ``text``; ``mentions`` are (start, end, brand) spans."""
    names = list(dict.fromkeys(m[2] for m in mentions))
    if len(names) <= 1 or overall.score is None:
        return {name: overall for name in names}
    clauses = []
    start = 0
    for m in _CLAUSE_SPLIT.finditer(text):
        clauses.append((start, m.start()))
        start = m.end()
    clauses.append((start, len(text)))
    owned: dict[str, list[tuple[str, bool]]] = {n: [] for n in names}
    previous: list[str] = []
    pending: list[str] = []
    for c_start, c_end in clauses:
        clause = text[c_start:c_end]
        here = [(b, s) for s, e, b in mentions if c_start <= s < c_end]
        if not here:
            if previous:
                for b in previous:
                    owned[b].append((clause, False))
            else:
                pending.append(clause)
            continue
        than = _THAN.search(clause)
        brands = list(dict.fromkeys(b for b, _ in here))
        for b in brands:
            first = min(s for bb, s in here if bb == b) - c_start
            reverse = bool(than and first > than.start() and len(brands) > 1)
            for p in pending:
                owned[b].append((p, False))
            owned[b].append((clause, reverse))
        pending = []
        previous = brands
    result = {}
    for b in names:
        total_parts = []
        for clause, reverse in owned[b]:
            s = score_text(clause, language, lexicons.get(b))
            total_parts.append((s, reverse))
        result[b] = _combine(total_parts, language)
    return result


def _combine(parts: list[tuple[Sentiment, bool]], language: str) -> Sentiment:
    if not parts:
        return UNSCORED
    scores = []
    drivers: list[dict] = []
    for s, reverse in parts:
        value = s.score or 0.0
        scores.append(-value if reverse else value)
        drivers.extend(s.drivers)
        if reverse:
            drivers.append({"rule": "comparison:than", "weight": round(-value, 3)})
    score = round(sum(scores) / len(scores), 4) if len(scores) > 1 else round(scores[0], 4)
    return Sentiment(score, label(score, language), drivers[:8])


class SentimentStage:
    """Dispatches to the English or Turkish scorer; blends ratings; scores brands separately."""

    name = "sentiment"
    version = "vader-3.3.2+complaints-1/tr-lexicon-1/models-2-class-label-2/rating-0.6/brand-clauses-1"

    def __call__(
        self, text: str, language: str, rating: float | None, overrides: Mapping[str, float] | None = None
    ) -> Sentiment:
        """Overall sentiment of one text (rating blended in)."""
        base = score_text(text, language, overrides) if text.strip() else UNSCORED
        return blend_rating(base, rating, language)
