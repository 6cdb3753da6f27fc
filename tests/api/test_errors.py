"""Bad input never reaches a 500: malformed and oversized bodies, wrong types, unknown endpoints,
values the database cannot hold. Every failure has the shape {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from tests.factories import mention

FEED = "/api/v1/mentions"
BIG = 10**20  # above any BIGINT


def error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def stored(api) -> int:
    return len(api.as_("viewer").get(FEED, params={"limit": 200}).json()["items"])


@pytest.mark.parametrize("raw", ['{"name": ', "{'name': 'Acme'}", '{"name": "Acme",}', "\xff\xfe"])
def test_malformed_json_is_422_with_error_shape(api, raw):
    resp = api.as_("manager").post(
        "/api/v1/brands", content=raw.encode("latin-1"), headers={"Content-Type": "application/json"}
    )
    err = error(resp, 422, "validation_error")
    assert err["details"][0]["type"] == "json_invalid" and "not valid JSON" in err["details"][0]["message"]
    assert api.as_("viewer").get("/api/v1/brands").json() == []


def test_20_mb_body_is_413_and_nothing_is_stored(api, acme):
    batch = [mention(i, text="Acme " + "x" * 90_000) for i in range(240)]
    body = json.dumps({"mentions": batch}).encode()
    assert len(body) > 20 * 1024 * 1024
    resp = api.as_("manager").post(
        "/api/v1/ingest", content=body, headers={"Content-Type": "application/json"}
    )
    err = error(resp, 413, "payload_too_large")
    assert str(10 * 1024 * 1024) in err["message"]
    assert stored(api) == 0


def test_20_mb_chunked_body_without_length_is_413_and_nothing_is_stored(api, acme):
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"mentions": ['
        for i in range(240):
            yield json.dumps(mention(i, text="Acme " + "x" * 90_000)).encode() + (b"," if i < 239 else b"")
        yield b"]}"

    resp = api.as_("manager").post(
        "/api/v1/ingest", content=chunks(), headers={"Content-Type": "application/json"}
    )
    error(resp, 413, "payload_too_large")
    assert stored(api) == 0


def test_body_under_the_limit_is_accepted(api, acme):
    batch = [mention(i, text="Acme " + "y" * 90_000) for i in range(50)]  # about 4.5 MB
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": batch})
    assert resp.status_code == 200 and resp.json()["created"] == 50


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/brands", {"name": 123}, "name"),
        ("/api/v1/brands", {"name": ["Acme"]}, "name"),
        ("/api/v1/brands", {"name": "B", "lexicon": {"great": "very"}}, "lexicon.great"),
        ("/api/v1/brands", {"name": "B", "default_language": "english"}, "default_language"),
        ("/api/v1/brands", [1, 2], None),
        ("/api/v1/ingest", {"mentions": "all of them"}, "mentions"),
        ("/api/v1/ingest", {"mentions": []}, "mentions"),
        ("/api/v1/ingest", {}, "mentions"),
        ("/api/v1/sources", {"name": "s", "platform": "rss", "interval_seconds": "soon"}, "interval_seconds"),
        ("/api/v1/queries", {"brand_id": "first", "name": "q", "expression": "acme"}, "brand_id"),
        ("/api/v1/keys", {"name": None, "role": "viewer"}, "name"),
    ],
)
def test_wrong_types_are_422_naming_the_field(api, path, body, field):
    err = error(api.as_("admin").post(path, json=body), 422, "validation_error")
    assert err["details"][0]["field"] == field
    assert isinstance(err["details"][0]["message"], str) and err["details"][0]["type"]


def test_item_errors_in_a_batch_name_the_index(api, acme):
    batch = [mention(0), mention(1, author={"reach": "lots"}), mention(2, engagement={"likes": -1})]
    err = error(api.as_("manager").post("/api/v1/ingest", json={"mentions": batch}), 422, "validation_error")
    assert {(d["index"], d["field"]) for d in err["details"]} == {
        (1, "author.reach"),
        (2, "engagement.likes"),
    }
    assert "item 1" in err["message"]


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_unknown_endpoint_is_404_in_error_shape(api, method):
    err = error(api.as_("admin").request(method, "/api/v1/nope"), 404, "not_found")
    assert err["message"] == f"no such endpoint: {method} /api/v1/nope"


def test_wrong_method_is_405_in_error_shape(api):
    error(api.as_("admin").delete(FEED), 405, "method_not_allowed")


def test_unknown_endpoint_needs_no_key_to_be_404(client):
    error(client.get("/api/v2/mentions"), 404, "not_found")


BAD_INPUT = [
    ("GET", f"{FEED}/{BIG}", None, 422),
    ("GET", f"{FEED}/{BIG}/history", None, 422),
    ("GET", f"{FEED}/abc", None, 422),
    ("GET", f"/api/v1/brands/{BIG}", None, 422),
    ("GET", f"/api/v1/queries/{BIG}", None, 422),
    ("DELETE", f"/api/v1/sources/{BIG}", None, 422),
    ("GET", f"{FEED}?brand={BIG}", None, 422),
    ("GET", f"{FEED}?brand=%C2%B2", None, 422),  # "²" is a digit to str.isdigit
    ("GET", "/api/v1/stats/share-of-voice?brand=%C2%B2", None, 422),
    ("GET", f"{FEED}?min_reach={BIG}", None, 422),
    ("GET", f"{FEED}?since=0001-01-01T00:00:00%2B05:00", None, 422),
    ("GET", f"{FEED}?until=9999-12-31T23:59:59-05:00", None, 422),
    ("GET", f"{FEED}?since=last-week", None, 422),
    ("GET", f"{FEED}?hide_duplicates=maybe", None, 422),
    ("GET", f"{FEED}?min_score=nan", None, 422),
    ("GET", f"{FEED}?q=" + "x" * 201, None, 422),
    ("PATCH", FEED, {"ids": [BIG], "changes": {"status": "new"}}, 422),
    ("PATCH", f"{FEED}/{BIG}", {"status": "new"}, 422),
    ("POST", "/api/v1/queries", {"brand_id": BIG, "name": "q", "expression": "acme"}, 422),
    ("POST", "/api/v1/ingest", {"mentions": [mention(1, published_at="0001-01-01T00:00:00+05:00")]}, 422),
    ("POST", "/api/v1/ingest", {"mentions": [mention(1, author={"reach": BIG})]}, 422),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"), BAD_INPUT, ids=[f"{m} {p[:70]}" for m, p, *_ in BAD_INPUT]
)
def test_bad_input_is_a_4xx_never_a_500(app, keys, acme, method, path, body, status):
    with TestClient(app, raise_server_exceptions=False) as c:
        c.headers["Authorization"] = f"Bearer {keys['admin']}"
        resp = c.request(method, path, json=body)
        assert resp.status_code == status, resp.text
        assert set(resp.json()["error"]) == {"code", "message", "details"}
        assert c.get(FEED).json()["items"] == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"{FEED}?q=a%00b", None),
        ("GET", f"{FEED}?platform=%00", None),
        ("POST", "/api/v1/ingest", {"mentions": [mention(1, text="nul \x00 inside")]}),
        ("POST", "/api/v1/brands", {"name": "Nul\x00Brand"}),
        ("POST", "/api/v1/keys/%00/revoke", None),
        ("POST", "/api/v1/sources", {"name": "s", "platform": "hackernews", "params": {"query": "a\x00b"}}),
    ],
)
def test_nul_characters_are_stored_or_refused_never_a_500(app, keys, acme, method, path, body):
    """SQLite stores NUL; PostgreSQL cannot, and says so with a 422."""
    with TestClient(app, raise_server_exceptions=False) as c:
        c.headers["Authorization"] = f"Bearer {keys['admin']}"
        resp = c.request(method, path, json=body)
        assert resp.status_code in (200, 201, 404, 422), resp.text
        if resp.status_code == 422:
            assert resp.json()["error"]["code"] == "validation_error"


def test_unexpected_error_is_a_bare_500_logged_with_traceback(app, keys, caplog):
    def boom() -> None:
        raise RuntimeError("secret connection string postgres://u:hunter2@db")

    app.add_api_route("/api/v1/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as c, caplog.at_level(logging.ERROR):
        resp = c.get("/api/v1/boom")
    error(resp, 500, "internal_error")
    assert "hunter2" not in resp.text
    records = [r for r in caplog.records if "unhandled error on GET /api/v1/boom" in r.getMessage()]
    assert records and records[0].exc_info and records[0].exc_info[0] is RuntimeError
