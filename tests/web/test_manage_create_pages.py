"""New channel, new source and changing a rule over HTTP, on SQLite and PostgreSQL: the forms refuse
what the API refuses with the API's message (one validation path), never show a secret back, need
the CSRF token, and only a manager gets them (an agent and a viewer are refused every screen and
every action)."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import Engine, select

from listener.engine.channel_check import check_config
from listener.engine.rule_check import create_rule
from listener.errors import Unprocessable
from listener.schemas.alerts import RuleCreate
from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import AlertRule, AuditEvent, Channel, Source
from tests.web.conftest import seed_users
from tests.web.inbox_seed import client, sign_in

SECRET = "hook-signing-secret-42"


def _rule(engine: Engine) -> int:
    sessions = make_session_factory(engine)
    seed_users(sessions)
    with session_scope(sessions) as s:
        body = RuleCreate(name="Negative share", type="negative_share", scope={"platforms": ["twitter"]})
        rule = create_rule(s, body, actor="test")
        s.flush()
        return rule.id


def test_a_channel_form_checks_like_the_api_and_never_shows_the_secret(engine: Engine) -> None:
    _rule(engine)
    c = client(engine, outbound_allow="127.0.0.1")
    csrf = sign_in(c, "manager")
    page = c.get("/manage/channels/new?type=email")
    assert page.status_code == 200
    assert 'name="config.host"' in page.text and 'type="password" id="f-password"' in page.text
    assert '<option value="starttls"' in page.text  # the Literal's choices
    form = {
        "csrf_token": csrf,
        "type": "webhook",
        "name": "Ops",
        "config.url": "ftp://nowhere",
        "config.secret": SECRET,
    }
    refused = c.post("/manage/channels", data=form)
    assert refused.status_code == 422 and "Not saved:" in refused.text
    assert SECRET not in refused.text and 'value="Ops"' in refused.text  # the name is kept, not the secret
    with pytest.raises(Unprocessable) as api:  # what the API answers to the same config
        check_config(
            "webhook", {"url": "ftp://nowhere", "secret": SECRET}, Settings(_env_file=None).outbound_policy()
        )
    assert html.escape(api.value.message) in refused.text
    missing = c.post("/manage/channels", data={**form, "config.url": ""})
    assert missing.status_code == 422 and "a webhook channel needs url" in missing.text
    assert (
        c.post("/manage/channels", data={k: v for k, v in form.items() if k != "csrf_token"}).status_code
        == 403
    )
    done = c.post(
        "/manage/channels", data={**form, "config.url": "http://127.0.0.1:9/hook", "enabled": "true"}
    )
    assert done.status_code == 303 and done.headers["location"] == "/manage/channels"
    listed = c.get("/manage/channels")
    assert "Channel Ops created; send a test to check it." in listed.text and SECRET not in listed.text
    with session_scope(make_session_factory(engine)) as s:
        channel = s.scalars(select(Channel)).one()
        assert channel.type == "webhook" and channel.config["secret"] == SECRET and channel.enabled
        audit = s.scalars(select(AuditEvent).where(AuditEvent.entity == "channel")).one()
        assert SECRET not in str(audit.changes)
    again = c.post("/manage/channels", data={**form, "config.url": "http://127.0.0.1:9/hook"})
    assert again.status_code == 422 and "already" in again.text  # the name is taken


def test_a_source_form_takes_typed_params_and_a_schedule(engine: Engine) -> None:
    _rule(engine)
    c = client(engine)
    csrf = sign_in(c, "manager")
    page = c.get("/manage/sources/new?platform=hackernews")
    assert page.status_code == 200 and 'name="params.query"' in page.text
    assert 'name="params.tags" value="story" checked' in page.text  # the default choices
    base = {"csrf_token": csrf, "platform": "hackernews", "name": "HN Acme"}
    refused = c.post("/manage/sources", data={**base, "params.max_requests": "lots"})
    assert refused.status_code == 422 and "params.query" in refused.text
    assert "invalid params for platform &#39;hackernews&#39;" in refused.text
    short = c.post("/manage/sources", data={**base, "params.query": "acme", "interval_seconds": "5"})
    assert short.status_code == 422 and "interval_seconds" in short.text
    done = c.post(
        "/manage/sources",
        data={
            **base,
            "params.query": "acme",
            "params.tags": "story",
            "interval_seconds": "600",
            "paused": "true",
        },
    )
    assert done.status_code == 303, done.text
    with session_scope(make_session_factory(engine)) as s:
        source = s.scalars(select(Source)).one()
        assert source.params["query"] == "acme" and source.params["tags"] == ["story"]
        assert source.interval_seconds == 600 and source.enabled is False


def test_a_rule_is_changed_after_a_preview_and_turned_off(engine: Engine) -> None:
    rule_id = _rule(engine)
    c = client(engine)
    csrf = sign_in(c, "manager")
    page = c.get(f"/manage/rules/{rule_id}")
    assert page.status_code == 200 and "Change rule Negative share" in page.text
    form = {"csrf_token": csrf, "name": "Negative share (strict)", "params.threshold": "0.5",
            "severity": "critical", "resolve_after_minutes": "60", "days": "3"}  # fmt: skip
    bad = c.post(f"/manage/rules/{rule_id}", data={**form, "params.threshold": "7", "action": "save"})
    assert bad.status_code == 422 and "invalid negative_share rule params" in bad.text
    preview = c.post(f"/manage/rules/{rule_id}", data={**form, "action": "preview"})
    assert preview.status_code == 200 and 'id="backtest"' in preview.text
    with session_scope(make_session_factory(engine)) as s:
        assert s.get(AlertRule, rule_id).name == "Negative share"  # a preview saves nothing
    saved = c.post(f"/manage/rules/{rule_id}", data={**form, "action": "save"})
    assert saved.status_code == 303, saved.text
    off = c.post(f"/manage/rules/{rule_id}/enabled", data={"csrf_token": csrf, "on": "false"})
    assert off.status_code == 303
    with session_scope(make_session_factory(engine)) as s:
        rule = s.get(AlertRule, rule_id)
        assert rule.name == "Negative share (strict)" and rule.severity == "critical"
        assert rule.resolve_after_minutes == 60 and rule.enabled is False
        assert rule.scope == {"platforms": ["twitter"]}  # what the form does not show is kept


def test_agents_and_viewers_get_no_management_screen_or_action(engine: Engine) -> None:
    rule_id = _rule(engine)
    for role in ("agent", "viewer"):
        c = client(engine)
        csrf = sign_in(c, role)
        for path in (
            "/manage/channels/new",
            "/manage/sources/new",
            "/manage/rules",
            f"/manage/rules/{rule_id}",
        ):
            assert c.get(path).status_code == 403, (role, path)
        posts = {
            "/manage/channels": {"type": "webhook", "name": "x", "config.url": "https://example.com/h"},
            "/manage/sources": {"platform": "hackernews", "name": "x", "params.query": "acme"},
            f"/manage/rules/{rule_id}": {"name": "x", "action": "save"},
            f"/manage/rules/{rule_id}/enabled": {"on": "false"},
        }
        for path, form in posts.items():
            assert c.post(path, data={**form, "csrf_token": csrf}).status_code == 403, (role, path)
        inbox = c.get("/inbox").text
        assert "/manage/" not in inbox  # no link to a management screen
    with session_scope(make_session_factory(engine)) as s:
        assert s.scalars(select(Channel)).all() == [] and s.scalars(select(Source)).all() == []
        assert s.get(AlertRule, rule_id).enabled is True
