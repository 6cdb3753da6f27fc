"""Slack incoming webhooks: a Block Kit message (header, fields, sample mentions, link buttons) with
a plain ``text`` fallback. 429 honours ``Retry-After``; ``invalid_payload``, ``no_service``, 404
and other permanent refusals are dead, not retried. Paced to one message a second per webhook.

Slack drops no repeats (incoming webhooks take no idempotency key), so a message whose answer timed
out after it was sent is ``unconfirmed`` and never resent automatically: a person can resend it
(``POST /api/v1/notifications/{id}/resend``) after looking at the channel."""

from __future__ import annotations

import logging
from typing import Annotated, Any, ClassVar

import httpx

from alerts.notifiers.base import SECRET, SENT, URL, Message, NotifierConfig, Outcome, Pacing, post_outcome
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


def render(payload: dict[str, Any]) -> dict[str, Any]:
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


class SlackConfig(NotifierConfig):
    """An incoming webhook URL (the URL is the credential: secret)."""

    webhook_url: Annotated[str, SECRET, URL]


class SlackNotifier:
    """Block Kit messages to a Slack incoming webhook."""

    type: ClassVar[str] = "slack"
    Config: ClassVar[type[SlackConfig]] = SlackConfig
    pacing: ClassVar[Pacing] = Pacing(min_gap=1.0, key_field="webhook_url")  # Slack's documented rate
    idempotent: ClassVar[bool] = False

    def send(self, client: httpx.Client, config: SlackConfig, message: Message) -> Outcome:
        """Post one message; classify the answer."""
        return post_outcome(
            client, config.webhook_url, _classify, timeout=config.timeout, json=render(message.payload)
        )


def _classify(status: int, body: str, retry_after: float | None) -> Outcome:
    """Slack's answer: 200 sent; 429 retried after ``Retry-After``; 404, 410, a permanent error
    word and other 4xx (408 aside) dead; the rest retried."""
    if status == 200:
        return SENT
    if status == 429:
        return Outcome("retry", "429 rate limited", retry_after)
    if status in (404, 410) or body in PERMANENT or (400 <= status < 500 and status != 408):
        return Outcome("dead", f"{status} {body}")
    return Outcome("retry", f"{status} {body}")
