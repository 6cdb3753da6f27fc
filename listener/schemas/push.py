"""API shapes of push subscriptions (webhooks of new mentions) and their batches."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from listener.schemas.common import ReadModel, StrictIn

Name = Annotated[str, Field(min_length=1, max_length=200)]
Url = Annotated[str, Field(min_length=1, max_length=2000, description="http(s) URL of the receiver")]
FilterString = Annotated[
    str,
    Field(
        max_length=2000,
        description="The feed's filters as a query string, e.g."
        " brand=Acme&sentiment=negative&platform=twitter (the parameters of GET /api/v1/mentions;"
        " empty: every new mention)",
    ),
]


class SubscriptionCreate(StrictIn):
    name: Name
    url: Url
    filter: FilterString = ""


class SubscriptionUpdate(StrictIn):
    name: Name | None = None
    url: Url | None = None
    filter: FilterString | None = None
    state: Literal["active", "paused"] | None = Field(
        None,
        description="paused: stop pushing; active: resume (failures are forgotten, a waiting batch goes now)",
    )


class SubscriptionRead(ReadModel):
    id: int
    name: str
    url: str
    filter: str
    state: str
    paused_reason: str | None = Field(
        description="why it is paused (the receiver's last answer, or who paused it)"
    )
    failures: int = Field(description="failed attempts in a row")
    last_error: str | None
    last_delivered_at: datetime | None
    cursor: int = Field(description="stream position (as in /api/v1/stream) of the last mention batched")
    deliveries: dict[str, int] = Field(default_factory=dict, description="batches per status")
    created_by: str
    created_at: datetime
    updated_at: datetime


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(
        description="the signing secret: shown here once, never again (rotate it to get a new one)"
    )


class SecretRotated(ReadModel):
    id: int
    secret: str = Field(description="the new signing secret: shown here once")


class BatchRead(ReadModel):
    id: int
    idempotency_key: str
    first: int = Field(description="stream position of its first mention")
    last: int = Field(description="stream position of its last mention")
    count: int
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
