"""Editable topics: the global taxonomy and a brand's own topics tag new mentions at once."""

from __future__ import annotations

from tests.factories import mention


def test_default_taxonomy_is_served(api, acme):
    tax = api.as_("viewer").get("/api/v1/taxonomy").json()
    assert tax["source"] == "default"
    assert {"delivery", "billing_refund"} <= set(tax["topics"])
    assert "boycott" in tax["crisis"]["en"]


def test_replacing_the_taxonomy_changes_tagging_and_reset_restores_it(api, acme):
    new = {
        "topics": {"loyalty": {"en": ["points", "rewards card"], "tr": ["puan"]}},
        "crisis": {"en": ["meltdown"]},
    }
    assert api.as_("agent").put("/api/v1/taxonomy", json=new).status_code == 403
    put = api.as_("manager").put("/api/v1/taxonomy", json=new)
    assert put.status_code == 200 and put.json()["source"] == "custom"
    ids = api.client.post(
        "/api/v1/ingest",
        json={"mentions": [mention(1, text="My Acme rewards card points vanished, total meltdown")]},
    ).json()["ids"]
    got = api.as_("viewer").get(f"/api/v1/mentions/{ids[0]}").json()
    assert got["topics"] == ["loyalty"] and got["crisis_terms"] == ["meltdown"]
    assert api.as_("manager").delete("/api/v1/taxonomy").status_code == 204
    assert api.as_("viewer").get("/api/v1/taxonomy").json()["source"] == "default"


def test_bad_taxonomy_is_422(api, acme):
    for bad in (
        {"topics": {"Bad Name!": {"en": ["x"]}}},
        {"topics": {"ok": {"english": ["x"]}}},
        {"topics": {"ok": {"en": [""]}}},
        {"topics": {"ok": {"en": "not a list"}}},
        {"topic": {}},
    ):
        resp = api.as_("manager").put("/api/v1/taxonomy", json=bad)
        assert resp.status_code == 422, bad
    assert api.as_("viewer").get("/api/v1/taxonomy").json()["source"] == "default"


def test_brand_topics_tag_that_brands_mentions(api, acme):
    resp = api.as_("manager").patch(
        f"/api/v1/brands/{acme['id']}", json={"topics": {"roadrunner": {"en": ["roadrunner 3000"]}}}
    )
    assert resp.status_code == 200 and resp.json()["topics"] == {"roadrunner": {"en": ["roadrunner 3000"]}}
    ids = api.client.post(
        "/api/v1/ingest", json={"mentions": [mention(1, text="The Acme RoadRunner 3000 broke after a day")]}
    ).json()["ids"]
    assert "roadrunner" in api.as_("viewer").get(f"/api/v1/mentions/{ids[0]}").json()["topics"]
