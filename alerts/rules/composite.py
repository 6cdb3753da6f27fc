"""The composite rule type: AND / OR of other rules (e.g. spike AND negative share above 30%)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from alerts.base import Audience, Match, RuleParams, RuleType, Window
from alerts.rules.registry import RULES

log = logging.getLogger(__name__)


class Part(BaseModel):
    """One operand: a rule type and its params (validated against that type's Params)."""

    model_config = ConfigDict(extra="forbid")

    type: RuleType
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Part:
        try:
            RULES[self.type].Params.model_validate(self.params)
        except ValidationError as e:
            problems = "; ".join(
                f"params.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()
            )
            raise ValueError(f"invalid {self.type.value} params: {problems}") from None
        return self

    def parsed(self) -> RuleParams:
        """The params as the part's Params model."""
        return RULES[self.type].Params.model_validate(self.params)


def _default_parts() -> list[Part]:
    return [Part(type=RuleType.SPIKE), Part(type=RuleType.NEGATIVE_SHARE, params={"threshold": 0.3})]


class CompositeParams(RuleParams):
    """``op`` over 2–5 ``rules``; the default is a spike AND a negative share above 30%."""

    op: Literal["and", "or"] = "and"
    rules: list[Part] = Field(default_factory=_default_parts, min_length=2, max_length=5)

    def lookback(self) -> timedelta:
        """The longest look-back of the parts."""
        return max(p.parsed().lookback() for p in self.rules)

    def history(self) -> timedelta:
        """The longest history of the parts."""
        return max(p.parsed().history() for p in self.rules)

    @model_validator(mode="after")
    def _no_nesting(self) -> CompositeParams:
        if any(p.type == RuleType.COMPOSITE for p in self.rules):
            raise ValueError("rules: a composite cannot contain another composite")
        return self


class CompositeRule:
    """Evaluate each part; AND fires when every part has a Match, OR when any has. One Match whose
    evidence holds each part's evidence."""

    type: ClassVar[RuleType] = RuleType.COMPOSITE
    Params: ClassVar[type[RuleParams]] = CompositeParams
    audience: ClassVar[Audience] = Audience.TEAM

    def evaluate(self, params: CompositeParams, window: Window, now: datetime) -> list[Match]:
        """One combined Match, or ``[]``."""
        fired: list[tuple[Part, Match]] = []
        for part in params.rules:
            matches = RULES[part.type]().evaluate(part.parsed(), window, now)
            if matches:
                fired.append((part, matches[0]))
            elif params.op == "and":
                return []
        if not fired:
            return []
        first = fired[0][1]
        mention_ids = tuple(dict.fromkeys(i for _, m in fired for i in m.mention_ids))
        joiner = " AND " if params.op == "and" else " OR "
        return [
            Match(
                dedupe_key="composite:" + "+".join(m.dedupe_key for _, m in fired),
                summary=joiner.join(m.summary for _, m in fired),
                value=first.value,
                expected=first.expected,
                score=first.score,
                mention_ids=mention_ids[:100],
                evidence={"op": params.op, "parts": [{"type": p.type.value, **m.evidence} for p, m in fired]},
            )
        ]
