"""GET /api/v1/mentions filters: each narrows to exactly the matching mentions, brand ids equal
names, duplicates hidden, analysis filters agree with what the feed shows, time bounds."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.api.feed_helpers import FEED, at, feed, ingest
from tests.factories import BASE_TIME, mention


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
