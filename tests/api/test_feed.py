"""GET /api/v1/mentions: order, limits, keyset pagination (also while ingest runs), bad parameters
and cursors."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import text

from tests.api.feed_helpers import FEED, at, b64, feed, ingest, key, page
from tests.factories import mention, mentions


def test_newest_first_by_published_at_then_id(api, acme):
    items = [mention(i, published_at=at(i % 4)) for i in range(12)]
    random.Random(7).shuffle(items)
    ingest(api, items)
    got = page(api.as_("viewer"), limit=200)["items"]
    assert len(got) == 12
    assert [key(m) for m in got] == sorted((key(m) for m in got), reverse=True)
    assert got[0]["published_at"] == got[1]["published_at"] and got[0]["id"] > got[1]["id"], "ties by id"


@pytest.mark.parametrize("limit", [0, -1, 201, "ten"])
def test_limit_out_of_bounds_is_422(api, limit):
    resp = api.as_("viewer").get(FEED, params={"limit": limit})
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "validation_error"
    assert resp.json()["error"]["details"][0]["field"] == "query.limit"


def test_limit_bounds_are_inclusive(api, acme):
    ingest(api, mentions(3))
    one = page(api.as_("viewer"), limit=1)
    assert len(one["items"]) == 1 and one["next_cursor"]
    assert len(page(api.client, limit=200)["items"]) == 3
    assert len(page(api.client)["items"]) == 3


def test_keyset_pagination_returns_each_mention_once(api, acme):
    ids = ingest(api, [mention(i, published_at=at(i // 3)) for i in range(450)])
    client, seen, pages, cursor = api.as_("viewer"), [], 0, None
    while True:
        body = page(client, limit=50, **({"cursor": cursor} if cursor else {}))
        pages += 1
        assert len(body["items"]) == 50
        seen += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 9
    assert sorted(m["id"] for m in seen) == sorted(ids)
    assert [key(m) for m in seen] == sorted((key(m) for m in seen), reverse=True)


def test_paging_while_ingesting_misses_and_repeats_nothing(api, acme):
    before = set(ingest(api, [mention(i, published_at=at(2 * (i // 2))) for i in range(300)]))
    client, seen, cursor, n = api.as_("viewer"), [], None, 0
    while True:
        body = page(client, limit=40, **({"cursor": cursor} if cursor else {}))
        seen += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            break
        n += 1
        newer = [mention(10_000 + n * 10 + k, published_at=at(1000 + n * 10 + k)) for k in range(4)]
        older = [mention(20_000 + n * 10 + k, published_at=at(-100 - n * 10 - k)) for k in range(4)]
        between = [mention(30_000 + n * 10 + k, published_at=at(40 * k + 1 + n)) for k in range(4)]
        tied = [mention(40_000 + n * 10 + k, published_at=at(2 * (7 * n + 3 * k))) for k in range(4)]
        ingest(api, newer + older + between + tied)
        client = api.as_("viewer")
    ids = [m["id"] for m in seen]
    assert len(ids) == len(set(ids)), "no mention is returned twice"
    assert before <= set(ids), f"missing {sorted(before - set(ids))[:10]}"
    assert [key(m) for m in seen] == sorted((key(m) for m in seen), reverse=True)
    assert n >= 7


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("status", "done", "new, in_progress, replied, resolved, ignored"),
        ("status", "new,done", "new, in_progress, replied, resolved, ignored"),
        ("kind", "tweet", "post, comment, review, news"),
        ("sentiment", "angry", "positive, negative, neutral, unscored"),
    ],
)
def test_unknown_enum_value_is_422_naming_allowed_values(api, name, value, allowed):
    resp = api.as_("viewer").get(FEED, params={name: value})
    assert resp.status_code == 422
    err = resp.json()["error"]
    assert allowed in err["message"] and repr(value.split(",")[-1]) in err["message"]
    assert err["details"][0]["field"] == name


def test_unknown_brand_and_inverted_scores_are_422(api, acme):
    resp = api.as_("viewer").get(FEED, params={"brand": "Nope"})
    assert resp.status_code == 422 and resp.json()["error"]["details"][0]["field"] == "brand"
    resp = api.client.get(FEED, params={"min_score": 0.5, "max_score": -0.5})
    assert resp.status_code == 422 and resp.json()["error"]["details"][0]["field"] == "min_score"


FORGED = {
    "random": "not a cursor at all!",
    "base64_garbage": b64(b"\xff\xfe\x00garbage"),
    "json_object": b64(json.dumps({"at": "2026-11-10T12:00:00+00:00", "id": 5}).encode()),
    "json_number": b64(b"42"),
    "wrong_types": b64(json.dumps([5, "2026-11-10T12:00:00+00:00"]).encode()),
    "string_id": b64(json.dumps(["2026-11-10T12:00:00+00:00", "5"]).encode()),
    "bool_id": b64(json.dumps(["2026-11-10T12:00:00+00:00", True]).encode()),
    "float_id": b64(json.dumps(["2026-11-10T12:00:00+00:00", 5.5]).encode()),
    "three_items": b64(json.dumps(["2026-11-10T12:00:00+00:00", 5, 6]).encode()),
    "naive_datetime": b64(json.dumps(["2026-11-10T12:00:00", 5]).encode()),
    "not_a_date": b64(json.dumps(["yesterday", 5]).encode()),
    "huge_id": b64(json.dumps(["2026-11-10T12:00:00+00:00", 10**30]).encode()),
    "before_year_1_in_utc": b64(json.dumps(["0001-01-01T00:00:00+05:00", 5]).encode()),
    "non_ascii": "é" * 10,
}


@pytest.mark.parametrize("cursor", list(FORGED.values()), ids=list(FORGED))
def test_forged_cursor_is_400_invalid_cursor(api, acme, cursor):
    ingest(api, mentions(3))
    resp = api.as_("viewer").get(FEED, params={"cursor": cursor, "limit": 1})
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"]["code"] == "invalid_cursor"


def test_cursor_from_a_previous_page_keeps_working_after_the_row_is_gone(api, acme, engine):
    ingest(api, mentions(5))
    first = page(api.as_("viewer"), limit=2)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM mention WHERE id = :i"), {"i": first["items"][-1]["id"]})
    rest = feed(api.client, limit=2, cursor=first["next_cursor"])
    assert len(rest) == 3 and all(key(m) < key(first["items"][-1]) for m in rest)
