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
