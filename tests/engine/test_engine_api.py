"""The alert API: rules CRUD (422 on bad params), dry run, incidents, silences, channels (secrets
never returned, test message), delivery log, and roles (manager writes, viewer reads)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine_helpers import NOW, SETTINGS, burst, history
from sinks import HttpSink
from sqlalchemy import select

from listener.engine import evaluation
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import Channel, Notification

RULE = {"name": "negative spike", "type": "spike", "params": {"sensitivity": "high"}, "severity": "critical"}


def test_rules_crud_and_validation(api, acme):
    m = api.as_("manager")
    bad = m.post("/api/v1/rules", json={**RULE, "params": {"sensitivity": "extreme", "bogus": 1}})
    assert bad.status_code == 422
    fields = {d["field"] for d in bad.json()["error"]["details"]}
    assert {"params.sensitivity", "params.bogus"} <= fields
    bad_scope = m.post("/api/v1/rules", json={**RULE, "scope": {"brand_ids": ["x"]}})
    assert bad_scope.status_code == 422 and bad_scope.json()["error"]["details"][0]["field"].startswith(
        "scope"
    )
    assert m.post("/api/v1/rules", json={**RULE, "type": "nonsense"}).status_code == 422
    assert m.post("/api/v1/rules", json={**RULE, "channels": [999]}).status_code == 422
    created = m.post("/api/v1/rules", json={**RULE, "scope": {"brand_ids": [acme["id"]]}})
    assert created.status_code == 201, created.text
    rule = created.json()
    assert rule["audience"] == "team" and rule["created_by"] == "manager-key"
    assert m.post("/api/v1/rules", json=RULE).status_code == 409
    flat = m.post("/api/v1/rules", json={"name": "collector broken?", "type": "flatline"}).json()
    assert flat["audience"] == "operators"
    v = api.as_("viewer")
    assert [r["name"] for r in v.get("/api/v1/rules").json()] == ["negative spike", "collector broken?"]
    assert v.post("/api/v1/rules", json={**RULE, "name": "x"}).status_code == 403
    patched = api.as_("manager").patch(f"/api/v1/rules/{rule['id']}", json={"enabled": False, "params": {}})
    assert patched.status_code == 200 and patched.json()["enabled"] is False
    bad_patch = api.as_("manager").patch(f"/api/v1/rules/{rule['id']}", json={"params": {"ratio": 0.5}})
    assert bad_patch.status_code == 422
    assert api.as_("manager").delete(f"/api/v1/rules/{rule['id']}").status_code == 204
    assert api.as_("viewer").get(f"/api/v1/rules/{rule['id']}").status_code == 404


def test_dry_run_over_the_last_days(api, acme, engine):
    with session_scope(make_session_factory(engine)) as s:
        history(s, acme["id"], NOW, days=8)
        burst(s, acme["id"], NOW.replace(minute=0) - timedelta(hours=2), 40)
    rule = (
        api.as_("manager").post("/api/v1/rules", json={**RULE, "scope": {"brand_ids": [acme["id"]]}}).json()
    )
    out = api.as_("viewer").post(
        f"/api/v1/rules/{rule['id']}/test",
        params={"days": 2, "until": (NOW + timedelta(hours=3)).isoformat()},
    )
    assert out.status_code == 200, out.text
    body = out.json()
    assert body["evaluations"] == 48
    (incident,) = body["incidents"]
    at = datetime.fromisoformat(incident["at"])
    assert NOW - timedelta(hours=2) < at <= NOW and incident["key"] == "spike"
    with session_scope(make_session_factory(engine)) as s:  # nothing was stored
        assert s.scalar(select(evaluation.Incident.id)) is None


def test_incidents_acknowledge_resolve_and_delivery_log(api, acme, engine):
    with HttpSink() as sink:
        ch = (
            api.as_("manager")
            .post(
                "/api/v1/channels",
                json={"name": "hook", "type": "webhook", "config": {"url": sink.url, "secret": "k"}},
            )
            .json()
        )
        rule = (
            api.as_("manager")
            .post(
                "/api/v1/rules",
                json={
                    "name": "freq",
                    "type": "frequency",
                    "params": {"threshold": 3},
                    "scope": {"brand_ids": [acme["id"]]},
                    "channels": [ch["id"]],
                },
            )
            .json()
        )
        sessions = make_session_factory(engine)
        now = datetime.now(UTC)
        with session_scope(sessions) as s:
            burst(s, acme["id"], now - timedelta(minutes=45), 4)
            evaluation.evaluate(s, now, settings=SETTINGS)
        v = api.as_("viewer")
        (listed,) = v.get("/api/v1/incidents", params={"status": "open"}).json()
        assert listed["rule_id"] == rule["id"] and listed["status"] == "firing"
        detail = v.get(f"/api/v1/incidents/{listed['id']}").json()
        assert detail["evidence"]["mentions"] == 4
        assert [n["status"] for n in detail["notifications"]] == ["pending"]
        assert v.post(f"/api/v1/incidents/{listed['id']}/acknowledge").status_code == 403
        ack = api.as_("manager").post(f"/api/v1/incidents/{listed['id']}/acknowledge").json()
        assert ack["status"] == "acknowledged" and ack["acknowledged_by"] == "manager-key"
        done = api.as_("manager").post(f"/api/v1/incidents/{listed['id']}/resolve").json()
        assert done["status"] == "resolved" and done["resolved_by"] == "manager-key"
        assert [n["kind"] for n in done["notifications"]] == ["opened", "resolved"]
        assert api.as_("manager").post(f"/api/v1/incidents/{listed['id']}/acknowledge").status_code == 409
        log = v.get("/api/v1/notifications", params={"channel_id": ch["id"]}).json()
        assert [n["kind"] for n in log] == ["resolved", "opened"]
        assert v.get("/api/v1/incidents", params={"status": "bogus"}).status_code == 422


def test_channels_never_return_secrets_and_send_a_test_message(api):
    m = api.as_("manager")
    assert m.post("/api/v1/channels", json={"name": "s", "type": "slack", "config": {}}).status_code == 422
    assert (
        m.post(
            "/api/v1/channels",
            json={"name": "e", "type": "email", "config": {"host": "h", "from_addr": "a@b", "to": "x"}},
        ).status_code
        == 422
    )
    with HttpSink() as sink:
        hook = sink.url + "/services/T000/B000/XXXX"
        made = m.post(
            "/api/v1/channels", json={"name": "slack", "type": "slack", "config": {"webhook_url": hook}}
        )
        assert made.status_code == 201
        ch = made.json()
        assert (
            hook not in made.text
            and ch["secrets"] == {"webhook_url": True}
            and "webhook_url" not in ch["config"]
        )
        listed = api.as_("viewer").get("/api/v1/channels")
        assert hook not in listed.text
        sent = api.as_("manager").post(f"/api/v1/channels/{ch['id']}/test")
        assert sent.status_code == 200, sent.text
        assert sent.json()["status"] == "sent" and sent.json()["kind"] == "test"
        assert len(sink.requests) == 1 and "Test message" in sink.requests[0].json()["text"]
        renamed = api.as_("manager").patch(
            f"/api/v1/channels/{ch['id']}", json={"name": "slack-2", "config": {}}
        )
        assert renamed.status_code == 200 and renamed.json()["secrets"] == {"webhook_url": True}
        assert renamed.json()["deliveries"] == {"sent": 1}


def test_silences_crud(api, acme):
    m = api.as_("manager")
    assert (
        m.post("/api/v1/silences", json={"ends_at": "2030-01-01T00:00:00Z", "comment": "x"}).status_code
        == 422
    )
    assert (
        m.post(
            "/api/v1/silences", json={"brand_id": acme["id"], "ends_at": "2030-01-01T00:00:00Z"}
        ).status_code
        == 422
    )
    early = {
        "brand_id": acme["id"],
        "starts_at": "2030-01-02T00:00:00Z",
        "ends_at": "2030-01-01T00:00:00Z",
        "comment": "x",
    }
    assert m.post("/api/v1/silences", json=early).status_code == 422
    made = m.post(
        "/api/v1/silences",
        json={"brand_id": acme["id"], "ends_at": "2099-01-01T00:00:00Z", "comment": "launch week"},
    )
    assert made.status_code == 201, made.text
    s = made.json()
    assert s["active"] is True and s["created_by"] == "manager-key"
    assert api.as_("viewer").get(f"/api/v1/silences/{s['id']}").json()["comment"] == "launch week"
    cut = api.as_("manager").patch(
        f"/api/v1/silences/{s['id']}", json={"ends_at": datetime.now(UTC).isoformat()}
    )
    assert cut.status_code == 200 and cut.json()["active"] is False
    assert api.as_("viewer").delete(f"/api/v1/silences/{s['id']}").status_code == 403
    assert api.as_("manager").delete(f"/api/v1/silences/{s['id']}").status_code == 204
    assert api.as_("viewer").get("/api/v1/silences").json() == []


def test_outbox_rows_are_visible_per_channel(api, engine):
    sessions = make_session_factory(engine)
    ch = (
        api.as_("manager")
        .post(
            "/api/v1/channels", json={"name": "w", "type": "webhook", "config": {"url": "http://127.0.0.1:9"}}
        )
        .json()
    )
    with session_scope(sessions) as s:
        from listener.engine import delivery

        delivery.queue_test(s, s.get(Channel, ch["id"]), NOW)
    pending = api.as_("viewer").get("/api/v1/notifications", params={"status": "pending"}).json()
    assert len(pending) == 1 and pending[0]["channel_id"] == ch["id"]
    with session_scope(sessions) as s:
        assert s.scalar(select(Notification.status)) == "pending"
