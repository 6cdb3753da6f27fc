"""The default template library, as customer service meets it: right language, polarity, topic,
length; dangerous mentions escalated; installed once and never reinstalled over edits."""

from __future__ import annotations

import pytest

from listener.storage.db import make_session_factory, session_scope
from listener.storage.replies import default_library, ensure_default_templates
from tests.factories import mention

CASES = [
    # (text, language, extra fields, expected polarity of the top reply, topic expected in reasons)
    ("My Acme order still hasn't arrived after two weeks, where is it?", "en", {}, "sorry", "delivery"),
    ("Acme charged me twice for the same order and no refund yet", "en", {}, "sorry", "billing_refund"),
    ("Can't log in to my Acme account since the update, password reset never comes", "en", {}, "sorry", None),
    ("Super fast delivery from Acme today, well done!", "en", {}, "thanks", "delivery"),
    ("Acme siparişim hâlâ gelmedi, kargo takip numarası çalışmıyor", "tr", {}, "sorry", "delivery"),
    ("Acme müşteri hizmetleri harika, sorunumu hemen çözdüler. Teşekkürler!", "tr", {}, "thanks", None),
    (
        "Polite staff but the app crashes every time I pay.",
        "en",
        {"kind": "review", "rating": 1},
        "sorry",
        None,
    ),
    ("Love it, works perfectly", "en", {"kind": "review", "rating": 5}, "thanks", None),
    ("Uygulama çok iyi, bayıldım", "tr", {"kind": "review", "rating": 5}, "thanks", None),
]


@pytest.fixture
def library(engine):
    with session_scope(make_session_factory(engine)) as session:
        return ensure_default_templates(session)


def test_library_installs_once(engine, library):
    assert library == {"added": len(default_library()), "updated": 0}
    assert len(default_library()) >= 96
    with session_scope(make_session_factory(engine)) as session:
        assert ensure_default_templates(session) == {"added": 0, "updated": 0}


def test_existing_installs_get_new_and_newer_defaults_but_keep_their_edits(api, engine, library):
    """An install made with an earlier library: a default it never had is added; one it has, unedited,
    is refreshed; one it edited or deleted is left alone; a template of its own keeps its name."""
    from sqlalchemy import delete, select

    from listener.storage.replies import template_digest
    from listener.storage.reply_models import ReplyDefault, ReplyTemplate

    sessions = make_session_factory(engine)
    names = {t["name"]: t for t in default_library()}
    with session_scope(sessions) as session:  # turn the install into one of the earlier library
        rows = {t.name: t for t in session.scalars(select(ReplyTemplate))}
        for name in ("en-business-outage-public", "tr-we-hear-you-dm"):  # did not exist then
            session.delete(rows[name])
            session.execute(delete(ReplyDefault).where(ReplyDefault.name == name))
        old = rows["en-review-1-star-public"]  # an older version of a default, unedited
        old.body = "Sorry about that."
        session.get(ReplyDefault, old.name).digest = template_digest(
            {"language": old.language, "channel": old.channel, "tone": old.tone,
             "conditions": old.conditions, "body": old.body}
        )  # fmt: skip
        ours = rows["en-we-hear-you-public"]  # a template of the team's own with a default's name
        session.delete(ours)
        session.execute(delete(ReplyDefault).where(ReplyDefault.name == ours.name))
        session.flush()
        session.add(
            ReplyTemplate(name=ours.name, language="en", channel="public", body="Ours.", created_by="x")
        )
    edited = next(
        t for t in api.as_("manager").get("/api/v1/templates").json() if t["name"] == "en-praise-dm"
    )
    api.client.patch(f"/api/v1/templates/{edited['id']}", json={"body": "Thanks from the team!"})
    deleted = next(t for t in api.client.get("/api/v1/templates").json() if t["name"] == "tr-praise-dm")
    assert api.client.delete(f"/api/v1/templates/{deleted['id']}").status_code == 204
    with session_scope(sessions) as session:
        assert ensure_default_templates(session) == {"added": 2, "updated": 1}
    now = {t["name"]: t for t in api.client.get("/api/v1/templates").json()}
    assert {"en-business-outage-public", "tr-we-hear-you-dm"} <= set(now)
    assert now["en-review-1-star-public"]["body"] == names["en-review-1-star-public"]["body"]
    assert now["en-praise-dm"]["body"] == "Thanks from the team!"
    assert now["en-we-hear-you-public"]["body"] == "Ours."
    assert "tr-praise-dm" not in now
    with session_scope(sessions) as session:
        assert ensure_default_templates(session) == {"added": 0, "updated": 0}


@pytest.mark.parametrize("text, language, extra, polarity, topic", CASES)
def test_top_suggestion_fits(api, acme, library, text, language, extra, polarity, topic):
    [mid] = (
        api.as_("manager")
        .post("/api/v1/ingest", json={"mentions": [mention(1, text=text, language=language, **extra)]})
        .json()["ids"]
    )
    got = api.as_("agent").get(f"/api/v1/mentions/{mid}/suggestions", params={"channel": "public"}).json()
    assert got["suggestions"], got
    top = got["suggestions"][0]
    template = api.client.get(f"/api/v1/templates/{top['template_id']}").json()
    assert template["language"] == language
    tone_ok = {"sorry": {"apologetic", "empathetic"}, "thanks": {"grateful"}}[polarity]
    assert template["tone"] in tone_ok, (template["name"], got)
    assert top["length"] <= 280
    if topic:
        assert any(topic in r for r in top["reasons"]), top["reasons"]


@pytest.mark.parametrize(
    "text, language, team",
    [
        ("Acme's charger caught fire in my kitchen, this is a safety hazard", "en", "safety"),
        ("I will sue Acme, my lawyer is preparing the lawsuit", "en", "legal"),
        ("Acme veri sızıntısı yaşamış, kart bilgilerim çalındı", "tr", "security"),
        ("Boycott Acme! Total scam", "en", None),
    ],
)
def test_dangerous_mentions_escalate(api, acme, library, text, language, team):
    [mid] = (
        api.as_("manager")
        .post("/api/v1/ingest", json={"mentions": [mention(1, text=text, language=language)]})
        .json()["ids"]
    )
    got = api.as_("agent").get(f"/api/v1/mentions/{mid}/suggestions").json()
    assert got["escalate"] is not None, got
    if team:
        assert got["escalate"]["to"] == team
