"""Contract test over the RULES registry: every rule type behaves the same way at its edges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alert_builders import NOW
from pydantic import BaseModel, ValidationError

from alerts.base import Audience, RuleParams, RuleType, Window
from alerts.rules import RULES

# one field per rule type with a value that must be refused
BAD_VALUE: dict[RuleType, tuple[str, object]] = {
    RuleType.MENTION: ("min_reach", -1),
    RuleType.FREQUENCY: ("threshold", 0),
    RuleType.SPIKE: ("mode", "weekly"),
    RuleType.NEGATIVE_SHARE: ("threshold", 1.5),
    RuleType.SENTIMENT_SHIFT: ("min_mentions", 1),
    RuleType.NEW_TERM: ("sources", ["emails"]),
    RuleType.CARDINALITY: ("window_minutes", 0),
    RuleType.REACH_SPIKE: ("sensitivity", "extreme"),
    RuleType.FLATLINE: ("max_ratio", 2),
    RuleType.COMPOSITE: ("op", "xor"),
    RuleType.COVERAGE: ("quiet_intervals", 0),
}


def test_every_rule_type_is_registered() -> None:
    assert set(RULES) == set(RuleType)
    assert set(BAD_VALUE) == set(RuleType)


@pytest.mark.parametrize("rule_type", list(RuleType))
def test_class_attributes(rule_type: RuleType) -> None:
    cls = RULES[rule_type]
    assert cls.type is rule_type
    assert issubclass(cls.Params, RuleParams)
    assert cls.audience in set(Audience)


@pytest.mark.parametrize("rule_type", list(RuleType))
def test_params_defaults_validate_and_round_trip(rule_type: RuleType) -> None:
    params = RULES[rule_type].Params()
    again = RULES[rule_type].Params.model_validate(params.model_dump(mode="json"))
    assert again == params
    assert params.lookback() > timedelta(0)
    assert timedelta(0) <= params.history() <= timedelta(days=36)


@pytest.mark.parametrize("rule_type", list(RuleType))
def test_unknown_field_is_refused_by_name(rule_type: RuleType) -> None:
    with pytest.raises(ValidationError) as err:
        RULES[rule_type].Params.model_validate({"no_such_field": 1})
    assert err.value.errors()[0]["loc"] == ("no_such_field",)
    assert err.value.errors()[0]["type"] == "extra_forbidden"


@pytest.mark.parametrize("rule_type", list(RuleType))
def test_bad_value_is_refused_with_the_field_name(rule_type: RuleType) -> None:
    field, value = BAD_VALUE[rule_type]
    with pytest.raises(ValidationError) as err:
        RULES[rule_type].Params.model_validate({field: value})
    assert err.value.errors()[0]["loc"][0] == field


@pytest.mark.parametrize("rule_type", list(RuleType))
def test_scope_is_validated(rule_type: RuleType) -> None:
    with pytest.raises(ValidationError) as err:
        RULES[rule_type].Params.model_validate({"scope": {"sentiment_labels": ["angry"]}})
    assert err.value.errors()[0]["loc"][:2] == ("scope", "sentiment_labels")


@pytest.mark.parametrize("rule_type", list(RuleType))
def test_empty_window_gives_no_match(rule_type: RuleType) -> None:
    window = Window(start=NOW - timedelta(days=35), end=NOW)
    params: BaseModel = RULES[rule_type].Params()
    assert RULES[rule_type]().evaluate(params, window, NOW) == []
