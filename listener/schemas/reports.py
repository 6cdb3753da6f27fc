"""Response shapes of the authors, trends and report endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class AuthorRead(BaseModel):
    platform: str
    handle: str
    name: str
    mentions: int
    reach: int | None = Field(description="The largest reach seen on the author's mentions in the range")
    average_sentiment: float | None = Field(description="Mean sentiment score, -1..1 (None: unscored)")
    negative: int = Field(description="How many of the author's mentions are negative")
    influence: float = Field(description="log10(1 + reach × mentions): see the README")
    last_mention_at: datetime


class AuthorsRead(BaseModel):
    brand: str | None
    since: datetime
    until: datetime
    sort: str
    authors: list[AuthorRead]


class TrendRead(BaseModel):
    term: str
    count: int = Field(description="Mentions carrying it in the range")
    baseline_count: int = Field(description="Mentions carrying it in the baseline")
    lift: float = Field(description="(count / mentions) / ((baseline_count + 0.5) / baseline_mentions)")
    share: float
    baseline_share: float
    p_value: float = Field(description="Binomial test of the rise against the baseline rate")


class TrendsRead(BaseModel):
    brand: str | None
    since: datetime
    until: datetime
    baseline_since: datetime
    baseline_until: datetime
    mentions: int = Field(description="Mentions in the range (copies of a near-duplicate left out)")
    baseline_mentions: int
    topics: list[TrendRead]
    hashtags: list[TrendRead]
    terms: list[TrendRead]
