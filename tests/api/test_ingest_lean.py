"""The lean ingest path (issue 13): what ``listener serve`` does at startup, and that each faster
step stores exactly what the plain path stores."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from listener.app import create_app
from tests.factories import mention


def test_a_served_app_warms_every_language_and_freezes_the_heap_before_its_first_request(
    settings, engine, keys
):
    gc.unfreeze()
    try:
        with TestClient(create_app(settings, engine=engine, serving=True)) as c:
            assert gc.get_freeze_count() > 0  # startup moved the pipeline's heap out of the collector's way
            c.headers["Authorization"] = f"Bearer {keys['manager']}"
            assert c.post("/api/v1/brands", json={"name": "Acme"}).status_code == 201
            tr = mention(1, text="Acme kargo çok geç geldi, berbat bir hizmet", language="tr")
            resp = c.post("/api/v1/ingest", json={"mentions": [tr, mention(2)]})
            assert resp.status_code == 200 and resp.json()["created"] == 2, resp.text
            items = {m["external_id"]: m for m in c.get("/api/v1/mentions").json()["items"]}
        assert items["tw-1"]["language"] == "tr" and items["tw-1"]["sentiment"]["label"] == "negative"
        assert items["tw-2"]["sentiment"]["label"] == "positive"
    finally:
        gc.unfreeze()


def test_a_nul_deep_in_a_full_batch_is_refused_naming_its_place(api, acme):
    from tests.factories import mentions

    batch = mentions(1000)
    batch[777]["details"] = {"device": "pho\x00ne"}
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": batch})
    assert resp.status_code == 422 and "mentions.777.details.device" in resp.json()["error"]["message"]
    batch[777]["details"] = {"dev\x00ice": "phone"}
    resp = api.client.post("/api/v1/ingest", json={"mentions": batch})
    assert resp.status_code == 422 and "NUL" in resp.json()["error"]["message"]
    batch[777]["details"] = {"device": "a literal \\u0000 is six characters"}
    assert api.client.post("/api/v1/ingest", json={"mentions": batch}).json()["created"] == 1000


def test_the_nul_prefilter_never_misses_one():
    from listener.schemas.common import may_hold_nul, nul_path

    held = [{"a\x00": 1}, ["x\x00"], {"a": [{"b": "\x00"}]}, {"t": (1, "\x00")}, "\x00", {1: "\x00"}]
    for value in held:
        assert may_hold_nul(value) and nul_path(value) is not None
    clean = [{"a": "b"}, {1: "x"}, [1.5, None, True, {"k": ["v"]}], ""]
    assert not any(may_hold_nul(v) for v in clean)
    assert may_hold_nul(object()) and may_hold_nul(2**70)  # orjson cannot write them: walked instead
