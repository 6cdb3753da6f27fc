"""Brands, queries and sources."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from listener.schemas.common import ReadModel, StrictIn

Name = Annotated[str, Field(min_length=1, max_length=200)]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]


TopicName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]{0,63}$")]
Phrases = Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=500)]
TopicPhrases = dict[LanguageCode, Phrases]
Topics = Annotated[dict[TopicName, TopicPhrases], Field(max_length=200)]


class TaxonomyIn(StrictIn):
    """The global taxonomy: topic -> language -> phrases, and crisis terms per language."""

    topics: Topics
    crisis: dict[LanguageCode, Phrases] = Field(default_factory=dict)


class TaxonomyRead(ReadModel):
    source: Literal["default", "custom"]
    version: str
    topics: dict[str, dict[str, list[str]]]
    crisis: dict[str, list[str]]


def _clean_names(values: list[str]) -> list[str]:
    out = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    if any(len(v) > 200 for v in out):
        raise ValueError("each name is at most 200 characters")
    return out


class BrandCreate(StrictIn):
    name: Name
    aliases: list[str] = Field(default_factory=list, max_length=100)
    products: list[str] = Field(default_factory=list, max_length=500)
    competitors: list[str] = Field(
        default_factory=list, max_length=50, description="Names of competitor brands (created if missing)"
    )
    lexicon: dict[str, Annotated[float, Field(ge=-4, le=4)]] = Field(
        default_factory=dict, max_length=1000, description="word -> valence on VADER's -4..4 scale"
    )
    default_language: LanguageCode = "en"
    topics: Topics = Field(
        default_factory=dict, description="Extra topics for this brand: topic -> language -> phrases"
    )

    _names = field_validator("aliases", "products", "competitors")(_clean_names)


class BrandUpdate(StrictIn):
    name: Name | None = None
    aliases: list[str] | None = Field(None, max_length=100)
    products: list[str] | None = Field(None, max_length=500)
    competitors: list[str] | None = Field(None, max_length=50)
    lexicon: dict[str, Annotated[float, Field(ge=-4, le=4)]] | None = Field(None, max_length=1000)
    default_language: LanguageCode | None = None
    topics: Topics | None = None

    @field_validator("aliases", "products", "competitors")
    @classmethod
    def _names(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else _clean_names(v)


class BrandRead(ReadModel):
    id: int
    name: str
    aliases: list[str]
    products: list[str]
    competitors: list[str]
    lexicon: dict[str, float]
    default_language: str
    topics: dict[str, dict[str, list[str]]]
    created_at: datetime
    updated_at: datetime

    @field_validator("competitors", mode="before")
    @classmethod
    def _competitor_names(cls, v: Any) -> list[str]:
        return [c if isinstance(c, str) else c.name for c in v]


class QueryCreate(StrictIn):
    brand_id: int
    name: Name
    expression: Annotated[str, Field(min_length=1, max_length=4000)]
    role: Literal["own", "competitor"] = "own"
    enabled: bool = True


class QueryUpdate(StrictIn):
    name: Name | None = None
    expression: Annotated[str, Field(min_length=1, max_length=4000)] | None = None
    role: Literal["own", "competitor"] | None = None
    enabled: bool | None = None


class QueryRead(ReadModel):
    id: int
    brand_id: int
    name: str
    expression: str
    role: str
    enabled: bool
    created_at: datetime
    updated_at: datetime


class SourceCreate(StrictIn):
    name: Name
    platform: str
    params: dict[str, Any] = Field(default_factory=dict)
    interval_seconds: Annotated[int, Field(ge=30, le=7 * 86400)] | None = Field(
        None, description="Seconds between runs; the platform's default when null"
    )
    enabled: bool = True


class SourceUpdate(StrictIn):
    name: Name | None = None
    params: dict[str, Any] | None = None
    interval_seconds: Annotated[int, Field(ge=30, le=7 * 86400)] | None = None
    enabled: bool | None = None


class SourceRead(ReadModel):
    id: int
    name: str
    platform: str
    params: dict[str, Any]
    interval_seconds: int | None
    enabled: bool
    status: str
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    next_run_at: datetime | None
    mentions_collected: int = Field(description="Mentions this source stored")
    items_seen: int = Field(description="Items its collector returned (stored + unmatched + duplicate)")
    items_unmatched: int = Field(description="Items dropped because they matched no brand query")
    items_duplicate: int = Field(description="Items already stored (same platform and external id)")
    rate_limit_remaining: int | None
    created_at: datetime
    updated_at: datetime
