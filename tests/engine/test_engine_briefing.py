"""Incidents that explain themselves and propose replies, on a real database, delivered to a real
Slack-style webhook receiver and a real SMTP server (aiosmtpd) on 127.0.0.1, and read in the API;
the link they carry opens the incident's mentions in the feed, where its replies are drafted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_helpers import NOW, SETTINGS, brand, channel, history, mention, outbound_client, rule
from sinks import HttpSink, SmtpSink
from sqlalchemy import select

from listener.engine import delivery, evaluation
from listener.storage.db import session_scope
from listener.storage.models import Mention
from listener.storage.replies import ensure_default_templates
from listener.storage.reply_models import Reply

PUBLIC = "https://listener.example.org"
LEAK = [  # (text, author reach)
    ("Acme leaked my card details, data breach confirmed #acmeleak", 90_000),
    ("Is Acme going to tell customers about the leak? #acmeleak", 4_000),
    ("Acme data breach: my account was hacked yesterday", 1_200),
    ("Changed every password after the Acme leak #acmeleak", 300),
]


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    """The app's settings with a public URL and a support link (the worker reads the environment)."""
    return settings.model_copy(update={"public_url": PUBLIC, "support_url": "https://acme.example/help"})


def story(s, brand_id: int) -> list[Mention]:  # type: ignore[no-untyped-def]
    rows = []
    for k, (text, reach) in enumerate(LEAK):
        terms = [
            t for t in ("data breach", "leak") if t in text.lower() or (t == "leak" and "leaked" in text)
        ]
        rows.append(
            mention(
                s,
                brand_id,
                NOW + timedelta(minutes=3 * k),
                text=text,
                crisis_terms=terms,
                sentiment_label="negative",
                sentiment_score=-0.7,
                topics=["security_privacy"],
                author_handle=f"author{k}",
                author_reach=reach,
            )
        )
    s.flush()
    copy = mention(
        s,
        brand_id,
        NOW + timedelta(minutes=10),
        text=LEAK[0][0] + " RT",
        duplicate_of=rows[0].id,
        crisis_terms=["leak"],
        sentiment_label="negative",
        author_handle="copycat",
        author_reach=10,
    )
    s.flush()
    assert copy.id
    return rows


