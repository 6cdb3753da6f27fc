"""Rule types and their registry: the only place a rule type is listed.

Adding a rule type: a ``RuleType`` member in ``alerts/base.py``, a class with ``type``, ``Params``,
``audience`` and a pure ``evaluate`` in a module here, one line in ``RULES``; the contract test in
``tests/alerts/test_rules_contract.py`` picks it up.
"""

from alerts.base import RuleType
from alerts.rules.common import MentionFilter
from alerts.rules.composite import CompositeParams, CompositeRule
from alerts.rules.coverage import CoverageParams, CoverageRule
from alerts.rules.mentions import (
    CardinalityParams,
    CardinalityRule,
    FrequencyParams,
    FrequencyRule,
    MentionParams,
    MentionRule,
    NewTermParams,
    NewTermRule,
)
from alerts.rules.registry import RULES
from alerts.rules.sentiment import (
    NegativeShareParams,
    NegativeShareRule,
    SentimentShiftParams,
    SentimentShiftRule,
)
from alerts.rules.volume import (
    FlatlineParams,
    FlatlineRule,
    ReachSpikeParams,
    ReachSpikeRule,
    SpikeParams,
    SpikeRule,
)

RULES.update(
    {
        RuleType.MENTION: MentionRule,
        RuleType.FREQUENCY: FrequencyRule,
        RuleType.SPIKE: SpikeRule,
        RuleType.NEGATIVE_SHARE: NegativeShareRule,
        RuleType.SENTIMENT_SHIFT: SentimentShiftRule,
        RuleType.NEW_TERM: NewTermRule,
        RuleType.CARDINALITY: CardinalityRule,
        RuleType.REACH_SPIKE: ReachSpikeRule,
        RuleType.FLATLINE: FlatlineRule,
        RuleType.COMPOSITE: CompositeRule,
        RuleType.COVERAGE: CoverageRule,
    }
)

__all__ = [
    "RULES",
    "CardinalityParams",
    "CardinalityRule",
    "CompositeParams",
    "CompositeRule",
    "CoverageParams",
    "CoverageRule",
    "FlatlineParams",
    "FlatlineRule",
    "FrequencyParams",
    "FrequencyRule",
    "MentionFilter",
    "MentionParams",
    "MentionRule",
    "NegativeShareParams",
    "NegativeShareRule",
    "NewTermParams",
    "NewTermRule",
    "ReachSpikeParams",
    "ReachSpikeRule",
    "SentimentShiftParams",
    "SentimentShiftRule",
    "SpikeParams",
    "SpikeRule",
]
