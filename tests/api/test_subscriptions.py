"""/api/v1/subscriptions: create (the secret shown once), list, read, change, pause and resume,
rotate the secret, delete; the receiver URL under the outbound-address policy and the filter under
the feed's own checks (422 with the field); roles; the audit log never holds the secret."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import AuditEvent

SUBS = "/api/v1/subscriptions"
HOOK = "https://hooks.example.com/listener"


def create(api, **body) -> dict:
    resp = api.as_("manager").post(SUBS, json={"name": "crm", "url": HOOK, **body})
    assert resp.status_code == 201, resp.text
    return resp.json()


def audit_text(engine: Engine) -> str:
    with session_scope(make_session_factory(engine)) as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "push_subscription")).all()
        return " ".join(f"{e.action} {e.changes}" for e in events)


def test_the_secret_is_shown_once_and_never_again(api, acme, engine):
    sub = create(api, filter="brand=Acme&sentiment=negative&platform=twitter,reddit")
    secret = sub["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert sub["state"] == "active" and sub["failures"] == 0 and sub["paused_reason"] is None
    assert sub["filter"] == "brand=Acme&sentiment=negative&platform=twitter,reddit"
    assert sub["created_by"] == "manager-key" and sub["deliveries"] == {}

    for role in ("viewer", "manager", "admin"):
        listed = api.as_(role).get(SUBS)
        one = api.as_(role).get(f"{SUBS}/{sub['id']}")
        assert listed.status_code == one.status_code == 200
        assert secret not in listed.text and secret not in one.text and "secret" not in one.json()
        assert [s["id"] for s in listed.json()] == [sub["id"]]

    rotated = api.as_("manager").post(f"{SUBS}/{sub['id']}/rotate-secret")
    assert rotated.status_code == 200 and rotated.json()["secret"] not in (secret, "")
    again = api.as_("admin").get(f"{SUBS}/{sub['id']}").text
    assert rotated.json()["secret"] not in again
    logged = audit_text(engine)
    assert "create" in logged and "rotated" in logged
    assert secret not in logged and rotated.json()["secret"] not in logged


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://hooks.example.com/x", "http:// or https://"),
        ("not a url", "http:// or https://"),
        ("http://10.0.0.5/hook", "LISTENER_OUTBOUND_ALLOW"),
        ("http://169.254.169.254/latest/meta-data", "LISTENER_OUTBOUND_ALLOW"),
        ("http://localhost:9000/hook", "LISTENER_OUTBOUND_ALLOW"),
        ("http://[::ffff:192.168.1.1]/hook", "LISTENER_OUTBOUND_ALLOW"),
        ("http://[fe80::1/hook", "url: "),
    ],
)
def test_a_url_the_outbound_policy_refuses_is_422(api, url, says):
    resp = api.as_("manager").post(SUBS, json={"name": "crm", "url": url})
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "validation_error" and says in error["message"]
    assert error["details"][0]["field"] == "url"
    assert api.as_("viewer").get(SUBS).json() == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sentiment=angry", "filter.sentiment"),
        ("min_score=5", "filter.min_score"),
        ("since=2026-02-01&until=2026-01-01", "filter.since"),
        ("colour=red", "filter.colour"),
        ("brand=Acme&brand=Globex", "filter.brand"),
        ("just words", "filter"),
        ("brand=Nobody", "filter"),
        ("min_reach=lots", "filter.min_reach"),
    ],
)
def test_a_filter_the_feed_would_refuse_is_422(api, acme, query, field):
    resp = api.as_("manager").post(SUBS, json={"name": "crm", "url": HOOK, "filter": query})
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["message"].startswith("filter: ") and error["details"][0]["field"] == field


def test_other_bad_bodies(api, acme):
    create(api)
    taken = api.as_("manager").post(SUBS, json={"name": "CRM", "url": HOOK})
    assert taken.status_code == 409 and "already exists" in taken.json()["error"]["message"]
    extra = api.as_("manager").post(SUBS, json={"name": "x", "url": HOOK, "secret": "mine"})
    assert extra.status_code == 422
    blank = api.as_("manager").post(SUBS, json={"name": "", "url": HOOK})
    assert blank.status_code == 422
    assert api.as_("viewer").get(f"{SUBS}/999").status_code == 404


def test_change_pause_resume_and_delete(api, acme, engine):
    sub = create(api)
    url = f"{SUBS}/{sub['id']}"
    changed = api.as_("manager").patch(url, json={"name": "warehouse", "filter": "sentiment=negative"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "warehouse" and changed.json()["filter"] == "sentiment=negative"
    bad = api.as_("manager").patch(url, json={"url": "http://192.168.0.10/in"})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "url"
    bad = api.as_("manager").patch(url, json={"filter": "kind=tweet"})
    assert bad.status_code == 422
    assert api.as_("manager").patch(url, json={"state": "sleeping"}).status_code == 422

    paused = api.as_("manager").patch(url, json={"state": "paused"}).json()
    assert paused["state"] == "paused" and paused["paused_reason"] == "paused by manager-key"
    resumed = api.as_("manager").patch(url, json={"state": "active"}).json()
    assert resumed["state"] == "active" and resumed["paused_reason"] is None and resumed["failures"] == 0
    assert api.as_("viewer").get(f"{url}/batches").json() == []

    assert api.as_("manager").delete(url).status_code == 204
    assert api.as_("viewer").get(url).status_code == 404
    logged = audit_text(engine)
    assert "'state': 'paused'" in logged and "'state': 'active'" in logged and "delete" in logged


def test_roles(api, acme, client):
    sub = create(api)
    url = f"{SUBS}/{sub['id']}"
    for role in ("viewer", "agent"):
        assert api.as_(role).post(SUBS, json={"name": "x", "url": HOOK}).status_code == 403
        assert api.as_(role).patch(url, json={"state": "paused"}).status_code == 403
        assert api.as_(role).post(f"{url}/rotate-secret").status_code == 403
        assert api.as_(role).delete(url).status_code == 403
        assert api.as_(role).get(url).status_code == 200
    client.headers.pop("Authorization")
    assert client.get(SUBS).status_code == 401
    assert api.as_("viewer").get(url).json()["state"] == "active"


@pytest.mark.parametrize(
    "query", ["min_reach=99999999999999999999", "incident=99999999999999999999", "q=a%00b"]
)
def test_a_filter_value_the_database_cannot_hold_is_422(api, acme, query):
    resp = api.as_("manager").post(SUBS, json={"name": "crm", "url": HOOK, "filter": query})
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["message"].startswith("filter: ")