def test_incident_explains_itself_and_proposes_replies_in_api_slack_and_email(sessions, api, monkeypatch):
    monkeypatch.setenv("LISTENER_PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("LISTENER_SUPPORT_URL", "https://acme.example/help")
    # what the worker hands the engine: its settings, with the public and support URLs
    settings = SETTINGS.model_copy(update={"public_url": PUBLIC, "support_url": "https://acme.example/help"})
    with HttpSink() as slack, SmtpSink() as smtp:
        with session_scope(sessions) as s:
            ensure_default_templates(s)
            acme = brand(s)
            history(s, acme.id, NOW, days=7, per_hour=1)  # a calm, neutral week before
            sl = channel(s, "slack", webhook_url=slack.url + "/services/T000/B000/XXXX")
            em = channel(
                s,
                "email",
                host="127.0.0.1",
                port=smtp.port,
                security="plain",
                from_addr="alerts@listener.example",
                to=["pr@acme.example"],
            )
            r = rule(
                s,
                "mention",
                brand_id=acme.id,
                channels=[sl, em],
                reply_templates=["en-crisis-holding-public"],
            )
            rows = story(s, acme.id)
            report = evaluation.evaluate_mentions(
                s, [m.id for m in rows], NOW + timedelta(minutes=11), settings=settings
            )
            (incident_id,) = report.opened
            assert r.id
        with session_scope(sessions) as s, outbound_client() as client:
            sent = delivery.deliver_pending(s, client, NOW + timedelta(minutes=11))
        assert len(sent.sent) == 2

    detail = api.as_("viewer").get(f"/api/v1/incidents/{incident_id}").json()
    ex = detail["explanation"]
    assert ex["baseline"]["volume"]["current"] == 4
    assert ex["baseline"]["volume"]["expected"] == 1.0  # one an hour over the week before
    assert ex["baseline"]["negative_share"] == {"current": 1.0, "baseline": 0.0}
    terms = {t["term"]: t for t in ex["terms"]}
    assert terms["leak"]["new"] and terms["#acmeleak"]["mentions"] == 3 and "data breach" in terms
    assert [a["handle"] for a in ex["top_authors"]][:2] == ["author0", "author1"]
    reps = ex["representative"]
    assert 3 <= len(reps) <= 5 and "copycat" not in {m["author"] for m in reps}  # roots, not copies
    assert reps[0]["author"] == "author0" and reps[0]["copies"] == 1
    assert ex["platforms"] == {"twitter": 4}
    assert ex["links"]["feed_url"] == f"{PUBLIC}/inbox?incident={incident_id}"
    proposals = detail["proposed_replies"]
    public = [p for p in proposals if p["channel"] == "public"]
    dm = [p for p in proposals if p["channel"] == "dm"]
    assert public[0]["name"] == "en-crisis-holding-public" and public[0]["reasons"] == ["named by the rule"]
    assert dm and dm[0]["language"] == "en" and "security" in dm[0]["name"]
    for p in proposals:
        assert "Acme" in p["text"] and "{{" not in p["text"]
        assert p["draft"]["url"] == f"{PUBLIC}/api/v1/incidents/{incident_id}/drafts"

    (msg,) = slack.requests
    body = msg.json()
    text = "\n".join(b["text"]["text"] for b in body["blocks"] if b["type"] == "section" and "text" in b)
    assert "Volume: 4 mentions vs 1 usual for the window, ×4" in text
    assert "Negative: 100% (usually 0%)" in text and "leak (new, " in text
    assert "*Proposed holding statement* (en, en-crisis-holding-public)" in text
    assert "+1 copies" in text
    buttons = {
        e["text"]["text"]: e["url"] for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    assert buttons["Open feed"] == f"{PUBLIC}/inbox?incident={incident_id}"
    assert buttons["Draft replies"] == f"{PUBLIC}/incidents/{incident_id}#replies"
    assert buttons["Open incident"] == f"{PUBLIC}/incidents/{incident_id}"  # the incident's page

    (mail,) = smtp.messages
    plain = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "What changed against the last 7 days:" in plain and "Negative: 100% (usually 0%)" in plain
    assert f"Proposed replies (draft them for approval: {PUBLIC}/incidents/{incident_id}#replies)" in plain
    assert "holding statement (en, template en-crisis-holding-public)" in plain
    assert f'href="{PUBLIC}/incidents/{incident_id}#replies"' in html
    assert f"Incident: {PUBLIC}/incidents/{incident_id}" in plain
    assert f'href="{PUBLIC}/incidents/{incident_id}"' in html

    # the link's filter: the incident's mentions and their copy, nothing else
    feed = api.as_("viewer").get("/api/v1/mentions", params={"incident": incident_id}).json()
    items = feed["items"] if isinstance(feed, dict) else feed
    assert len(items) == 5
    assert api.as_("viewer").get("/api/v1/mentions", params={"incident": 99999}).status_code == 404

    # drafting a proposal goes through the reply workflow: drafts awaiting approval
    template = public[0]["template_id"]
    refused = api.as_("viewer").post(
        f"/api/v1/incidents/{incident_id}/drafts", json={"template_id": template}
    )
    assert refused.status_code == 403
    made = api.as_("agent").post(f"/api/v1/incidents/{incident_id}/drafts", json={"template_id": template})
    assert made.status_code == 201, made.text
    (draft,) = made.json()
    assert draft["status"] == "draft" and draft["channel"] == "public"
    assert draft["text"].startswith("Hi @author0")  # rendered for the most far-reaching root
    dms = api.as_("agent").post(
        f"/api/v1/incidents/{incident_id}/drafts", json={"template_id": dm[0]["template_id"]}
    )
    assert len(dms.json()) == 4  # one DM per affected customer (cluster roots)
    outside = api.as_("agent").post(
        f"/api/v1/incidents/{incident_id}/drafts", json={"template_id": template, "mention_ids": [1]}
    )
    assert outside.status_code == 422 and "not in incident" in outside.json()["error"]["message"]
    queue = api.as_("manager").get("/api/v1/replies").json()
    assert len(queue) == 5
    with session_scope(sessions) as s:
        assert s.scalar(select(Reply).where(Reply.id == draft["id"])).status == "draft"


def test_a_rule_names_only_templates_that_exist(api):
    from tests.engine.engine_helpers import NOW as _  # noqa: F401  (the helpers are importable)

    bad = api.as_("manager").post(
        "/api/v1/rules",
        json={"name": "leaks", "type": "mention", "reply_templates": ["no-such-template"]},
    )
    assert bad.status_code == 422 and "no-such-template" in bad.json()["error"]["message"]
