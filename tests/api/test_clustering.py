"""Reposts and syndicated copies are clustered under the first mention (duplicate_of)."""

from __future__ import annotations

from tests.factories import mention


def test_reposts_and_syndicated_copies_cluster_and_can_be_hidden(api, acme):
    original = "Acme confirms a data breach affecting Acme Pay customers, card numbers may be exposed"
    items = [
        mention(1, text=original),
        mention(2, text=f"RT @newsdesk: {original}"),
        mention(3, text=f"{original} https://t.co/abc #breach"),
        mention(4, text="Completely different complaint: my Acme parcel is late again and nobody answers"),
    ]
    ids = api.as_("manager").post("/api/v1/ingest", json={"mentions": items}).json()["ids"]
    got = {m["id"]: m["duplicate_of"] for m in api.as_("viewer").get("/api/v1/mentions").json()["items"]}
    assert got == {ids[0]: None, ids[1]: ids[0], ids[2]: ids[0], ids[3]: None}
    visible = api.client.get("/api/v1/mentions", params={"hide_duplicates": True}).json()["items"]
    assert sorted(m["id"] for m in visible) == [ids[0], ids[3]]
    later = (
        api.as_("manager")
        .post("/api/v1/ingest", json={"mentions": [mention(9, text=f"RT @someone: {original}")]})
        .json()["ids"]
    )
    assert api.as_("viewer").get(f"/api/v1/mentions/{later[0]}").json()["duplicate_of"] == ids[0]


def test_copies_stored_by_another_worker_cluster_too(api, acme):
    from listener.pipeline import clustering

    ingest = api.as_("manager")
    ingest.post(
        "/api/v1/ingest", json={"mentions": [mention(1, text="Acme opens a new store in Ankara today")]}
    )
    this_worker = dict(clustering._states)  # this process's index, warmed above
    clustering._states.clear()  # ...and now another worker, with its own index, stores a story
    story = "Acme recalls its X200 kettle after reports of overheating bases in three countries"
    other = ingest.post("/api/v1/ingest", json={"mentions": [mention(2, text=story)]}).json()["ids"]
    clustering._states.clear()
    clustering._states.update(this_worker)  # back on the first worker, which never saw that story
    copy = ingest.post("/api/v1/ingest", json={"mentions": [mention(3, text=f"{story} (via Reuters)")]})
    copy_id = copy.json()["ids"][0]
    assert api.as_("viewer").get(f"/api/v1/mentions/{copy_id}").json()["duplicate_of"] == other[0]
