"""Changing a channel's config and a source's params, and a rule made of typed params, over HTTP on
SQLite and PostgreSQL: the edit forms are the create forms filled in, a secret left empty is kept
and never shown, the checks and audit rows are the API's PATCH ones, refused forms come back with
what was typed, and only a manager gets them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import AlertRule, AuditEvent, Channel, Source
from tests.web.conftest import seed_users
from tests.web.inbox_seed import client, sign_in

SECRET = "hook-signing-secret-42"


def _seed(engine: Engine) -> tuple[int, int]:
    sessions = make_session_factory(engine)
    seed_users(sessions)
    with session_scope(sessions) as s:
        channel = Channel(
            name="Ops", type="webhook", config={"url": "http://127.0.0.1:9/a", "secret": SECRET}
        )
        source = Source(name="HN Acme", platform="hackernews", params={"query": "acme"}, enabled=True)
        s.add_all([channel, source])
        s.flush()
        return channel.id, source.id


def _manager(engine: Engine, **settings: object) -> tuple[TestClient, str, tuple[int, int]]:
    """A manager's client and CSRF token on a site with a channel and a source (their ids)."""
    ids = _seed(engine)
    c = client(engine, **settings)
    return c, sign_in(c, "manager"), ids


def test_a_channel_is_edited_and_an_empty_secret_keeps_the_stored_one(engine: Engine) -> None:
    c, csrf, (channel_id, _) = _manager(engine, outbound_allow="127.0.0.1")
    assert f'href="/manage/channels/{channel_id}/edit"' in c.get("/manage/channels").text
    page = c.get(f"/manage/channels/{channel_id}/edit")
    assert page.status_code == 200 and "Change channel Ops" in page.text
    assert 'value="http://127.0.0.1:9/a"' in page.text and SECRET not in page.text
    assert "leave empty to keep the stored one" in page.text
    form = {"csrf_token": csrf, "name": "Ops desk", "config.url": "ftp://nowhere", "enabled": "true"}
    refused = c.post(f"/manage/channels/{channel_id}", data=form)
    assert refused.status_code == 422 and "Not saved:" in refused.text
    assert 'value="Ops desk"' in refused.text and 'value="ftp://nowhere"' in refused.text
    assert SECRET not in refused.text
    no_csrf = {k: v for k, v in form.items() if k != "csrf_token"}
    assert c.post(f"/manage/channels/{channel_id}", data=no_csrf).status_code == 403
    done = c.post(f"/manage/channels/{channel_id}", data={**form, "config.url": "http://127.0.0.1:9/b"})
    assert done.status_code == 303 and done.headers["location"] == "/manage/channels"
    assert "Channel Ops desk saved." in c.get("/manage/channels").text
    with session_scope(make_session_factory(engine)) as s:
        channel = s.get(Channel, channel_id)
        assert channel.name == "Ops desk" and channel.config["url"] == "http://127.0.0.1:9/b"
        assert channel.config["secret"] == SECRET  # left empty: kept
        audit = s.scalars(select(AuditEvent).where(AuditEvent.entity == "channel")).one()
        assert audit.action == "update" and SECRET not in str(audit.changes)
    changed = {**form, "config.url": "http://127.0.0.1:9/b", "config.secret": "other-77"}
    new_secret = c.post(f"/manage/channels/{channel_id}", data=changed)
    assert new_secret.status_code == 303
    with session_scope(make_session_factory(engine)) as s:
        assert s.get(Channel, channel_id).config["secret"] == "other-77"
        assert "other-77" not in str([a.changes for a in s.scalars(select(AuditEvent))])


def test_a_source_params_are_edited_with_the_apis_checks(engine: Engine) -> None:
    c, csrf, (_, source_id) = _manager(engine)
    assert f'href="/manage/sources/{source_id}/edit"' in c.get("/manage/sources").text
    page = c.get(f"/manage/sources/{source_id}/edit")
    assert page.status_code == 200 and 'name="params.query" value="acme"' in page.text
    form = {"csrf_token": csrf, "name": "HN Acme", "params.query": "", "params.tags": "comment"}
    refused = c.post(f"/manage/sources/{source_id}", data=form)
    assert refused.status_code == 422 and "invalid params for platform &#39;hackernews&#39;" in refused.text
    assert 'name="params.tags" value="comment" checked' in refused.text  # what was typed is kept
    done = c.post(
        f"/manage/sources/{source_id}", data={**form, "params.query": "acme corp", "interval_seconds": "900"}
    )
    assert done.status_code == 303, done.text
    with session_scope(make_session_factory(engine)) as s:
        source = s.get(Source, source_id)
        assert source.params["query"] == "acme corp" and source.params["tags"] == ["comment"]
        assert source.interval_seconds == 900
        audit = s.scalars(select(AuditEvent).where(AuditEvent.entity == "source")).one()
        assert audit.action == "update" and audit.changes.get("params") is True


def test_a_rule_is_created_from_typed_params_and_a_refusal_keeps_them(engine: Engine) -> None:
    c, csrf, _ = _manager(engine)
    page = c.get("/manage/rules?type=frequency")
    assert page.status_code == 200 and 'name="params.threshold"' in page.text
    assert 'name="params.filter"' in page.text and 'name="params"' not in page.text  # no raw JSON box
    assert 'name="params.min_mentions"' not in page.text  # another type's field
    form = {"csrf_token": csrf, "name": "Complaints", "type": "frequency", "params.threshold": "0",
            "params.window_minutes": "30", "severity": "warning", "days": "3", "action": "save"}  # fmt: skip
    refused = c.post("/manage/rules", data=form)
    assert refused.status_code == 422 and "params.threshold" in refused.text
    assert 'name="params.window_minutes" step="1" value="30"' in refused.text
    assert 'value="Complaints"' in refused.text
    assert c.post("/manage/rules", data={**form, "params.threshold": "4"}).status_code == 303
    with session_scope(make_session_factory(engine)) as s:
        rule = s.scalars(select(AlertRule)).one()
        assert rule.type == "frequency" and rule.params["threshold"] == 4
        assert rule.params["window_minutes"] == 30


def test_agents_get_no_edit_form_or_action(engine: Engine) -> None:
    channel_id, source_id = _seed(engine)
    c = client(engine)
    csrf = sign_in(c, "agent")
    for path in (f"/manage/channels/{channel_id}/edit", f"/manage/sources/{source_id}/edit"):
        assert c.get(path).status_code == 403, path
    posts = {
        f"/manage/channels/{channel_id}": {"name": "x", "config.url": "http://127.0.0.1:9/x"},
        f"/manage/sources/{source_id}": {"name": "x", "params.query": "x"},
        "/manage/rules": {"name": "x", "type": "cardinality", "action": "save"},
    }
    for path, form in posts.items():
        assert c.post(path, data={**form, "csrf_token": csrf}).status_code == 403, path
    with session_scope(make_session_factory(engine)) as s:
        assert s.get(Channel, channel_id).name == "Ops" and s.get(Source, source_id).name == "HN Acme"
        assert s.scalars(select(AlertRule)).all() == []
