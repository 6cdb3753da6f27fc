"""Helpers the management pages share: a refused form's problem as one sentence, JSON fields of a
form read as objects, and the values those pages translate."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from listener.errors import ListenerError, Unprocessable
from listener.web.i18n import N_


def problem(exc: Exception) -> str:
    """What was wrong with a form, for a flash message or the re-rendered form."""
    if isinstance(exc, ValidationError):
        parts = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()))
            parts.append(f"{where}: {e.get('msg', '')}" if where else e.get("msg", ""))
        return "; ".join(parts)
    if isinstance(exc, ListenerError):
        extra = [
            f"{d.get('field')}: {d.get('message')}"
            for d in (exc.details or [])
            if isinstance(d, dict) and d.get("message") and d.get("field")
        ]
        return exc.message + (" (" + "; ".join(extra) + ")" if extra else "")
    return str(exc)


def json_field(raw: str, name: str) -> dict[str, Any]:
    """A form field holding a JSON object (empty: ``{}``); Unprocessable otherwise."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise Unprocessable(f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    if not isinstance(value, dict):
        raise Unprocessable(f"{name} must be a JSON object ({{...}})")
    return value


# values the inbox and management pages show through ``_(value)``: marked here for extraction
VALUE_LABELS = (
    N_("draft"), N_("approved"), N_("rejected"), N_("sent"), N_("public"), N_("dm"),
    N_("own"), N_("competitor"), N_("apologetic"), N_("empathetic"), N_("grateful"), N_("informative"),
    N_("urgent"),
)  # fmt: skip
