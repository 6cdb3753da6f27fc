"""The management screens over HTTP as a manager, on SQLite and PostgreSQL: the query editor's syntax
check and save, the template editor's preview and save, and a rule's backtest before it is saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from listener.pipeline.analysis import current_taxonomy
from listener.pipeline.ingest import store_batch
from listener.schemas.mentions import MentionIn
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import AlertRule, Brand, Query
from listener.storage.reply_models import ReplyTemplate
from tests.factories import mention
from tests.web.conftest import seed_users
from tests.web.inbox_seed import client, sign_in


def _site(engine: Engine) -> int:
    sessions = make_session_factory(engine)
    seed_users(sessions)
    with session_scope(sessions) as s:
        brand = Brand(name="Acme", aliases=[], products=[], lexicon={})
        s.add(brand)
        s.flush()
        s.add(Query(brand_id=brand.id, name="main", expression='"acme"', role="own", enabled=True))
        now = datetime.now(UTC)
        burst = [
            mention(
                i,
                text=f"Acme is awful and broken {i}, I hate it",
                published_at=(now - timedelta(hours=30, minutes=i)).isoformat(),
            )
            for i in range(12)
        ]
        store_batch(s, [MentionIn.model_validate(m).model_dump() for m in burst])
        return brand.id


def test_queries_are_checked_as_typed_and_refused_on_save_with_the_position(engine: Engine) -> None:
    brand_id = _site(engine)
    c = client(engine)
    csrf = sign_in(c, "manager")
    ok = c.post(
        "/manage/queries/check", data={"expression": '"acme" OR @acme'}, headers={"X-CSRF-Token": csrf}
    )
    assert ok.json() == {"ok": True}
    bad = c.post("/manage/queries/check", data={"expression": '"acme" AND ('}, headers={"X-CSRF-Token": csrf})
    assert bad.json()["ok"] is False and bad.json()["pointer"].endswith("^")
    assert c.post("/manage/queries/check", data={"expression": "x"}).status_code == 403  # no token
    refused = c.post(
        "/manage/queries",
        data={"brand_id": brand_id, "name": "broken", "expression": "acme AND (", "csrf_token": csrf},
    )
    assert refused.status_code == 422 and "query syntax error at position" in refused.text
    assert '<pre class="pointer">' in refused.text
    saved = c.post(
        "/manage/queries",
        data={"brand_id": brand_id, "name": "handle", "expression": "@acme OR #acme", "csrf_token": csrf},
    )
    assert saved.status_code == 303
    with session_scope(make_session_factory(engine)) as s:
        assert sorted(s.scalars(select(Query.name))) == ["handle", "main"]


def test_templates_preview_with_sample_values_and_save(engine: Engine) -> None:
    _site(engine)
    c = client(engine)
    csrf = sign_in(c, "manager")
    body = "Hi {{ author_name }}, sorry about {{ topic }}. {{ signature }}"
    shown = c.post("/manage/templates/preview", data={"body": body}, headers={"X-CSRF-Token": csrf}).json()
    assert shown["length"] == len(shown["text"]) and "{{" not in shown["text"]
    broken = c.post("/manage/templates/preview", data={"body": "{{ nope }}"}, headers={"X-CSRF-Token": csrf})
    assert "error" in broken.json()
    r = c.post(
        "/manage/templates",
        data={"name": "Sorry", "language": "en", "channel": "public", "tone": "apologetic", "body": body,
              "conditions": '{"sentiment": [-1, -0.2]}', "enabled": "1", "csrf_token": csrf},
    )  # fmt: skip
    assert r.status_code == 303
    with session_scope(make_session_factory(engine)) as s:
        t = s.scalars(select(ReplyTemplate).where(ReplyTemplate.name == "Sorry")).one()
        assert t.conditions == {"sentiment": [-1, -0.2]} and t.created_by == "manager@acme.example"
    refused = c.post(
        "/manage/templates",
        data={"name": "Bad", "language": "en", "channel": "public", "body": body, "conditions": "[1",
              "csrf_token": csrf},
    )  # fmt: skip
    assert refused.status_code == 422 and "conditions is not valid JSON" in refused.text


def test_a_rule_is_backtested_before_it_is_saved(engine: Engine) -> None:
    brand_id = _site(engine)
    c = client(engine)
    csrf = sign_in(c, "manager")
    form = {"name": "Complaints", "type": "frequency", "params.threshold": "5", "params.window_minutes": "60",
            "brand_id": str(brand_id), "severity": "warning", "days": "3", "csrf_token": csrf}  # fmt: skip
    preview = c.post("/manage/rules", data={**form, "action": "preview"})
    assert preview.status_code == 200 and 'id="backtest"' in preview.text
    assert 'data-incidents="1"' in preview.text and "<svg" in preview.text
    with session_scope(make_session_factory(engine)) as s:
        assert s.scalars(select(AlertRule)).all() == []  # a preview saves nothing
    bad = c.post("/manage/rules", data={**form, "params.threshold": "0", "action": "preview"})
    assert bad.status_code == 422 and "params.threshold" in bad.text
    assert c.post("/manage/rules", data={**form, "action": "save"}).status_code == 303
    with session_scope(make_session_factory(engine)) as s:
        rule = s.scalars(select(AlertRule)).one()
        assert rule.scope == {"brand_ids": [brand_id]} and rule.created_by == "manager@acme.example"


def test_the_taxonomy_is_edited_as_json_validated_and_reset(engine: Engine) -> None:
    _site(engine)
    c = client(engine)
    csrf = sign_in(c, "manager")
    page = c.get("/manage/taxonomy").text
    assert 'data-source="default"' in page and "&#34;topics&#34;" in page
    mine = '{"topics": {"shipping": {"en": ["parcel", "courier"], "tr": ["kargo"]}}, '
    mine += '"crisis": {"en": ["recall"]}}'
    assert c.post("/manage/taxonomy", data={"taxonomy": mine, "csrf_token": csrf}).status_code == 303
    with session_scope(make_session_factory(engine)) as s:
        assert current_taxonomy(s)[0] == "custom" and "shipping" in current_taxonomy(s)[1]["topics"]
    bad = c.post("/manage/taxonomy", data={"taxonomy": '{"topics": 3}', "csrf_token": csrf})
    assert bad.status_code == 422 and "Not saved" in bad.text
    c.post("/manage/taxonomy", data={"action": "reset", "csrf_token": csrf})
    assert 'data-source="default"' in c.get("/manage/taxonomy").text
    agent = client(engine)
    a_csrf = sign_in(agent, "agent")
    assert agent.post("/manage/taxonomy", data={"action": "reset", "csrf_token": a_csrf}).status_code == 403


def test_a_manager_adds_a_brand_with_competitors(engine: Engine) -> None:
    _site(engine)
    c = client(engine)
    csrf = sign_in(c, "manager")
    r = c.post(
        "/manage/brands",
        data={"name": "Globex", "aliases": "globex, GBX", "competitors": "Initech", "csrf_token": csrf},
    )
    assert r.status_code == 303
    page = c.get("/manage/queries").text
    assert 'data-brand="Globex"' in page and 'data-brand="Initech"' in page
    again = c.post("/manage/brands", data={"name": "GLOBEX", "csrf_token": csrf})
    assert again.status_code == 422 and "Not saved" in again.text
    with session_scope(make_session_factory(engine)) as s:
        globex = s.scalars(select(Brand).where(Brand.name == "Globex")).one()
        assert globex.aliases == ["globex", "GBX"] and [b.name for b in globex.competitors] == ["Initech"]
