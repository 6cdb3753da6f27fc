"""POST /api/v1/ingest: idempotent batches, whole-batch validation, analysis on the way in."""

from __future__ import annotations

from tests.factories import mention, mentions


def test_same_batch_twice_stores_once(api, acme):
    batch = mentions(1000)
    first = api.as_("manager").post("/api/v1/ingest", json={"mentions": batch})
    assert first.status_code == 200, first.text
    assert first.json()["created"] == 1000 and first.json()["duplicates"] == 0
    second = api.client.post("/api/v1/ingest", json={"mentions": batch})
    assert second.json() == {"received": 1000, "created": 0, "duplicates": 1000, "ids": []}
    page = api.as_("viewer").get("/api/v1/mentions", params={"limit": 200})
    total, cursor = len(page.json()["items"]), page.json()["next_cursor"]
    while cursor:
        page = api.client.get("/api/v1/mentions", params={"limit": 200, "cursor": cursor}).json()
        total, cursor = total + len(page["items"]), page["next_cursor"]
    assert total == 1000


def test_duplicate_keys_inside_one_batch_count_once(api, acme):
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": [mention(1), mention(1), mention(2)]})
    assert resp.json()["created"] == 2 and resp.json()["duplicates"] == 1


def test_invalid_item_rejects_whole_batch_naming_index_and_field(api, acme):
    batch = mentions(5)
    batch[2]["published_at"] = "yesterday"
    batch[4]["kind"] = "tweet"
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": batch})
    assert resp.status_code == 422
    details = resp.json()["error"]["details"]
    assert {(d["index"], d["field"]) for d in details} == {(2, "published_at"), (4, "kind")}
    assert api.as_("viewer").get("/api/v1/mentions").json()["items"] == []


def test_naive_timestamp_and_unknown_field_are_refused(api, acme):
    naive = mention(1, published_at="2026-11-10T12:00:00")
    extra = mention(2, colour="red")
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": [naive, extra]})
    assert resp.status_code == 422
    fields = {(d["index"], d["field"], d["type"]) for d in resp.json()["error"]["details"]}
    assert (0, "published_at", "timezone_aware") in fields and (1, "colour", "extra_forbidden") in fields


def test_unknown_brand_is_422_and_stores_nothing(api, acme):
    resp = api.as_("manager").post(
        "/api/v1/ingest", json={"mentions": [mention(1), mention(2, brand="Nope")]}
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["details"] == [
        {"index": 1, "field": "brand", "message": "unknown brand 'Nope'; create it first"}
    ]
    assert api.as_("viewer").get("/api/v1/mentions").json()["items"] == []


def test_more_than_1000_items_is_422(api, acme):
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": mentions(1001)})
    assert resp.status_code == 422 and "1000" in resp.json()["error"]["message"]


def test_stored_mentions_are_analysed(api, acme):
    items = [
        mention(1, text="Still waiting for my refund from Acme, three weeks now."),
        mention(2, text="Acme kargom hâlâ gelmedi, rezalet!", language="tr"),
        mention(3, text="Acme's new app is fantastic, love it 😍"),
    ]
    ids = api.as_("manager").post("/api/v1/ingest", json={"mentions": items}).json()["ids"]
    got = [api.as_("viewer").get(f"/api/v1/mentions/{i}").json() for i in ids]
    assert [m["sentiment"]["label"] for m in got] == ["negative", "negative", "positive"]
    assert got[1]["language"] == "tr"
    assert got[0]["sentiment"]["drivers"], "drivers explain the score"
    assert got[0]["brand"] == "Acme"


def test_details_and_a_reply_already_on_the_platform(api, acme):
    """An app review pushed with its platform details and the reply the brand already posted: the
    details come back on the mention, the reply counts as a sent response; bad details are a 422."""
    review = mention(1, platform="googleplay", kind="review", rating=2) | {
        "details": {"app_version": "4.2.1", "device": "Google Pixel 8", "os_version": "34"},
        "reply": {"text": "Sorry! 4.2.2 fixes it.", "replied_at": "2026-11-10T13:00:00Z"},
    }
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": [review, mention(2)]})
    assert resp.status_code == 200, resp.text
    items = {m["external_id"]: m for m in api.as_("viewer").get("/api/v1/mentions").json()["items"]}
    stored = items[review["external_id"]]
    assert stored["details"] == review["details"] and stored["status"] == "replied"
    assert items[mention(2)["external_id"]]["details"] == {}
    stats = api.client.get("/api/v1/stats/responses", params={"group_by": "platform"}).json()
    assert {s["group"]: s["responded"] for s in stats}["googleplay"] == 1
    bad = mention(3) | {"details": {"app_version": 4}}
    assert api.as_("manager").post("/api/v1/ingest", json={"mentions": [bad]}).status_code == 422
