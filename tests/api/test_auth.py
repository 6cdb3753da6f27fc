"""API keys and roles: 401 without a valid key, 403 below the needed role, admin-only key management."""

from __future__ import annotations

import hashlib

import pytest

from tests.factories import mention

FEED = "/api/v1/mentions"


def assert_error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def one_mention(api) -> int:
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": [mention(1, brand=None)]})
    assert resp.status_code == 200, resp.text
    return resp.json()["ids"][0]


def test_no_key_is_401_with_error_shape_and_challenge(client, keys):
    resp = client.get(FEED)
    err = assert_error(resp, 401, "unauthorized")
    assert "Authorization: Bearer" in err["message"]
    assert resp.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer lsn_deadbeef_" + "x" * 43,  # well-formed but unknown
        "Bearer not-a-listener-key",
        "Bearer " + "lsn_" + "a" * 300,  # too long to be a key
        "Basic dXNlcjpwYXNz",  # wrong scheme counts as no key
        "Bearer ",
    ],
)
def test_wrong_key_is_401(client, keys, header):
    assert_error(client.get(FEED, headers={"Authorization": header}), 401, "unauthorized")


def test_key_of_another_role_with_one_character_changed_is_401(client, keys):
    key = keys["admin"]
    forged = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert_error(client.get(FEED, headers={"Authorization": f"Bearer {forged}"}), 401, "unauthorized")


def test_every_role_can_read_the_feed(api):
    for role in ("viewer", "agent", "manager", "admin"):
        assert api.as_(role).get(FEED).status_code == 200


def test_revoked_key_is_401_afterwards(api, keys):
    assert api.as_("viewer").get(FEED).status_code == 200
    resp = api.as_("admin").post("/api/v1/keys/viewer-key/revoke")
    assert resp.status_code == 200, resp.text
    assert resp.json()["name"] == "viewer-key" and resp.json()["revoked_at"] is not None
    err = assert_error(api.as_("viewer").get(FEED), 401, "unauthorized")
    assert "revoked" in err["message"]
    again = api.as_("admin").post("/api/v1/keys/viewer-key/revoke")  # idempotent
    assert again.status_code == 200 and again.json()["revoked_at"] == resp.json()["revoked_at"]
    assert api.as_("agent").get(FEED).status_code == 200, "other keys keep working"


def test_revoking_an_unknown_key_is_404(api):
    assert_error(api.as_("admin").post("/api/v1/keys/nobody/revoke"), 404, "not_found")


@pytest.mark.parametrize("role", ["viewer", "agent", "manager"])
def test_only_admin_can_revoke(api, role):
    assert_error(api.as_(role).post("/api/v1/keys/viewer-key/revoke"), 403, "forbidden")
    assert api.as_("viewer").get(FEED).status_code == 200


def test_viewer_cannot_patch_a_mention(api):
    mid = one_mention(api)
    err = assert_error(
        api.as_("viewer").patch(f"{FEED}/{mid}", json={"status": "resolved"}), 403, "forbidden"
    )
    assert "'agent'" in err["message"] and "'viewer'" in err["message"]
    assert_error(
        api.client.patch(FEED, json={"ids": [mid], "changes": {"status": "resolved"}}), 403, "forbidden"
    )
    assert api.client.get(f"{FEED}/{mid}").json()["status"] == "new"
    assert api.client.get(f"{FEED}/{mid}/history").json() == []


def test_agent_can_patch_a_mention(api):
    mid = one_mention(api)
    resp = api.as_("agent").patch(f"{FEED}/{mid}", json={"status": "resolved"})
    assert resp.status_code == 200, resp.text
    assert api.as_("viewer").get(f"{FEED}/{mid}").json()["status"] == "resolved"


def test_agent_cannot_create_a_brand_but_manager_can(api):
    body = {"name": "Umbrella"}
    assert_error(api.as_("agent").post("/api/v1/brands", json=body), 403, "forbidden")
    assert api.client.get("/api/v1/brands").json() == []
    assert api.as_("manager").post("/api/v1/brands", json=body).status_code == 201
    assert [b["name"] for b in api.as_("viewer").get("/api/v1/brands").json()] == ["Umbrella"]


@pytest.mark.parametrize("role", ["viewer", "agent"])
def test_ingest_needs_manager(api, role):
    assert_error(
        api.as_(role).post("/api/v1/ingest", json={"mentions": [mention(1, brand=None)]}), 403, "forbidden"
    )
    assert api.client.get(FEED).json()["items"] == []


@pytest.mark.parametrize("role", ["viewer", "agent", "manager"])
def test_only_admin_can_list_or_create_keys(api, role):
    assert_error(api.as_(role).get("/api/v1/keys"), 403, "forbidden")
    assert_error(api.client.post("/api/v1/keys", json={"name": "x", "role": "viewer"}), 403, "forbidden")
    names = [k["name"] for k in api.as_("admin").get("/api/v1/keys").json()]
    assert "x" not in names


def test_created_key_works_with_its_role_and_hash_is_never_listed(api, client):
    resp = api.as_("admin").post("/api/v1/keys", json={"name": "ci-bot", "role": "agent"})
    assert resp.status_code == 201, resp.text
    created = resp.json()
    key = created["key"]
    assert key.startswith("lsn_" + created["prefix"] + "_") and created["role"] == "agent"
    listed = api.client.get("/api/v1/keys")
    assert listed.status_code == 200
    rows = listed.json()
    assert [r["name"] for r in rows][:1] == ["ci-bot"], "newest first"
    assert {r["name"] for r in rows} == {"ci-bot", "viewer-key", "agent-key", "manager-key", "admin-key"}
    for row in rows:
        assert "key" not in row and "key_hash" not in row
    assert key not in listed.text and hashlib.sha256(key.encode()).hexdigest() not in listed.text
    own = {"Authorization": f"Bearer {key}"}
    assert client.get(FEED, headers=own).status_code == 200
    assert_error(client.post("/api/v1/brands", json={"name": "B"}, headers=own), 403, "forbidden")
    assert_error(client.get("/api/v1/keys", headers=own), 403, "forbidden")


def test_key_use_is_recorded_as_last_used(api):
    api.as_("viewer").get(FEED)
    rows = {r["name"]: r for r in api.as_("admin").get("/api/v1/keys").json()}
    assert rows["viewer-key"]["last_used_at"] is not None
    assert rows["agent-key"]["last_used_at"] is None


def test_duplicate_key_name_is_409_and_bad_role_is_422(api):
    assert_error(
        api.as_("admin").post("/api/v1/keys", json={"name": "viewer-key", "role": "viewer"}), 409, "conflict"
    )
    err = assert_error(
        api.client.post("/api/v1/keys", json={"name": "k", "role": "root"}), 422, "validation_error"
    )
    assert err["details"][0]["field"] == "role"


@pytest.mark.parametrize("path", ["/healthz", "/metrics"])
def test_health_and_metrics_need_no_key(client, path):
    assert "authorization" not in {k.lower() for k in client.headers}
    assert client.get(path).status_code == 200
