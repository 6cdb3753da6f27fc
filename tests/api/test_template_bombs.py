"""Template bombs through the API (issue 16, point 5), on SQLite and PostgreSQL: refused with a 422
at save (create and update), and a bomb already stored is skipped (and logged) when suggestions are
rendered, on the API and on the feed page: never a 500, never a hang."""

from __future__ import annotations

import logging
import re

import pytest

from listener.storage.db import make_session_factory, session_scope
from listener.storage.reply_models import ReplyTemplate
from tests.alerts.bombs import BOMBS
from tests.factories import mention

GOOD = {
    "name": "en-sorry",
    "language": "en",
    "channel": "public",
    "tone": "apologetic",
    "conditions": {"sentiment": [-1, -0.05]},
    "body": "Sorry to hear that, {{ author_name or 'friend' }}. Please DM us.",
}
LONG_NAME = "Jennifer Alexandra Alvarez-Montgomery Smith"  # 45 characters


@pytest.mark.parametrize("body", BOMBS.values(), ids=BOMBS.keys())
def test_bomb_is_a_422_at_save(api, body):
    resp = api.as_("manager").post("/api/v1/templates", json={**GOOD, "name": "bomb", "body": body})
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["details"][0]["field"] == "body"
    created = api.client.post("/api/v1/templates", json=GOOD)
    assert created.status_code == 201
    patched = api.client.patch(f"/api/v1/templates/{created.json()['id']}", json={"body": body})
    assert patched.status_code == 422, patched.text
    assert api.client.get(f"/api/v1/templates/{created.json()['id']}").json()["body"] == GOOD["body"]


def test_stored_bombs_are_skipped_and_logged_at_render(api, acme, engine, caplog):
    api.as_("manager").post("/api/v1/templates", json=GOOD)
    with session_scope(make_session_factory(engine)) as session:  # stored before the save check existed
        for i, body in enumerate(BOMBS.values()):
            session.add(
                ReplyTemplate(
                    name=f"bomb-{i}", language="en", channel="public", tone="apologetic",
                    conditions={"sentiment": [-1, -0.05]}, body=body, created_by="old-version",
                )
            )  # fmt: skip
    [mid] = api.client.post(
        "/api/v1/ingest",
        json={"mentions": [mention(1, text="Acme lost my parcel, terrible", author={"name": LONG_NAME})]},
    ).json()["ids"]
    with caplog.at_level(logging.WARNING, logger="listener.engine.suggestions"):
        got = api.as_("agent").get(f"/api/v1/mentions/{mid}/suggestions", params={"limit": 10})
    assert got.status_code == 200, got.text
    assert [s["name"] for s in got.json()["suggestions"]] == ["en-sorry"]
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert len(skipped) == len(BOMBS), skipped
    page = api.client.get("/")
    assert page.status_code in (200, 303)
    token = re.search(r'name="csrf_token" value="([^"]+)"', api.client.get("/login").text).group(1)  # type: ignore[union-attr]
    form = {"key": api.keys["agent"], "next": "/", "csrf_token": token}
    signed_in = api.client.post("/login", data=form, follow_redirects=False)
    assert signed_in.status_code == 303, signed_in.text
    page = api.client.get("/inbox")
    assert page.status_code == 200 and "Sorry to hear that" in page.text
