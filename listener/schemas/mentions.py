"""Mentions: the ingest item, the feed row, updates, history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from collectors.normalise import http_url
from listener.schemas.common import MAX_INT, AwareIsoTime, BigInt, ReadModel, StrictIn

Status = Literal["new", "in_progress", "replied", "resolved", "ignored"]
Kind = Literal["post", "comment", "review", "news"]
Label = Literal["positive", "negative", "neutral", "unscored"]
Tag = Annotated[str, Field(min_length=1, max_length=64)]
MAX_TEXT = 100_000


def _http_url(value: str) -> str:
    url = http_url(value)
    if url is None:
        raise ValueError("url must be an http:// or https:// URL with a host")
    return url


class AuthorIn(StrictIn):
    handle: Annotated[str, Field(max_length=200)] | None = None
    name: Annotated[str, Field(max_length=200)] | None = None
    reach: Annotated[int, Field(ge=0, le=10**12)] | None = None


class PlatformReplyIn(StrictIn):
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    replied_at: AwareIsoTime | None = None


class MentionIn(StrictIn):
    """One mention as pushed to ``POST /api/v1/ingest`` (and as a line of ``listener import``)."""

    platform: Annotated[str, Field(pattern=r"^[a-z0-9_\-]{1,32}$")]
    external_id: Annotated[str, Field(min_length=1, max_length=512)]
    url: Annotated[str, Field(max_length=4096), AfterValidator(_http_url)] | None = None
    text: Annotated[str, Field(max_length=MAX_TEXT)] = ""
    title: Annotated[str, Field(max_length=2000)] | None = None
    kind: Kind = "post"
    author: AuthorIn = Field(default_factory=AuthorIn)
    engagement: dict[Annotated[str, Field(max_length=32)], Annotated[int, Field(ge=0, le=MAX_INT)]] = Field(
        default_factory=dict, max_length=20
    )
    rating: Annotated[float, Field(ge=0, le=5)] | None = None
    details: dict[Annotated[str, Field(max_length=32)], Annotated[str, Field(max_length=500)]] = Field(
        default_factory=dict, max_length=20, description="Platform facts: app_version, device, os_version"
    )
    reply: PlatformReplyIn | None = Field(None, description="The brand's reply already on the platform")
    in_reply_to: Annotated[str, Field(min_length=1, max_length=512)] | None = Field(
        None,
        description="The platform id of the post this one answers (links a customer's answer to our reply)",
    )
    published_at: AwareIsoTime
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")] | None = None
    brand: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="The primary brand (name or alias); the first of `brands` when absent"
    )
    brands: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=50, description="Further brands the mention is linked to"
    )

    @model_validator(mode="after")
    def _has_text(self) -> MentionIn:
        if not self.text and not self.title:
            raise ValueError("a mention needs a text or a title")
        return self


class IngestRequest(StrictIn):
    mentions: list[MentionIn] = Field(min_length=1, description="Up to 1,000 mentions")


class IngestResult(ReadModel):
    received: int
    created: int
    duplicates: int
    ids: list[int] = Field(description="Ids of the mentions this request created")


class AuthorRead(ReadModel):
    handle: str | None
    name: str | None
    reach: int | None


class SentimentRead(ReadModel):
    score: float | None
    label: str
    drivers: list[dict[str, Any]]
    overridden_by: str | None = None
    overridden_at: datetime | None = None


class MentionRead(ReadModel):
    id: int
    platform: str
    external_id: str
    brand: str | None = Field(description="The primary brand: the first matching query's")
    brands: list[str] = Field(description="Every linked brand, the primary one first")
    url: str | None
    kind: str
    title: str | None
    text: str
    author: AuthorRead
    engagement: dict[str, int]
    rating: float | None
    details: dict[str, str] = Field(default_factory=dict)
    in_reply_to: str | None = None
    published_at: datetime
    collected_at: datetime
    language: str | None
    language_confidence: float | None
    sentiment: SentimentRead
    topics: list[str]
    entities: list[dict[str, str]]
    crisis_terms: list[str]
    keyphrases: list[str]
    duplicate_of: int | None
    status: str
    assignee: str | None
    tags: list[str]
    notes: list[dict[str, str]]
    updated_at: datetime


class SentimentOverride(StrictIn):
    label: Literal["positive", "negative", "neutral"]
    score: Annotated[float, Field(ge=-1, le=1)] | None = None

    @model_validator(mode="after")
    def _score_fits_label(self) -> SentimentOverride:
        if self.score is None:
            self.score = {"positive": 0.5, "negative": -0.5, "neutral": 0.0}[self.label]
        fits = {
            "positive": self.score >= 0.05,
            "negative": self.score <= -0.05,
            "neutral": -0.05 < self.score < 0.05,
        }[self.label]
        if not fits:
            raise ValueError(f"score {self.score} does not fit label {self.label!r}")
        return self


class MentionPatch(StrictIn):
    """Fields to change; absent fields stay as they are. ``note`` appends a note."""

    status: Status | None = None
    assignee: Annotated[str, Field(max_length=200)] | None = None
    tags: list[Tag] | None = Field(None, max_length=50)
    add_tags: list[Tag] | None = Field(None, max_length=50)
    remove_tags: list[Tag] | None = Field(None, max_length=50)
    note: Annotated[str, Field(min_length=1, max_length=5000)] | None = None
    sentiment: SentimentOverride | None = None

    @field_validator("status", "tags", "add_tags", "remove_tags", "note", "sentiment")
    @classmethod
    def _not_null(cls, v: Any) -> Any:
        # only ``assignee`` can be cleared with null; for the rest null is a mistake, not "keep"
        if v is None:
            raise ValueError("may not be null; leave the field out to keep its value")
        return v

    @field_validator("tags", "add_tags", "remove_tags")
    @classmethod
    def _dedupe(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else list(dict.fromkeys(v))

    @model_validator(mode="after")
    def _something(self) -> MentionPatch:
        if not self.model_fields_set:
            raise ValueError("nothing to change: give at least one field")
        if self.tags is not None and (self.add_tags or self.remove_tags):
            raise ValueError("use either tags (replace) or add_tags/remove_tags, not both")
        return self


class BulkPatch(StrictIn):
    ids: list[BigInt] = Field(min_length=1, max_length=1000)
    changes: MentionPatch


class BulkResult(ReadModel):
    updated: int
    ids: list[int]


class AuditRead(ReadModel):
    id: int
    at: datetime
    actor: str
    action: str
    changes: dict[str, Any]
