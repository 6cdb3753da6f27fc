"""Contracts of the alert engine's pure core: rule types, the Window a rule reads, the Match it returns.

The engine (not here) loads enabled rules, builds a :class:`Window` per rule (mentions in the look-back
plus bucketed count series for history, with the rule's scope applied), calls ``Rule.evaluate`` and
owns everything after: grouping into incidents, cooldown on ``(rule_id, match.dedupe_key)``,
silences, persistence and delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

log = logging.getLogger(__name__)

Series = list[tuple[datetime, float]]
SentimentLabel = Literal["positive", "neutral", "negative"]


class RuleType(StrEnum):
    """Every rule type; :data:`alerts.rules.RULES` maps each to its class."""

    MENTION = "mention"
    FREQUENCY = "frequency"
    SPIKE = "spike"
    NEGATIVE_SHARE = "negative_share"
    SENTIMENT_SHIFT = "sentiment_shift"
    NEW_TERM = "new_term"
    CARDINALITY = "cardinality"
    REACH_SPIKE = "reach_spike"
    FLATLINE = "flatline"
    COMPOSITE = "composite"
    COVERAGE = "coverage"


class Audience(StrEnum):
    """Who a rule's alerts are for: the brand team, or the operators running Listener."""

    TEAM = "team"
    OPERATORS = "operators"


@dataclass(frozen=True, slots=True)
class MentionView:
    """A light, read-only record of one analysed mention, as rules see it."""

    id: int | str
    published_at: datetime
    brand_id: int | None = None
    platform: str = ""
    kind: str = "post"
    language: str | None = None
    sentiment_label: str | None = None
    sentiment_score: float | None = None
    topics: tuple[str, ...] = ()
    crisis_terms: tuple[str, ...] = ()
    keyphrases: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    author_handle: str | None = None
    author_reach: int | None = None
    rating: float | None = None
    url: str | None = None
    text: str = ""  # a snippet, never the whole text
    query_ids: tuple[int, ...] = ()
    cluster_id: int | str | None = None  # the near-duplicate cluster's root (its own id when none)


@dataclass(frozen=True, slots=True)
class SourceView:
    """What a coverage rule knows of one source feeding a brand: its state, its usual pace and when
    it last brought a mention of the brand."""

    id: int
    name: str
    platform: str
    enabled: bool
    status: str  # ok, backoff, paused, needs_credentials, ...
    interval_seconds: float  # how often it is collected
    last_success_at: datetime | None = None
    first_mention_at: datetime | None = (
        None  # collection time of its first mention of the scope in the look-back
    )
    last_mention_at: datetime | None = None  # ... and of its newest
    busy_mentions: int = 0  # mentions of the scope it collected over the look-back
    last_error: str | None = None


@dataclass(frozen=True)
class Window:
    """What one rule evaluation sees. Series are oldest first, one point per bucket of ``interval``
    (zero buckets may be left out), and end with the bucket holding ``end`` (possibly partial)."""

    start: datetime
    end: datetime
    interval: timedelta = timedelta(hours=1)
    mentions: Sequence[MentionView] = ()
    counts: Series = field(default_factory=list)  # mentions per bucket
    reach: Series = field(default_factory=list)  # summed author reach per bucket
    sentiment: Series = field(default_factory=list)  # mean sentiment score per bucket with mentions
    known_terms: frozenset[str] = frozenset()  # lower-cased hashtags/keyphrases/topics seen in 30 days
    sources: Sequence[SourceView] = ()  # the sources feeding the scope (coverage rules read them)


@dataclass(frozen=True)
class Match:
    """One reason to alert. ``dedupe_key`` is stable while the same situation lasts (the engine's
    cooldown key); ``evidence`` is JSON-ready and explains the alert on its own."""

    dedupe_key: str
    summary: str
    value: float
    expected: float | None = None
    score: float | None = None
    mention_ids: tuple[int | str, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)
    # a story (per-mention rules): the match joins the rule's open incident sharing any of these
    # tokens, and that incident's value counts the story's distinct mentions (``alerts.stories``)
    story: tuple[str, ...] = ()


class Scope(BaseModel):
    """Which mentions a rule looks at; an empty list means "any"."""

    model_config = ConfigDict(extra="forbid")

    brand_ids: list[int] = Field(default_factory=list)
    query_ids: list[int] = Field(default_factory=list)
    platforms: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    sentiment_labels: list[SentimentLabel] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)

    def matches(self, m: MentionView) -> bool:
        """True when ``m`` is inside this scope."""
        return (
            (not self.brand_ids or m.brand_id in self.brand_ids)
            and (not self.query_ids or bool(set(self.query_ids) & set(m.query_ids)))
            and (not self.platforms or m.platform in self.platforms)
            and (not self.topics or bool(set(self.topics) & set(m.topics)))
            and (not self.languages or m.language in self.languages)
            and (not self.sentiment_labels or m.sentiment_label in self.sentiment_labels)
            and (not self.kinds or m.kind in self.kinds)
        )


class RuleParams(BaseModel):
    """Base of every rule's ``Params``: unknown fields are refused, every rule has a scope."""

    model_config = ConfigDict(extra="forbid")

    scope: Scope = Field(default_factory=Scope)

    def lookback(self) -> timedelta:
        """How far back the Window's mentions must reach for this rule."""
        minutes = getattr(self, "window_minutes", 60)
        return timedelta(minutes=minutes)

    def history(self) -> timedelta:
        """How far back the Window's bucketed series must reach (zero: the rule reads none)."""
        return timedelta(0)


class Rule(Protocol):
    """A rule type. ``evaluate`` is pure: no I/O and no clock (``now`` is passed in); it returns one
    Match per distinct reason to alert, or ``[]``. It raises nothing for an empty or short window."""

    type: ClassVar[RuleType]
    Params: ClassVar[type[RuleParams]]
    audience: ClassVar[Audience]

    def evaluate(self, params: Any, window: Window, now: datetime) -> list[Match]:
        """Matches for ``window`` at ``now`` under ``params`` (an instance of ``Params``)."""
        ...
