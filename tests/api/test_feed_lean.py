"""The lean feed path: every feed item is exactly the single-mention shape (brands, JSON columns,
times), and the API-key cache never outlives a revocation beyond what it promises."""

from __future__ import annotations

from sqlalchemy import text

import listener.auth
from tests.factories import mention

FEED = "/api/v1/mentions"


def test_feed_items_equal_the_single_mention_shape(api, acme):
    items = [mention(i) for i in range(6)]
    items[0]["brands"] = ["Globex", "Initech"]  # extra links, sorted by name after the primary
    items[1]["engagement"] = {"likes": 3, "shares": 1}
    items[2]["details"] = {"app_version": "2.1", "device": "Pixel 8"}
    items[3]["title"] = "A title"
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": items})
    assert resp.status_code == 200, resp.text
    ids = resp.json()["ids"]
    mid = ids[4]
    tagged = api.as_("agent").patch(f"/api/v1/mentions/{mid}", json={"tags": ["vip"], "note": "call back"})
    assert tagged.status_code == 200, tagged.text
    viewer = api.as_("viewer")
    got = viewer.get(FEED, params={"limit": 200}).json()["items"]
    assert sorted(m["id"] for m in got) == sorted(ids)
    for item in got:
        assert item == viewer.get(f"{FEED}/{item['id']}").json()
    first = next(m for m in got if m["id"] == ids[0])
    assert first["brands"] == ["Acme", "Globex", "Initech"] and first["brand"] == "Acme"
    assert next(m for m in got if m["id"] == mid)["tags"] == ["vip"]


def test_a_key_revoked_in_this_process_is_refused_at_once(api, acme):
    viewer = api.as_("viewer")
    assert viewer.get(FEED).status_code == 200  # now cached
    assert api.as_("admin").post("/api/v1/keys/viewer-key/revoke").status_code == 200
    assert api.as_("viewer").get(FEED).status_code == 401


def test_a_key_revoked_by_another_process_is_refused_once_the_cache_expires(api, acme, engine, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(listener.auth.time, "monotonic", lambda: clock[0])
    viewer = api.as_("viewer")
    assert viewer.get(FEED).status_code == 200
    with engine.begin() as conn:  # as `listener keys revoke` in another process would: no event here
        conn.execute(text("UPDATE api_key SET revoked_at = CURRENT_TIMESTAMP WHERE name = 'viewer-key'"))
    assert viewer.get(FEED).status_code == 200, "trusted for up to auth_cache_seconds (documented)"
    clock[0] += 5.01  # Settings.auth_cache_seconds defaults to 5
    assert viewer.get(FEED).status_code == 401


def test_disabling_a_user_refuses_their_key_at_once(api, acme):
    made = api.as_("admin").post(
        "/api/v1/users", json={"email": "ana@example.com", "role": "viewer", "display_name": "Ana"}
    )
    assert made.status_code == 201, made.text
    key = api.as_("admin").post(
        "/api/v1/keys", json={"name": "ana", "role": "viewer", "user": "ana@example.com"}
    )
    assert key.status_code == 201, key.text
    client = api.client
    headers = {"Authorization": f"Bearer {key.json()['key']}"}
    assert client.get(FEED, headers=headers).status_code == 200
    disabled = api.as_("admin").post(f"/api/v1/users/{made.json()['id']}/disable")
    assert disabled.status_code == 200, disabled.text
    assert client.get(FEED, headers=headers).status_code == 401
