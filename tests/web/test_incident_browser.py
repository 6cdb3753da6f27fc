"""An incident's links in a real headless Chromium: the feed link opens the inbox filtered to the
incident's mentions; the replies link opens the incident's proposed replies, and an agent drafts one
for approval from there."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from listener.app import create_app
from listener.auth import create_key
from listener.engine import evaluation
from listener.engine.payload import brief
from listener.settings import Settings
from listener.storage.db import make_engine, make_session_factory, session_scope
from listener.storage.models import AlertRule, Incident
from listener.storage.replies import ensure_default_templates
from listener.storage.reply_models import Reply
from tests.engine.engine_helpers import brand, mention, rule
from tests.served import serve


def test_the_incident_link_opens_its_mentions_and_drafts_a_proposed_reply(
    sqlite_template: Path,
    tmp_path: Path,
    page,
) -> None:
    path = tmp_path / "incident.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    now = datetime.now(UTC)
    settings = Settings(database_url=url, support_url="https://acme.example/help", _env_file=None)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as s:
        ensure_default_templates(s)
        acme = brand(s)
        rule(s, "mention", brand_id=acme.id)
        leak = [
            mention(
                s,
                acme.id,
                now - timedelta(minutes=3 - k),
                text=text,
                crisis_terms=["leak"],
                sentiment_label="negative",
                sentiment_score=-0.8,
                author_handle=f"p{k}",
            )
            for k, text in enumerate(["Acme leak exposed my address", "the Acme leak is everywhere"])
        ]
        calm = mention(s, acme.id, now - timedelta(minutes=2), text="Acme shipped my order")
        s.flush()
        evaluation.evaluate_mentions(s, [m.id for m in [*leak, calm]], now, settings=settings)
        incident = s.scalars(select(Incident)).one()
        links = brief(s, s.get(AlertRule, incident.rule_id), incident, settings)["explanation"]["links"]
        _, key = create_key(s, name="agent", role="agent")
    try:
        with serve(create_app(settings, engine=engine)) as base:
            page.goto(base + "/login")
            page.click("details.key-login summary")
            page.fill("input[name=key]", key)
            with page.expect_navigation():
                page.click("details.key-login button[type=submit]")
            target = urlsplit(links["feed_url"])
            assert target.path == "/inbox"
            response = page.goto(f"{base}{target.path}?{target.query}")
            assert response is not None and response.status == 200
            texts = page.eval_on_selector_all("article > p", "els => els.map(e => e.textContent)")
            assert sorted(texts) == ["Acme leak exposed my address", "the Acme leak is everywhere"]
            old = page.goto(f"{base}/?incident={incident.id}")  # links sent before the inbox: same list
            assert old is not None and urlsplit(page.url).path == "/inbox"
            assert page.locator("article").count() == 2
            target = urlsplit(links["replies_url"])
            page.goto(f"{base}{target.path}#{target.fragment}")
            panel = page.locator("section#replies")
            assert "Proposed replies" in panel.inner_text()
            assert "2 mentions about leak" in page.inner_text("p.summary")
            assert page.locator(".proposal").count() >= 2
            with page.expect_navigation():
                page.locator(".proposal button").first.click()
            assert page.url.endswith(f"/incidents/{incident.id}#replies")
            assert "1 draft(s) await approval." in page.inner_text("p.flash")
            assert page.page_errors == []
        with session_scope(sessions) as s:
            (reply,) = s.scalars(select(Reply)).all()
            assert reply.status == "draft" and reply.created_by == "agent"
    finally:
        engine.dispose()
