"""Slack incoming webhooks: a Block Kit message (header, fields, sample mentions, link buttons) with
a plain ``text`` fallback. 429 honours ``Retry-After``; ``invalid_payload``, ``no_service``, 404
and other permanent refusals are dead, not retried."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from alerts.notifiers import SENT, Outcome, retry_after_seconds, transport_failure
from alerts.notifiers.rendering import KIND_WORDS, changes, headline

log = logging.getLogger(__name__)

PERMANENT = (
    "invalid_payload",
    "no_service",
    "no_team",
    "channel_not_found",
    "channel_is_archived",
    "action_prohibited",
    "posting_to_general_channel_denied",
    "invalid_token",
    "team_disabled",
)
MAX_TEXT = 2900  # Slack section text limit is 3000


def _clip(s: str, n: int = MAX_TEXT) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _escape(s: str) -> str:
    """Slack mrkdwn escaping for untrusted text (no @channel pings, no fake links)."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def message(payload: dict[str, Any]) -> dict[str, Any]:
    """The JSON body posted to the webhook."""
    ev = payload.get("evidence") or {}
    kind = KIND_WORDS.get(payload.get("kind", ""), "Incident")
    fields = [
        f"*Rule*\n{_escape((payload.get('rule') or {}).get('name') or '')}",
        f"*Severity*\n{payload.get('severity', '')}",
    ]
    if payload.get("brand"):
        fields.append(f"*Brand*\n{_escape(payload['brand'])}")
    value = f"{payload.get('value')}"
    if payload.get("expected") is not None:
        value += f" (expected {payload['expected']:.1f})"
    fields.append(f"*Current*\n{value}")
    if payload.get("score") is not None:
        fields.append(f"*Score*\n{payload['score']:.1f}")
    if ev.get("negative_share") is not None:
        fields.append(f"*Negative*\n{round(ev['negative_share'] * 100)}%")
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _clip(f"{kind}: {payload.get('summary', '')}", 150)},
        },
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields[:10]]},
    ]
    extra = [_escape(line) for line in changes(payload)]
    if ev.get("top_terms") and not (payload.get("explanation") or {}).get("terms"):
        extra.append("*Top terms:* " + _escape(", ".join(ev["top_terms"])))
    authors = (payload.get("explanation") or {}).get("top_authors") or ev.get("top_authors")
    if authors:
        extra.append(
            "*Top authors:* " + _escape(", ".join(f"@{a['handle']} ({a['reach']})" for a in authors))
        )
    if extra:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip("\n".join(extra))}})
    for m in (payload.get("samples") or [])[:5]:
        who = _escape(m.get("author") or "?")
        line = f"@{who} on {m.get('platform')} ({m.get('sentiment')}): {_escape(m.get('text') or '')}"
        if m.get("copies"):
            line += f" (+{m['copies']} copies)"
        if m.get("url"):
            line += f" <{m['url']}|link>"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip(line)}})
    for r in (payload.get("proposed_replies") or [])[:4]:
        head = f"*Proposed {r['purpose']}* ({r['language']}, {_escape(r['name'])}):"
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _clip(f"{head}\n>{_escape(r['text'])}")}}
        )
    links = (payload.get("explanation") or {}).get("links") or {}
    buttons = [
        (label, payload.get(key) or links.get(key))
        for label, key in (
            ("Open incident", "page_url"),
            ("Open feed", "feed_url"),
            ("Draft replies", "replies_url"),
            ("API record", "incident_url"),
        )
    ]
    buttons = [(label, url) for label, url in buttons if url and url.startswith(("http://", "https://"))]
    if buttons:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": label}, "url": url}
                    for label, url in buttons
                ],
            }
        )
    return {"text": _clip(headline(payload)), "blocks": blocks}


def send(client: httpx.Client, config: dict[str, Any], payload: dict[str, Any], *, key: str) -> Outcome:
    """Post one message; classify the answer."""
    url = config.get("webhook_url")
    if not url:
        return Outcome("dead", "channel has no webhook_url")
    try:
        r = client.post(url, json=message(payload), timeout=float(config.get("timeout", 10.0)))
    except httpx.HTTPError as exc:
        return transport_failure(exc)
    body = r.text.strip()[:200]
    if r.status_code == 200:
        return SENT
    if r.status_code == 429:
        return Outcome("retry", "429 rate limited", retry_after_seconds(r.headers.get("Retry-After")))
    if (
        r.status_code in (404, 410)
        or body in PERMANENT
        or (400 <= r.status_code < 500 and r.status_code != 408)
    ):
        return Outcome("dead", f"{r.status_code} {body}")
    return Outcome("retry", f"{r.status_code} {body}")
