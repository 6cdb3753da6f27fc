"""Issue 16.6: no 500s from nulls in mention updates, and names that differ only in (non-ASCII)
case are one name on both backends (409), including the Turkish dotted and dotless i."""

from __future__ import annotations

import pytest

from tests.factories import mention

FEED = "/api/v1/mentions"


@pytest.fixture
def mid(api, acme) -> int:
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": [mention(1)]})
    return resp.json()["ids"][0]


@pytest.mark.parametrize("field", ["status", "tags", "add_tags", "remove_tags", "note", "sentiment"])
def test_null_in_a_mention_update_is_a_422_naming_the_field_and_changes_nothing(api, mid, field):
    before = api.as_("viewer").get(f"{FEED}/{mid}").json()
    one = api.as_("agent").patch(f"{FEED}/{mid}", json={field: None})
    bulk = api.as_("agent").patch(FEED, json={"ids": [mid], "changes": {field: None}})
    for resp in (one, bulk):
        assert resp.status_code == 422, resp.text
        assert resp.json()["error"]["details"][0]["field"].endswith(field)
    assert api.as_("viewer").get(f"{FEED}/{mid}").json() == before


def test_null_assignee_still_unassigns(api, mid):
    api.as_("agent").patch(f"{FEED}/{mid}", json={"assignee": "dana"})
    resp = api.as_("agent").patch(f"{FEED}/{mid}", json={"assignee": None})
    assert resp.status_code == 200 and resp.json()["assignee"] is None


PAIRS = [
    ("Öztürk Ltd", "ÖZTÜRK LTD"),
    ("Şikayet yanıtı", "ŞİKAYET YANITI"),
    ("İstanbul Kart", "istanbul kart"),
    ("Straße", "STRASSE"),
]


def _rule(name: str) -> dict:
    return {"name": name, "type": "spike", "params": {"sensitivity": "high"}}


def _template(name: str) -> dict:
    return {"name": name, "language": "tr", "channel": "dm", "body": "Merhaba {{ author_name }}"}


CREATES = {
    "brand": ("/api/v1/brands", lambda n: {"name": n}),
    "template": ("/api/v1/templates", _template),
    "rule": ("/api/v1/rules", _rule),
    "channel": (
        "/api/v1/channels",
        lambda n: {
            "name": n,
            "type": "email",
            "config": {"host": "mail.example.com", "from_addr": "l@example.com", "to": ["ops@example.com"]},
        },
    ),
}


@pytest.mark.parametrize("kind", sorted(CREATES))
@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_a_name_differing_only_in_case_is_a_409_on_create_and_rename(api, kind, first, second):
    path, body = CREATES[kind]
    manager = api.as_("manager")
    created = manager.post(path, json=body(first))
    assert created.status_code == 201, created.text
    again = manager.post(path, json=body(second))
    assert again.status_code == 409, again.text
    assert first in again.json()["error"]["message"]
    other = manager.post(path, json=body("Something else"))
    assert other.status_code == 201, other.text
    renamed = manager.patch(f"{path}/{other.json()['id']}", json={"name": second})
    assert renamed.status_code == 409, renamed.text
    # renaming a row to another casing of its own name is allowed
    same = manager.patch(f"{path}/{created.json()['id']}", json={"name": second})
    assert same.status_code == 200, same.text


def test_brand_lookup_by_name_folds_the_same_way(api):
    api.as_("manager").post("/api/v1/brands", json={"name": "Şikayet Hattı"})
    resp = api.as_("viewer").get(FEED, params={"brand": "ŞİKAYET HATTI"})
    assert resp.status_code == 200, resp.text
