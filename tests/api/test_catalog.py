"""Brands, queries and sources: create, read, update, delete, and the validation on each."""

from __future__ import annotations

import pytest

from tests.factories import mention

BRANDS, QUERIES, SOURCES = "/api/v1/brands", "/api/v1/queries", "/api/v1/sources"


def ok(resp, status: int = 200) -> dict:
    assert resp.status_code == status, resp.text
    return resp.json() if status != 204 else {}


def err(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    assert set(resp.json()["error"]) == {"code", "message", "details"}
    assert resp.json()["error"]["code"] == code
    return resp.json()["error"]


# --- brands ---------------------------------------------------------------------------------------


def test_brand_create_read_update_delete(api, acme):
    assert acme["name"] == "Acme" and acme["aliases"] == ["Acme Corp"]
    assert acme["competitors"] == ["Globex", "Initech"] and acme["default_language"] == "en"
    listed = ok(api.as_("viewer").get(BRANDS))
    assert [b["name"] for b in listed] == ["Acme", "Globex", "Initech"], "competitors are created as brands"
    assert ok(api.client.get(f"{BRANDS}/{acme['id']}")) == acme
    body = {
        "aliases": ["ACME Inc", "Acme Inc"],
        "lexicon": {"kargo": -2.5},
        "competitors": ["Globex", "Hooli"],
    }
    updated = ok(api.as_("manager").patch(f"{BRANDS}/{acme['id']}", json=body))
    assert updated["aliases"] == ["ACME Inc", "Acme Inc"] and updated["lexicon"] == {"kargo": -2.5}
    assert updated["competitors"] == ["Globex", "Hooli"] and updated["name"] == "Acme"
    assert ok(api.as_("viewer").get(f"{BRANDS}/{acme['id']}"))["competitors"] == ["Globex", "Hooli"]
    renamed = ok(api.as_("manager").patch(f"{BRANDS}/{acme['id']}", json={"name": "Acme Group"}))
    assert renamed["name"] == "Acme Group" and renamed["aliases"] == ["ACME Inc", "Acme Inc"]
    ok(api.client.delete(f"{BRANDS}/{acme['id']}"), 204)
    err(api.client.get(f"{BRANDS}/{acme['id']}"), 404, "not_found")
    assert [b["name"] for b in ok(api.client.get(BRANDS))] == ["Globex", "Hooli", "Initech"]
    err(api.client.delete(f"{BRANDS}/{acme['id']}"), 404, "not_found")


@pytest.mark.parametrize("name", ["Acme", "acme", "  ACME  ", "Globex"])
def test_duplicate_brand_name_is_409(api, acme, name):
    e = err(api.as_("manager").post(BRANDS, json={"name": name}), 409, "conflict")
    assert "already exists" in e["message"]
    assert len(ok(api.client.get(BRANDS))) == 3


def test_renaming_onto_another_brand_is_409(api, acme):
    globex = next(b for b in ok(api.as_("viewer").get(BRANDS)) if b["name"] == "Globex")
    err(api.as_("manager").patch(f"{BRANDS}/{globex['id']}", json={"name": "ACME"}), 409, "conflict")
    assert ok(api.client.patch(f"{BRANDS}/{globex['id']}", json={"name": "GLOBEX"}))["name"] == "GLOBEX"


def test_brand_cannot_be_its_own_competitor(api, acme):
    e = err(
        api.as_("manager").post(BRANDS, json={"name": "Hooli", "competitors": ["hooli"]}),
        422,
        "validation_error",
    )
    assert e["details"] == [{"field": "competitors"}]
    assert "Hooli" not in [b["name"] for b in ok(api.client.get(BRANDS))]
    err(
        api.client.patch(f"{BRANDS}/{acme['id']}", json={"competitors": ["Globex", "ACME"]}),
        422,
        "validation_error",
    )
    assert ok(api.client.get(f"{BRANDS}/{acme['id']}"))["competitors"] == ["Globex", "Initech"]


def test_deleting_a_brand_leaves_its_mentions_unlinked(api, acme):
    ids = ok(api.as_("manager").post("/api/v1/ingest", json={"mentions": [mention(1), mention(2)]}))["ids"]
    ok(api.client.delete(f"{BRANDS}/{acme['id']}"), 204)
    feed = ok(api.as_("viewer").get("/api/v1/mentions"))["items"]
    assert sorted(m["id"] for m in feed) == sorted(ids) and {m["brand"] for m in feed} == {None}
    assert ok(api.client.get(f"/api/v1/mentions/{ids[0]}"))["brand"] is None
    err(api.client.get("/api/v1/mentions", params={"brand": "Acme"}), 422, "validation_error")


def test_unknown_brand_is_404_on_read_update_delete(api):
    for resp in (
        api.as_("manager").get(f"{BRANDS}/999"),
        api.client.patch(f"{BRANDS}/999", json={"aliases": []}),
        api.client.delete(f"{BRANDS}/999"),
    ):
        err(resp, 404, "not_found")


# --- queries --------------------------------------------------------------------------------------


def test_query_create_read_update_delete(api, acme):
    body = {"brand_id": acme["id"], "name": "main", "expression": '("acme" OR @acme) AND NOT hiring lang:en'}
    q = ok(api.as_("manager").post(QUERIES, json=body), 201)
    assert (q["name"], q["expression"], q["role"], q["enabled"]) == ("main", body["expression"], "own", True)
    assert ok(api.as_("viewer").get(f"{QUERIES}/{q['id']}")) == q
    other = ok(api.as_("manager").post(QUERIES, json={**body, "name": "rival", "role": "competitor"}), 201)
    globex = next(b for b in ok(api.client.get(BRANDS)) if b["name"] == "Globex")
    ok(api.client.post(QUERIES, json={**body, "brand_id": globex["id"], "name": "g"}), 201)
    assert [x["id"] for x in ok(api.client.get(QUERIES, params={"brand_id": acme["id"]}))] == [
        q["id"],
        other["id"],
    ]
    assert len(ok(api.client.get(QUERIES))) == 3
    changed = ok(
        api.client.patch(f"{QUERIES}/{q['id']}", json={"expression": "refund* NEAR/3 acme", "enabled": False})
    )
    assert (changed["expression"], changed["enabled"], changed["name"]) == (
        "refund* NEAR/3 acme",
        False,
        "main",
    )
    ok(api.client.delete(f"{QUERIES}/{q['id']}"), 204)
    err(api.client.get(f"{QUERIES}/{q['id']}"), 404, "not_found")


@pytest.mark.parametrize(
    ("expression", "position"),
    [("acme AND", 5), ("(acme", 0), ("acme NEAR/x refund", 5), ('"unclosed', 0)],
)
def test_query_syntax_error_is_422_pointing_at_the_character(api, acme, expression, position):
    resp = api.as_("manager").post(
        QUERIES, json={"brand_id": acme["id"], "name": "bad", "expression": expression}
    )
    e = err(resp, 422, "validation_error")
    d = e["details"][0]
    assert (d["field"], d["position"]) == ("expression", position)
    assert d["pointer"] == expression + "\n" + " " * position + "^"
    assert f"position {position}" in e["message"]
    assert ok(api.client.get(QUERIES)) == []


def test_query_update_with_syntax_error_keeps_the_old_expression(api, acme):
    q = ok(
        api.as_("manager").post(QUERIES, json={"brand_id": acme["id"], "name": "m", "expression": "acme"}),
        201,
    )
    e = err(api.client.patch(f"{QUERIES}/{q['id']}", json={"expression": "acme OR"}), 422, "validation_error")
    assert e["details"][0]["position"] == 5
    assert ok(api.client.get(f"{QUERIES}/{q['id']}"))["expression"] == "acme"


def test_query_validation(api, acme):
    base = {"brand_id": acme["id"], "name": "m", "expression": "acme"}
    err(api.as_("manager").post(QUERIES, json={**base, "brand_id": 9999}), 404, "not_found")
    for bad, field in (
        ({"role": "enemy"}, "role"),
        ({"expression": ""}, "expression"),
        ({"extra": 1}, "extra"),
    ):
        assert (
            err(api.client.post(QUERIES, json={**base, **bad}), 422, "validation_error")["details"][0][
                "field"
            ]
            == field
        )
    err(api.as_("agent").post(QUERIES, json=base), 403, "forbidden")
    assert ok(api.as_("viewer").get(QUERIES)) == []


# --- sources --------------------------------------------------------------------------------------

VALID_SOURCES = [
    ("reddit", {"subreddits": ["r/acme", "AcmeSupport"], "query": "acme"}),
    ("hackernews", {"query": "acme"}),
    ("rss", {"urls": ["https://example.com/feed.xml"], "kind": "news"}),
]


@pytest.mark.parametrize(("platform", "params"), VALID_SOURCES)
def test_source_create_read_update_delete(api, platform, params):
    body = {"name": f"{platform} watch", "platform": platform, "params": params, "interval_seconds": 600}
    s = ok(api.as_("manager").post(SOURCES, json=body), 201)
    assert (s["platform"], s["interval_seconds"], s["enabled"], s["status"]) == (platform, 600, True, "ok")
    assert s["consecutive_failures"] == 0 and s["mentions_collected"] == 0
    assert ok(api.as_("viewer").get(f"{SOURCES}/{s['id']}")) == s
    assert [x["id"] for x in ok(api.client.get(SOURCES))] == [s["id"]]
    changed = ok(
        api.as_("manager").patch(f"{SOURCES}/{s['id']}", json={"enabled": False, "interval_seconds": 60})
    )
    assert (changed["enabled"], changed["interval_seconds"], changed["name"]) == (False, 60, body["name"])
    ok(api.client.delete(f"{SOURCES}/{s['id']}"), 204)
    err(api.client.get(f"{SOURCES}/{s['id']}"), 404, "not_found")


def test_source_params_are_normalised_by_the_collector(api):
    s = ok(
        api.as_("manager").post(
            SOURCES, json={"name": "r", "platform": "reddit", "params": {"subreddits": ["r/Acme"]}}
        ),
        201,
    )
    assert s["params"] == {"subreddits": ["Acme"]}


@pytest.mark.parametrize(
    ("platform", "params", "field"),
    [
        ("reddit", {"subreddits": ["acme"], "limit": 500}, "params.limit"),
        ("reddit", {"subreddits": ["not a name!"]}, "params.subreddits"),
        ("reddit", {}, "params."),
        ("reddit", {"query": "acme", "comments": True}, "params."),
        ("reddit", {"query": "acme", "colour": "red"}, "params.colour"),
        ("hackernews", {}, "params.query"),
        ("hackernews", {"query": "acme", "tags": []}, "params.tags"),
        ("rss", {"urls": ["not a url"]}, "params.urls.0"),
        ("rss", {"urls": ["https://example.com/f"], "kind": "comment"}, "params.kind"),
    ],
)
def test_invalid_source_params_are_422_naming_the_param(api, platform, params, field):
    resp = api.as_("manager").post(SOURCES, json={"name": "s", "platform": platform, "params": params})
    e = err(resp, 422, "validation_error")
    assert e["details"][0]["field"].startswith("params.") and e["details"][0]["field"] == field
    assert e["message"].startswith(f"invalid params for platform '{platform}'")
    assert ok(api.client.get(SOURCES)) == []


def test_unknown_platform_is_422_listing_the_known_ones(api):
    e = err(
        api.as_("manager").post(SOURCES, json={"name": "s", "platform": "myspace", "params": {}}),
        422,
        "validation_error",
    )
    assert e["details"][0]["field"] == "platform" and "reddit" in e["details"][0]["message"]
    assert ok(api.client.get(SOURCES)) == []


def test_source_update_validates_params_for_its_platform(api):
    s = ok(
        api.as_("manager").post(
            SOURCES, json={"name": "hn", "platform": "hackernews", "params": {"query": "acme"}}
        ),
        201,
    )
    e = err(
        api.client.patch(f"{SOURCES}/{s['id']}", json={"params": {"subreddits": ["acme"]}}),
        422,
        "validation_error",
    )
    assert {d["field"] for d in e["details"]} == {"params.query", "params.subreddits"}
    assert ok(api.client.get(f"{SOURCES}/{s['id']}"))["params"] == {"query": "acme"}
    assert ok(api.client.patch(f"{SOURCES}/{s['id']}", json={"params": {"query": "globex"}}))["params"] == {
        "query": "globex"
    }
    for bad in ({"interval_seconds": 10}, {"interval_seconds": 8 * 86400}, {"platform": "rss"}):
        err(api.client.patch(f"{SOURCES}/{s['id']}", json=bad), 422, "validation_error")


def _block(engine, source_id: int, status: str) -> None:  # type: ignore[no-untyped-def]
    """Put a source in the state a failed run leaves it in (401/403, or five failures in a row)."""
    from datetime import UTC, datetime, timedelta

    from listener.storage.db import make_session_factory, session_scope
    from listener.storage.models import Source

    with session_scope(make_session_factory(engine)) as session:
        source = session.get(Source, source_id)
        source.status, source.consecutive_failures, source.last_error = status, 5, "403 Forbidden"
        source.next_run_at = None if status == "needs_credentials" else datetime.now(UTC) + timedelta(hours=1)


def _due(engine) -> list[int]:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from listener.storage.db import make_session_factory, session_scope
    from listener.worker.leases import claim_due

    with session_scope(make_session_factory(engine)) as session:
        return claim_due(session, worker="t", now=datetime.now(UTC))


@pytest.mark.parametrize("status", ["needs_credentials", "paused"])
def test_changing_a_blocked_sources_params_lets_it_run_again(api, engine, status):
    body = {"name": "hn", "platform": "hackernews", "params": {"query": "acme"}}
    s = ok(api.as_("manager").post(SOURCES, json=body), 201)
    _block(engine, s["id"], status)
    renamed = ok(api.client.patch(f"{SOURCES}/{s['id']}", json={"name": "hn 2"}))
    same = ok(api.client.patch(f"{SOURCES}/{s['id']}", json={"params": {"query": "acme"}}))
    assert renamed["status"] == same["status"] == status, "nothing that could fix it changed"
    assert _due(engine) == []
    fixed = ok(api.client.patch(f"{SOURCES}/{s['id']}", json={"params": {"query": "acme corp"}}))
    assert (fixed["status"], fixed["consecutive_failures"], fixed["next_run_at"]) == ("ok", 0, None)
    assert _due(engine) == [s["id"]], "collected again at the next tick"


def test_sources_need_manager_to_change(api):
    body = {"name": "hn", "platform": "hackernews", "params": {"query": "acme"}}
    err(api.as_("agent").post(SOURCES, json=body), 403, "forbidden")
    s = ok(api.as_("manager").post(SOURCES, json=body), 201)
    err(api.as_("viewer").delete(f"{SOURCES}/{s['id']}"), 403, "forbidden")
    err(api.as_("agent").patch(f"{SOURCES}/{s['id']}", json={"enabled": False}), 403, "forbidden")
    assert ok(api.as_("viewer").get(f"{SOURCES}/{s['id']}"))["enabled"] is True
