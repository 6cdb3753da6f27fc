"""People, not keys (issue 15), on SQLite and PostgreSQL: users are admin-only, keys may belong to a
user whose profile signs replies (a team key signs with the brand's team, never the key's name), a
user's role caps their keys, and a disabled user's keys stop working."""

from __future__ import annotations

import pytest

from tests.factories import mention

SIGNED = {
    "name": "en-signed-dm",
    "language": "en",
    "channel": "dm",
    "tone": "apologetic",
    "conditions": {"sentiment": [-1, 0.05]},
    "body": "Hi {{ author_name or 'there' }}, sorry about that.\n{{ signature }}",
}
ALI = {"email": "Ali@Kargola.example", "display_name": "Ali Yılmaz", "role": "agent", "language": "tr"}


def _user(api, **kw):
    resp = api.as_("admin").post("/api/v1/users", json={**ALI, **kw})
    assert resp.status_code == 201, resp.text
    return resp.json()


def _key(api, name, role, user):
    resp = api.as_("admin").post("/api/v1/keys", json={"name": name, "role": role, "user": user})
    assert resp.status_code == 201, resp.text
    return resp.json()["key"]


def _as(api, key):
    api.client.headers["Authorization"] = f"Bearer {key}"
    return api.client


def test_users_are_admin_only_and_validated(api):
    for role in ("viewer", "agent", "manager"):
        assert api.as_(role).get("/api/v1/users").status_code == 403
        assert api.as_(role).post("/api/v1/users", json=ALI).status_code == 403
    ali = _user(api)
    assert ali["email"] == "ali@kargola.example" and ali["active"] is True
    again = api.as_("admin").post("/api/v1/users", json={**ALI, "email": "ALI@kargola.example"})
    assert again.status_code == 409
    for bad in (
        {"email": "not-an-address"},
        {"role": "boss"},
        {"language": "turkish"},
        {"display_name": " "},
    ):
        assert (
            api.client.post("/api/v1/users", json={**ALI, "email": "x@y.example", **bad}).status_code == 422
        )
    patched = api.client.patch(f"/api/v1/users/{ali['id']}", json={"signature": "Ali, Kargola Destek"})
    assert patched.json()["signature"] == "Ali, Kargola Destek"
    assert [u["email"] for u in api.client.get("/api/v1/users").json()] == ["ali@kargola.example"]
    assert api.client.get("/api/v1/users/999999").status_code == 404


def test_replies_are_signed_by_the_person_or_the_team_never_the_key(api, acme):
    api.as_("manager").post("/api/v1/templates", json=SIGNED)
    [mid] = api.client.post(
        "/api/v1/ingest", json={"mentions": [mention(1, text="Acme lost my parcel, awful")]}
    ).json()["ids"]
    team = api.as_("agent").get(f"/api/v1/mentions/{mid}/suggestions", params={"channel": "dm"}).json()
    assert team["suggestions"][0]["text"].endswith("\nAcme Support")
    assert "agent-key" not in team["suggestions"][0]["text"]
    ali = _user(api, email="ali@acme.example", language="en")
    key = _key(api, "agent-ali", "agent", "ali@acme.example")
    person = _as(api, key).get(f"/api/v1/mentions/{mid}/suggestions", params={"channel": "dm"}).json()
    assert person["suggestions"][0]["text"].endswith("\nAli Yılmaz, Acme Support")
    api.as_("admin").patch(f"/api/v1/users/{ali['id']}", json={"signature": "Ali — Acme Care"})
    draft = _as(api, key).post(
        f"/api/v1/mentions/{mid}/replies",
        json={"channel": "dm", "template_id": team["suggestions"][0]["template_id"]},
    )
    assert draft.status_code == 201 and draft.json()["text"].endswith("\nAli — Acme Care")
    assert draft.json()["created_by"] == "agent-ali" and draft.json()["created_by_user_id"] == ali["id"]


