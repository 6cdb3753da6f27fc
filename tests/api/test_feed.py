"""GET /api/v1/mentions: order, limits, keyset pagination (also while ingest runs), filters, cursors."""

from __future__ import annotations

import base64
import json
import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from tests.factories import BASE_TIME, mention, mentions

FEED = "/api/v1/mentions"


def ingest(api, items: list[dict]) -> list[int]:
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": items})
    assert resp.status_code == 200, resp.text
    return resp.json()["ids"]


def page(client, **params) -> dict:
    resp = client.get(FEED, params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def feed(client, cursor: str | None = None, **params) -> list[dict]:
    """Every item of the feed for ``params`` (from ``cursor`` on), following cursors."""
    body = page(client, **params, **({"cursor": cursor} if cursor else {}))
    out = list(body["items"])
    while body["next_cursor"]:
        body = page(client, **params, cursor=body["next_cursor"])
        out += body["items"]
    return out


def key(m: dict) -> tuple[datetime, int]:
    return datetime.fromisoformat(m["published_at"]), m["id"]


def at(minutes: float) -> str:
    return (BASE_TIME + timedelta(minutes=minutes)).isoformat()


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


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


@pytest.fixture
def data(api, acme, engine) -> dict:
    """Eleven mentions that differ in one attribute each, some triaged, one a duplicate."""
    api.as_("manager").post("/api/v1/brands", json={"name": "Umbrella"})
    items = [
        mention(0, text="Acme delivery was late again, terrible service", author={"reach": 10}),
        mention(
            1, platform="reddit", kind="comment", text="Acme refund missing, awful", author={"reach": 5000}
        ),
        mention(2, platform="hackernews", text="I love the new Acme app, amazing", author={"reach": 50}),
        mention(
            3, platform="appstore", kind="review", text="Acme kargom hâlâ gelmedi, rezalet!", language="tr"
        ),
        mention(4, brand="Globex", text="Globex prices are too expensive"),
        mention(5, brand=None, text="The weather is nice today"),
        mention(6, text="Acme sale: 50% off everything"),
        mention(7, text="Acme sale: 500 off everything"),
        mention(8, text="use snake_case in the Acme SDK"),
        mention(9, text="use snakeXcase in the Acme SDK"),
        mention(10, title="Acme quarterly REPORT", text="numbers inside", brand="Umbrella"),
    ]
    ids = ingest(api, items)
    agent = api.as_("agent")
    for idx, change in [
        (0, {"status": "in_progress", "assignee": "dana"}),
        (1, {"tags": ["vip", "urgent"], "assignee": "lee"}),
        (2, {"tags": ["vip"]}),
        (3, {"status": "resolved"}),
    ]:
        assert agent.patch(f"{FEED}/{ids[idx]}", json=change).status_code == 200
    with engine.begin() as conn:
        conn.execute(text("UPDATE mention SET duplicate_of = :a WHERE id = :b"), {"a": ids[6], "b": ids[7]})
    return {"ids": ids, "acme": acme}


EXACT = [
    ({"brand": "Acme"}, {0, 1, 2, 3, 6, 7, 8, 9}),
    ({"brand": "aCmE"}, {0, 1, 2, 3, 6, 7, 8, 9}),
    ({"brand": "Globex"}, {4}),
    ({"platform": "reddit"}, {1}),
    ({"platform": "reddit,hackernews"}, {1, 2}),
    ({"platform": ["reddit", "appstore"]}, {1, 3}),
    ({"kind": "comment"}, {1}),
    ({"kind": "review,comment"}, {1, 3}),
    ({"status": "in_progress"}, {0}),
    ({"status": "resolved,in_progress"}, {0, 3}),
    ({"status": "new"}, {1, 2, 4, 5, 6, 7, 8, 9, 10}),
    ({"assignee": "dana"}, {0}),
    ({"tag": "vip"}, {1, 2}),
    ({"tag": "urgent"}, {1}),
    ({"tag": "vi"}, set()),
    ({"min_reach": 1000}, {1}),
    ({"min_reach": 105}, {1, 5, 6, 7, 8, 9, 10}),
    ({"q": "REFUND"}, {1}),
    ({"q": "50%"}, {6}),
    ({"q": "snake_case"}, {8}),
    ({"q": "report"}, {10}),
    ({"q": "sale"}, {6, 7}),
    ({"q": "sale", "hide_duplicates": "true"}, {6}),
    ({"platform": "twitter", "brand": "Acme", "q": "the"}, {8, 9}),
]


@pytest.mark.parametrize(("params", "expected"), EXACT, ids=[json.dumps(p) for p, _ in EXACT])
def test_filter_narrows_to_exactly_the_matching_mentions(api, data, params, expected):
    got = {m["id"] for m in feed(api.as_("viewer"), **params)}
    assert got == {data["ids"][i] for i in expected}


def test_filter_by_brand_id_equals_by_name(api, data):
    by_id = feed(api.as_("viewer"), brand=str(data["acme"]["id"]))
    assert [m["id"] for m in by_id] == [m["id"] for m in feed(api.client, brand="Acme")]
    assert {m["brand"] for m in by_id} == {"Acme"}


def test_hide_duplicates_drops_only_marked_duplicates(api, data):
    all_ids = {m["id"] for m in feed(api.as_("viewer"))}
    assert {m["id"] for m in feed(api.client, hide_duplicates="true")} == all_ids - {data["ids"][7]}


def test_each_request_searches_its_own_tag_and_topic(api, data):
    """Regression: PostgreSQL's compiled JSON needle was cached, so a second tag searched for the first."""
    client, ids = api.as_("viewer"), data["ids"]
    everything = feed(client)
    for _ in range(2):
        assert {m["id"] for m in feed(client, tag="vip")} == {ids[1], ids[2]}
        assert {m["id"] for m in feed(client, tag="urgent")} == {ids[1]}
        assert feed(client, tag="nope") == []
        for topic in ("delivery", "price"):
            expected = {m["id"] for m in everything if topic in m["topics"]}
            assert expected and {m["id"] for m in feed(client, topic=topic)} == expected


def score_in(lo: float, hi: float):  # type: ignore[no-untyped-def]
    return lambda m: m["sentiment"]["score"] is not None and lo <= m["sentiment"]["score"] <= hi


ANALYSED = [
    ({"sentiment": "negative"}, lambda m: m["sentiment"]["label"] == "negative"),
    ({"sentiment": "positive,neutral"}, lambda m: m["sentiment"]["label"] in ("positive", "neutral")),
    ({"min_score": 0.3}, score_in(0.3, 1)),
    ({"max_score": -0.3}, score_in(-1, -0.3)),
    ({"min_score": -0.8, "max_score": 0.5}, score_in(-0.8, 0.5)),
    ({"topic": "delivery"}, lambda m: "delivery" in m["topics"]),
    ({"language": "tr"}, lambda m: m["language"] == "tr"),
]


@pytest.mark.parametrize(("params", "match"), ANALYSED, ids=[json.dumps(p) for p, _ in ANALYSED])
def test_filter_on_analysis_matches_what_the_feed_shows(api, data, params, match):
    everything = feed(api.as_("viewer"))
    expected = [m["id"] for m in everything if match(m)]
    assert expected and len(expected) < len(everything), "the data must exercise the filter"
    assert [m["id"] for m in feed(api.client, **params)] == expected


def test_since_is_inclusive_until_exclusive_and_naive_is_utc(api, data):
    ids, client = data["ids"], api.as_("viewer")
    window = {data["ids"][i] for i in (2, 3, 4)}
    assert {m["id"] for m in feed(client, since=at(2), until=at(5))} == window
    assert {m["id"] for m in feed(client, since=at(2)[:19], until=at(5)[:19])} == window
    shifted = (BASE_TIME + timedelta(minutes=2)).astimezone().isoformat()
    assert {m["id"] for m in feed(client, since=shifted, until=at(5))} == window
    assert {m["id"] for m in feed(client, until=at(1))} == {ids[0]}
    resp = client.get(FEED, params={"since": at(5), "until": at(5)})
    assert resp.status_code == 422 and resp.json()["error"]["details"][0]["field"] == "since"


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
