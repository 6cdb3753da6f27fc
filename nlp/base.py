"""Data types shared by every NLP stage: inputs, brand context and results.

All stages are pure: they read an :class:`NlpInput` (plus an optional :class:`BrandContext`)
and fill one field of the per-item work record; :class:`NlpResult` is what callers keep.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

log = logging.getLogger(__name__)

LABELS = ("positive", "negative", "neutral", "unscored")
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def label_for(
    score: float | None, negative: float = NEGATIVE_THRESHOLD, positive: float = POSITIVE_THRESHOLD
) -> str:
    """Label a score in [-1, 1]: positive >= ``positive`` (0.05), negative <= ``negative`` (-0.05), else
    neutral; None -> unscored. Scored languages use their model's band (nlp.sentiment.label)."""
    if score is None:
        return "unscored"
    if score >= positive:
        return "positive"
    if score <= negative:
        return "negative"
    return "neutral"


@dataclass(slots=True, frozen=True)
class NlpInput:
    """One mention to analyse. ``language`` is the platform's hint; ``rating`` is 1..5 stars."""

    text: str
    title: str | None = None
    language: str | None = None
    rating: float | None = None
    platform: str | None = None
    brand: str | None = None
    kind: str | None = None


@dataclass(slots=True, frozen=True, eq=False)
class BrandContext:
    """A brand as the NLP stages see it: names to find, competitors, products, lexicon overrides.

    ``lexicon`` maps a lower-case word to a valence on VADER's scale (-4..4), e.g. ``{"sick": 2.5}``.
    ``topics`` is an extra taxonomy ``{topic: {language: [phrases]}}`` merged with the global one.
    Instances compare and hash by identity, so the pipeline can cache compiled matchers per brand.
    """

    name: str
    aliases: tuple[str, ...] = ()
    competitors: tuple[BrandContext, ...] = ()
    products: tuple[str, ...] = ()
    lexicon: Mapping[str, float] = field(default_factory=lambda: _EMPTY)
    default_language: str = "en"
    topics: Mapping[str, Mapping[str, list[str]]] = field(default_factory=lambda: _EMPTY)

    @property
    def names(self) -> tuple[str, ...]:
        """The brand name followed by its aliases, without duplicates or blanks."""
        return tuple(dict.fromkeys(n for n in (self.name, *self.aliases) if n and n.strip()))


@dataclass(slots=True)
class Sentiment:
    """A sentiment judgement: score in [-1, 1] (None when unscored), label and drivers."""

    score: float | None
    label: str
    drivers: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: ``{"score", "label", "drivers"}``."""
        return {"score": self.score, "label": self.label, "drivers": self.drivers}


UNSCORED = Sentiment(None, "unscored", [])


@dataclass(slots=True)
class NlpResult:
    """Everything the pipeline found in one mention."""

    language: str
    language_confidence: float
    sentiment: Sentiment
    topics: list[str]
    entities: list[dict[str, str]]
    crisis_terms: list[str]
    keyphrases: list[str]
    brand_sentiment: dict[str, Sentiment]
    versions: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the ``listener score`` output line plus ``brand_sentiment`` and ``versions``)."""
        return {
            "language": self.language,
            "language_confidence": self.language_confidence,
            "sentiment": self.sentiment.to_dict(),
            "topics": self.topics,
            "entities": self.entities,
            "crisis_terms": self.crisis_terms,
            "keyphrases": self.keyphrases,
            "brand_sentiment": {k: v.to_dict() for k, v in self.brand_sentiment.items()},
            "versions": dict(self.versions),
        }