def test_turkish_mentions_are_signed_by_the_turkish_team_name(api, acme):
    api.as_("manager").post("/api/v1/templates", json={**SIGNED, "name": "tr-imza", "language": "tr"})
    [mid] = api.client.post(
        "/api/v1/ingest", json={"mentions": [mention(1, text="Acme kargom gelmedi, rezalet", language="tr")]}
    ).json()["ids"]
    got = api.as_("agent").get(f"/api/v1/mentions/{mid}/suggestions").json()
    assert got["suggestions"][0]["text"].endswith("\nAcme Destek Ekibi")


def test_a_users_role_caps_their_keys_and_disabling_stops_them(api):
    ali = _user(api)
    too_high = api.as_("admin").post(
        "/api/v1/keys", json={"name": "k", "role": "manager", "user": ali["email"]}
    )
    assert too_high.status_code == 422 and "agent" in too_high.json()["error"]["message"]
    unknown = api.client.post("/api/v1/keys", json={"name": "k", "role": "agent", "user": "nobody@x.example"})
    assert unknown.status_code == 422
    key = _key(api, "ali-key", "agent", str(ali["id"]))
    assert _as(api, key).get("/api/v1/mentions").status_code == 200
    api.as_("admin").patch(f"/api/v1/users/{ali['id']}", json={"role": "viewer"})
    assert _as(api, key).patch("/api/v1/mentions/1", json={"status": "ignored"}).status_code == 403
    api.as_("admin").post(f"/api/v1/users/{ali['id']}/disable")
    gone = _as(api, key).get("/api/v1/mentions")
    assert gone.status_code == 401 and "disabled" in gone.json()["error"]["message"]


@pytest.mark.parametrize("four_eyes", [True, False])
def test_four_eyes(api, acme, settings, four_eyes):
    api.client.app.state.settings = settings.model_copy(update={"reply_four_eyes": four_eyes})
    [mid] = (
        api.as_("manager")
        .post("/api/v1/ingest", json={"mentions": [mention(1, text="Acme lost my parcel")]})
        .json()["ids"]
    )
    own = api.as_("manager").post(f"/api/v1/mentions/{mid}/replies", json={"channel": "dm", "text": "Sorry!"})
    rid = own.json()["id"]
    approve = api.as_("manager").post(f"/api/v1/replies/{rid}/approve", json={})
    if not four_eyes:
        assert approve.status_code == 200 and approve.json()["status"] == "approved"
        return
    assert approve.status_code == 403, approve.text
    assert approve.json()["error"]["code"] == "four_eyes"
    assert "another manager" in approve.json()["error"]["message"]
    assert api.client.get(f"/api/v1/mentions/{mid}/replies").json()[0]["status"] == "draft"
    assert (
        api.as_("manager").post(f"/api/v1/replies/{rid}/reject", json={"comment": "withdrawn"}).status_code
        == 200
    )
    again = api.as_("manager").post(
        f"/api/v1/mentions/{mid}/replies", json={"channel": "dm", "text": "Sorry."}
    )
    assert api.as_("admin").post(f"/api/v1/replies/{again.json()['id']}/approve", json={}).status_code == 200


def test_four_eyes_compares_people_not_keys(api, acme):
    boss = _user(api, email="boss@acme.example", role="manager")
    first = _key(api, "boss-laptop", "manager", boss["email"])
    second = _key(api, "boss-phone", "manager", boss["email"])
    [mid] = (
        api.as_("manager")
        .post("/api/v1/ingest", json={"mentions": [mention(1, text="Acme lost my parcel")]})
        .json()["ids"]
    )
    rid = (
        _as(api, first)
        .post(f"/api/v1/mentions/{mid}/replies", json={"channel": "dm", "text": "Hi"})
        .json()["id"]
    )
    refused = _as(api, second).post(f"/api/v1/replies/{rid}/approve", json={})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "four_eyes"
    assert api.as_("manager").post(f"/api/v1/replies/{rid}/approve", json={}).status_code == 200
