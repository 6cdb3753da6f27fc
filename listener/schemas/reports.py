"""Response shapes of the authors, trends and report endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from listener.reporting.periods import zone
from listener.schemas.common import StrictIn


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


class Recipient(StrictIn):
    email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    locale: Literal["en", "tr"] = "en"


class ScheduleFields(StrictIn):
    frequency: Literal["daily", "weekly", "monthly"] = "weekly"
    recipients: list[Recipient] = Field(min_length=1, max_length=100)
    timezone: str = Field("UTC", max_length=64, description="IANA time zone, e.g. Europe/Istanbul")
    send_hour: int = Field(8, ge=0, le=23, description="Local hour the report goes out after its period")
    enabled: bool = True

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        zone(value)  # ValueError names the bad zone
        return value


class ScheduleCreate(ScheduleFields):
    brand: str = Field(min_length=1, max_length=200, description="Brand id or name")
    channel: int = Field(ge=1, description="An email channel: its SMTP server and sender are used")


class ScheduleUpdate(StrictIn):
    frequency: Literal["daily", "weekly", "monthly"] | None = None
    recipients: list[Recipient] | None = Field(None, min_length=1, max_length=100)
    timezone: str | None = Field(None, max_length=64)
    send_hour: int | None = Field(None, ge=0, le=23)
    enabled: bool | None = None
    channel: int | None = Field(None, ge=1)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            zone(value)
        return value

    @model_validator(mode="after")
    def _no_nulls(self) -> ScheduleUpdate:
        nulls = [name for name in self.model_fields_set if getattr(self, name) is None]
        if nulls:
            raise ValueError(
                f"{', '.join(sorted(nulls))}: null is not a value; leave the field out to keep it"
            )
        return self


class ScheduleRead(BaseModel):
    id: int
    brand: str
    channel: int
    frequency: str
    recipients: list[Recipient]
    timezone: str
    send_hour: int
    enabled: bool
    created_by: str
    created_at: datetime
    next_period: str | None = Field(description="The label of the next period to be sent, e.g. 2026-W49")
    next_send_at: datetime | None
