"""Message texts shared by the notifiers: one Jinja environment for the email templates, and the
plain one-line text used as Slack's fallback and email subject."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
KIND_WORDS = {
    "opened": "New incident",
    "escalated": "Escalated",
    "resolved": "Resolved",
    "test": "Test",
    "digest": "Daily digest",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The environment for ``alerts/templates`` (HTML autoescaped, undefined names are errors)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "html.j2"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render(name: str, payload: dict[str, Any]) -> str:
    """Render template ``name`` with the notification payload as ``p``."""
    return (
        environment()
        .get_template(name)
        .render(p=payload, kind_word=KIND_WORDS.get(payload.get("kind", ""), ""), changes=changes(payload))
    )


def headline(payload: dict[str, Any]) -> str:
    """One line: ``[critical] New incident · Acme · spike: 96 mentions …``."""
    kind = KIND_WORDS.get(payload.get("kind", ""), payload.get("kind", ""))
    rule = (payload.get("rule") or {}).get("name") or "rule"
    brand = f" · {payload['brand']}" if payload.get("brand") else ""
    return f"[{payload.get('severity', 'info')}] {kind}{brand} · {rule}: {payload.get('summary', '')}".strip()


def subject(payload: dict[str, Any]) -> str:
    """Email subject: stable per incident so mail clients thread it (updates get ``Re:``)."""
    rule = (payload.get("rule") or {}).get("name") or "rule"
    brand = f" {payload['brand']}" if payload.get("brand") else ""
    if payload.get("kind") == "test":
        return "[Listener] test message"
    if payload.get("kind") == "digest":
        counts = payload.get("counts") or {}
        n, still = counts.get("incidents", 0), counts.get("open", 0)
        what = "no incidents" if n == 0 else f"{n} incident{'s' if n != 1 else ''}, {still} open"
        return f"[Listener] daily digest {payload.get('date')}: {what}"
    base = f"[Listener]{brand} incident #{payload.get('incident_id')}: {rule}"
    return base if payload.get("kind") == "opened" else f"Re: {base}"


def changes(payload: dict[str, Any]) -> list[str]:
    """What changed against the baseline, as short lines (volume, negative share, terms)."""
    ex = payload.get("explanation") or {}
    base = ex.get("baseline") or {}
    out = []
    vol = base.get("volume") or {}
    if vol:
        ratio = f", ×{vol['ratio']:g}" if vol.get("ratio") is not None else ""
        out.append(
            f"Volume: {vol.get('current')} mentions vs {vol.get('expected'):g} usual for the window{ratio}"
        )
    neg = base.get("negative_share") or {}
    if neg.get("current") is not None:
        was = f" (usually {round(neg['baseline'] * 100)}%)" if neg.get("baseline") is not None else ""
        out.append(f"Negative: {round(neg['current'] * 100)}%{was}")
    terms = ex.get("terms") or []
    if terms:
        out.append(
            "New or rising: "
            + ", ".join(
                f"{t['term']} ({'new' if t.get('new') else 'rising'}, {t['mentions']})" for t in terms
            )
        )
    if ex.get("platforms"):
        out.append("Platforms: " + ", ".join(f"{k} {v}" for k, v in ex["platforms"].items()))
    return out


def channel_test_payload(channel_name: str, now: datetime) -> dict[str, Any]:
    """The payload of a test message to a channel (no incident): every field a notifier reads."""
    return {
        "incident_id": None,
        "kind": "test",
        "rule": {"id": None, "name": "test message", "type": "test"},
        "severity": "info",
        "status": "test",
        "brand": None,
        "summary": f"Test message from Listener to channel {channel_name!r}",
        "value": 0,
        "expected": None,
        "score": None,
        "peak_value": 0,
        "first_seen": now.isoformat(),
        "last_seen": now.isoformat(),
        "resolved_at": None,
        "evidence": {},
        "samples": [],
        "incident_url": "",
        "feed_url": "",
        "page_url": "",
    }
