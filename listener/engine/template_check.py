"""Checking a reply template before it is stored (the API's templates and the template editor):
the language, the sandboxed Jinja2 body and, for public replies, the platforms' length limits."""

from __future__ import annotations

from typing import Any

from alerts.replies import SAMPLE, TemplateError, check_template, render
from listener.errors import Unprocessable
from listener.schemas.replies import LANGUAGES
from listener.settings import Settings


def validate_template(
    settings: Settings, *, body: str, language: str, channel: str, conditions: dict[str, Any]
) -> None:
    """Unprocessable (naming the field) when the template cannot be stored as given."""
    if language not in LANGUAGES:
        raise Unprocessable(
            f"unsupported language {language!r}; use one of {', '.join(LANGUAGES)}",
            details=[{"field": "language"}],
        )
    try:
        check_template(body)
    except TemplateError as exc:
        raise Unprocessable(str(exc), details=[{"field": "body", "message": str(exc)}]) from exc
    if channel == "public":
        text = render(body, SAMPLE)
        platforms = conditions.get("platforms") or list(settings.reply_length_limits)
        for p in platforms:
            cap = settings.reply_length_limits.get(p)
            if cap is not None and len(text) > cap:
                raise Unprocessable(
                    f"rendered with sample values the reply is {len(text)} characters; {p} allows {cap}",
                    details=[{"field": "body", "platform": p, "length": len(text), "limit": cap}],
                )


def preview(body: str) -> dict[str, Any]:
    """``body`` rendered with the sample values: ``{"text", "length"}``, or ``{"error"}`` when the
    template does not pass the sandbox's checks (the editor's live preview)."""
    try:
        check_template(body)
        text = render(body, SAMPLE)
    except TemplateError as exc:
        return {"error": str(exc)}
    return {"text": text, "length": len(text)}
