"""Rule types over individual mentions: mention, frequency, cardinality, new_term."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from alerts import stories
from alerts.base import Audience, Match, MentionView, RuleParams, RuleType, Window
from alerts.rules.common import MentionFilter, evidence, ids, recent

log = logging.getLogger(__name__)


class MentionParams(RuleParams, MentionFilter):
    """Alert on every mention matching the filter (default: any detected crisis term)."""

    any_crisis_term: bool = True
    window_minutes: int = Field(15, ge=1, le=7 * 24 * 60, description="look-back for new mentions")


class MentionRule:
    """Matching mentions grouped into stories (``alerts.stories``): one Match per story, carrying its
    tokens, so the engine grows one incident per story instead of one per mention."""

    type: ClassVar[RuleType] = RuleType.MENTION
    Params: ClassVar[type[RuleParams]] = MentionParams
    audience: ClassVar[Audience] = Audience.TEAM

    def evaluate(self, params: MentionParams, window: Window, now: datetime) -> list[Match]:
        """One Match per story among the mentions in the look-back that pass the filter."""
        hits = [m for m in recent(params, window, now, params.window_minutes) if params.accepts(m)]
        out = []
        for members in stories.group([(m, stories.tokens(m, params.matched_terms(m))) for m in hits]):
            mentions = [m for m, _ in members]
            story = tuple(sorted({t for _, toks in members for t in toks}))
            terms = sorted({t.split(":", 1)[1] for t in story if t.startswith("term:")})
            first = mentions[0]
            why = ", ".join(terms) or (
                f"reach {first.author_reach}" if first.author_reach else first.platform
            )
            who = f"@{first.author_handle or 'unknown'} on {first.platform}"
            summary = f"Mention by {who} ({why})"
            if len(mentions) > 1:
                summary = f"{len(mentions)} mentions about {why}, first by {who}"
            out.append(
                Match(
                    dedupe_key=stories.key_of(story),
                    summary=summary,
                    value=float(len(mentions)),
                    mention_ids=ids(mentions),
                    evidence=evidence(
                        mentions, current=len(mentions), url=first.url, text=first.text, rating=first.rating
                    ),
                    story=story,
                )
            )
        return out


class FrequencyParams(RuleParams):
    """At least ``threshold`` mentions passing ``filter`` within ``window_minutes``."""

    threshold: int = Field(10, ge=1)
    window_minutes: int = Field(60, ge=1, le=7 * 24 * 60)
    filter: MentionFilter = Field(default_factory=MentionFilter)


class FrequencyRule:
    """Count matching mentions in the look-back; one Match when the count reaches the threshold."""

    type: ClassVar[RuleType] = RuleType.FREQUENCY
    Params: ClassVar[type[RuleParams]] = FrequencyParams
    audience: ClassVar[Audience] = Audience.TEAM

    def evaluate(self, params: FrequencyParams, window: Window, now: datetime) -> list[Match]:
        """A Match when enough matching mentions arrived in the window."""
        hits = [m for m in recent(params, window, now, params.window_minutes) if params.filter.accepts(m)]
        if len(hits) < params.threshold:
            return []
        return [_over_threshold("frequency", "matching mentions", len(hits), hits, params)]


class CardinalityParams(RuleParams):
    """More than ``threshold`` distinct authors within ``window_minutes`` (a pile-on)."""

    threshold: int = Field(50, ge=1)
    window_minutes: int = Field(60, ge=1, le=7 * 24 * 60)


class CardinalityRule:
    """Distinct author handles in the look-back above a threshold."""

    type: ClassVar[RuleType] = RuleType.CARDINALITY
    Params: ClassVar[type[RuleParams]] = CardinalityParams
    audience: ClassVar[Audience] = Audience.TEAM

    def evaluate(self, params: CardinalityParams, window: Window, now: datetime) -> list[Match]:
        """A Match when the number of distinct authors exceeds the threshold."""
        hits = recent(params, window, now, params.window_minutes)
        authors = {m.author_handle.lower() for m in hits if m.author_handle}
        if len(authors) <= params.threshold:
            return []
        return [
            _over_threshold(
                "cardinality", "distinct authors", len(authors), hits, params, distinct_authors=len(authors)
            )
        ]


def _over_threshold(
    key: str,
    noun: str,
    count: int,
    hits: list[MentionView],
    params: FrequencyParams | CardinalityParams,
    **extra: object,
) -> Match:
    """The Match of a count rule: ``count`` ``noun`` in the look-back against the threshold."""
    return Match(
        dedupe_key=key,
        summary=f"{count} {noun} in {params.window_minutes} min (threshold {params.threshold})",
        value=float(count),
        expected=float(params.threshold),
        mention_ids=ids(hits),
        evidence=evidence(hits, current=count, expected=params.threshold, **extra),
    )


TermSource = Literal["hashtags", "keyphrases", "topics"]


class NewTermParams(RuleParams):
    """A hashtag / keyphrase / topic not seen in the last 30 days reaching ``min_mentions``."""

    min_mentions: int = Field(5, ge=1)
    window_minutes: int = Field(60, ge=1, le=7 * 24 * 60)
    sources: list[TermSource] = Field(
        default_factory=lambda: ["hashtags", "keyphrases", "topics"], min_length=1
    )
    ignore: list[str] = Field(default_factory=list, description="terms never reported")


def _terms(m: MentionView, sources: list[TermSource]) -> set[str]:
    out: set[str] = set()
    for source in sources:
        out.update(t.lower().lstrip("#") for t in getattr(m, source))
    return out


class NewTermRule:
    """One Match per new term; the term is the dedupe key, so each is reported once per cooldown."""

    type: ClassVar[RuleType] = RuleType.NEW_TERM
    Params: ClassVar[type[RuleParams]] = NewTermParams
    audience: ClassVar[Audience] = Audience.TEAM

    def evaluate(self, params: NewTermParams, window: Window, now: datetime) -> list[Match]:
        """Terms in the look-back that ``window.known_terms`` does not hold, with enough mentions."""
        known = {t.lower().lstrip("#") for t in window.known_terms} | {
            t.lower().lstrip("#") for t in params.ignore
        }
        by_term: dict[str, list[MentionView]] = defaultdict(list)
        for m in recent(params, window, now, params.window_minutes):
            for term in _terms(m, params.sources) - known:
                by_term[term].append(m)
        out = []
        for term, hits in sorted(by_term.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if len(hits) >= params.min_mentions:
                out.append(
                    Match(
                        dedupe_key=f"new_term:{term}",
                        summary=f"New term '{term}' in {len(hits)} mentions "
                        f"within {params.window_minutes} min",
                        value=float(len(hits)),
                        expected=0.0,
                        mention_ids=ids(hits),
                        evidence=evidence(hits, current=len(hits), expected=0, term=term),
                    )
                )
        return out
