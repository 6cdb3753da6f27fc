"""Reply suggestions: sandboxed templates, the default library, ranking and escalation. Pure code."""

from alerts.replies.ranking import Escalation, MentionFacts, Suggestion, TemplateFacts, escalation_for, rank
from alerts.replies.templating import (
    SAMPLE,
    VARIABLES,
    Hole,
    TemplateError,
    check_template,
    render,
    variables_of,
)

__all__ = [
    "SAMPLE",
    "VARIABLES",
    "Escalation",
    "Hole",
    "MentionFacts",
    "Suggestion",
    "TemplateError",
    "TemplateFacts",
    "check_template",
    "escalation_for",
    "rank",
    "render",
    "variables_of",
]
