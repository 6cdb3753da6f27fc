"""``RULES``, the rule-type registry, on its own so a rule that refers to other rule types (the
composite) can import it at module level; ``alerts/rules/__init__.py`` fills it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alerts.base import Rule, RuleType

RULES: dict[RuleType, type[Rule]] = {}
