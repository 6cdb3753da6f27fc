"""Reply templates, suggestions and replies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, model_validator

from listener.schemas.common import ReadModel, StrictIn

Channel = Literal["dm", "public"]
Tone = Literal["apologetic", "empathetic", "grateful", "informative", "urgent", "neutral"]
Range = Annotated[list[float], Field(min_length=2, max_length=2)]
LANGUAGES = ("en", "tr", "de", "fr", "es", "it", "pt", "nl", "sv", "pl", "ru", "ar", "ja", "zh", "ko")


class Conditions(StrictIn):
    """When a template fits: every condition given must hold."""

    topics: list[Annotated[str, Field(pattern=r"^[a-z0-9_]{1,64}$")]] | None = Field(None, max_length=20)
    sentiment: Range | None = Field(None, description="[min, max] score within [-1, 1]")
    platforms: list[Annotated[str, Field(max_length=32)]] | None = Field(None, max_length=20)
    kinds: list[Literal["post", "comment", "review", "news"]] | None = None
    rating: Range | None = Field(None, description="[min, max] stars within [0, 5]")
    crisis: StrictBool | None = None
    sarcasm: StrictBool | None = Field(None, description="true: only for mentions that read as sarcasm")
    terms: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        None, max_length=50, description="At least one must start a word in the text (Turkish-folded)"
    )

    @model_validator(mode="after")
    def _ranges(self) -> Conditions:
        for name, lo, hi in (("sentiment", -1, 1), ("rating", 0, 5)):
            r = getattr(self, name)
            if r is not None and not (lo <= r[0] <= r[1] <= hi):
                raise ValueError(f"{name} must be [min, max] with {lo} <= min <= max <= {hi}")
        return self


class TemplateCreate(StrictIn):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    language: Annotated[str, Field(pattern=r"^[a-z]{2}$")]
    channel: Channel
    tone: Tone = "neutral"
    conditions: Conditions = Field(default_factory=Conditions)
    body: Annotated[str, Field(min_length=1, max_length=5000)]
    enabled: StrictBool = True


class TemplateUpdate(StrictIn):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    language: Annotated[str, Field(pattern=r"^[a-z]{2}$")] | None = None
    channel: Channel | None = None
    tone: Tone | None = None
    conditions: Conditions | None = None
    body: Annotated[str, Field(min_length=1, max_length=5000)] | None = None
    enabled: StrictBool | None = None


class TemplateRead(ReadModel):
    id: int
    name: str
    language: str
    channel: str
    tone: str
    conditions: dict[str, Any]
    body: str
    enabled: bool
    builtin: bool
    created_by: str
    created_at: datetime
    updated_at: datetime


class SuggestionRead(ReadModel):
    template_id: int
    name: str
    channel: str
    text: str
    length: int
    limit: int | None
    score: float
    reasons: list[str]


class EscalationRead(ReadModel):
    to: str
    why: str
    terms: list[str]


class SuggestionsRead(ReadModel):
    mention_id: int
    language: str | None
    escalate: EscalationRead | None = Field(None, description="Set when the mention must go to a team first")
    suggestions: list[SuggestionRead]
    note: str | None = None
    status: str | None = Field(None, description="The mention's workflow status")
    answered: ReplyRead | None = Field(
        None, description="For a mention already replied or resolved: its sent reply (no suggestions then)"
    )


class ReplyCreate(StrictIn):
    """A draft from a template (rendered for the mention) or free text; ``text`` wins when both."""

    channel: Channel
    template_id: int | None = None
    text: Annotated[str, Field(min_length=1, max_length=10000)] | None = None

    @model_validator(mode="after")
    def _source(self) -> ReplyCreate:
        if self.template_id is None and self.text is None:
            raise ValueError("give a template_id or a text")
        return self


class ReviewIn(StrictIn):
    comment: Annotated[str, Field(max_length=2000)] | None = None


class RejectIn(StrictIn):
    comment: Annotated[str, Field(min_length=1, max_length=2000)]


class SentIn(StrictIn):
    external_id: Annotated[str, Field(max_length=512)] | None = None
    external_url: Annotated[str, Field(max_length=4096, pattern=r"^https?://\S+$")] | None = None


class PublicationRead(ReadModel):
    """A reply's trip to its platform through the publish queue."""

    status: str = Field(
        description="queued, sending, unconfirmed (sent, no answer: check the platform and resolve), "
        "failed (see last_error; POST /replies/{id}/publish retries), published or by_hand"
    )
    platform: str
    attempts: int
    next_attempt_at: datetime | None = Field(
        description="When a queued reply is tried (a rate limit's reset)"
    )
    last_error: str | None = Field(description="The platform's reason for the last failure")
    last_status_code: int | None
    requested_by: str


class ResolveIn(StrictIn):
    """What a person found on the platform after an unconfirmed send."""

    posted: StrictBool = Field(description="true: the reply is on the platform; false: send it again")
    external_id: Annotated[str, Field(max_length=512)] | None = None
    external_url: Annotated[str, Field(max_length=4096, pattern=r"^https?://\S+$")] | None = None


class ReplyRead(ReadModel):
    id: int
    mention_id: int
    template_id: int | None
    channel: str
    text: str
    status: str
    created_by: str
    created_by_user_id: int | None = None
    created_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_comment: str | None
    sent_by: str | None
    sent_at: datetime | None
    external_id: str | None
    external_url: str | None
    platform_sent_at: datetime | None = Field(None, description="When the platform says the reply appeared")
    publication: PublicationRead | None = Field(
        None, description="Its trip through the publish queue, if any"
    )


SuggestionsRead.model_rebuild()
