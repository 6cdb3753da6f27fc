"""Mastodon collector against real Mastodon.py cassettes (a 4.x test instance) and a team payload."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from collectors_testkit import (
    UA,
    Recorder,
    Scripted,
    json_response,
    make_settings,
    query_of,
    shared_fixture,
    shared_json,
    team_fixture,
)

from collectors.base import CollectorError
from collectors.http import make_client
from collectors.mastodon import MastodonCollector, MastodonParams
from listener.settings import Settings


def test_tag_timeline_first_run(settings: Settings) -> None:
    body = shared_json("mastodon/timelines_tag_hoot__localhost_test_instance.json")
    limits = {"X-RateLimit-Remaining": "299", "X-RateLimit-Reset": "2026-08-01T14:00:00.000Z"}
    rec = Recorder([json_response(body, headers=limits)])
    batch = MastodonCollector(rec.client(settings), settings).collect(MastodonParams(tags=["#hoot"]), None)
    request = rec.requests[0]
    assert str(request.url).startswith("https://mastodon.social/api/v1/timelines/tag/hoot?")
    assert query_of(request) == {"limit": "40"} and request.headers["User-Agent"] == UA
    [toot] = batch.mentions
    assert toot.text == "#hoot (hashtag toot)" and toot.language == "ja"
    assert toot.url == "http://localhost:3000/@mastodonpy_test_2/117020593741189701"
    assert toot.external_id == "http://localhost:3000/ap/users/117020566092212359/statuses/117020593741189701"
    assert toot.author.handle == "mastodonpy_test_2@mastodon.social" and toot.author.reach == 0
    assert toot.published_at == datetime(2026, 8, 1, 13, 55, 55, 867000, tzinfo=UTC)
    assert toot.engagement == {"likes": 0, "reposts": 0, "replies": 0}
    assert json.loads(batch.next_cursor) == {"tag:hoot": "117020593741189701"}
    assert batch.rate_limit_remaining == 299
    assert batch.rate_limit_reset_at == datetime(2026, 8, 1, 14, tzinfo=UTC)


def _link_next(url: str) -> dict[str, str]:
    return {"Link": f'<{url}>; rel="next", <http://localhost:3000/prev>; rel="prev"'}


def test_since_id_then_link_next_down_to_cursor(settings: Settings) -> None:
    statuses = shared_json("mastodon/timelines_public__localhost_test_instance_8_statuses.json")
    ids = sorted((s["id"] for s in statuses), key=lambda i: (len(i), i))
    newer, older = statuses[:4], statuses[4:]
    next_url = f"http://localhost:3000/api/v1/timelines/tag/python?limit=4&max_id={newer[-1]['id']}"
    rec = Recorder([json_response(newer, headers=_link_next(next_url)), json_response(older)])
    params = MastodonParams(tags=["python"], limit=4, base_url="http://localhost:3000")
    cursor = json.dumps({"tag:python": ids[0]})  # the oldest of the 8 is already stored
    batch = MastodonCollector(rec.client(settings), settings).collect(params, cursor)
    assert query_of(rec.requests[0]) == {"limit": "4", "since_id": ids[0]}
    assert str(rec.requests[1].url) == next_url  # the rel="next" link, as given
    assert rec.requests[0].url.host == "localhost" and len(rec.requests) == 2
    assert len(batch.mentions) == 7  # 8 minus the one at the cursor
    texts = [m.text for m in batch.mentions]
    assert "you can't say that on television" in texts  # &#39; unescaped
    assert "@mastodonpy_test beep beep I'm a jeep" in texts  # h-card mention flattened
    assert batch.mentions[0].author.handle == "mastodonpy_test_2@localhost"
    assert json.loads(batch.next_cursor) == {"tag:python": ids[-1]}
    assert not batch.warnings


def test_statuses_search_with_token_only_to_configured_instance() -> None:
    settings = make_settings(mastodon_access_token="masto-secret")
    body = json.loads(team_fixture("mastodon/v2_search_type_statuses__team.json"))
    rec = Recorder([json_response(body), json_response(body)])
    collector = MastodonCollector(rec.client(settings), settings)
    batch = collector.collect(MastodonParams(query="acme"), None)
    request = rec.requests[0]
    assert request.url.path == "/api/v2/search"
    assert query_of(request) == {"q": "acme", "type": "statuses", "limit": "40"}
    assert request.headers["Authorization"] == "Bearer masto-secret"
    reply, launch = batch.mentions
    assert reply.kind == "comment" and reply.language == "de"
    assert reply.text == (
        "@acme Die neue App stürzt bei mir ständig ab & der Support antwortet nicht."
        "\n\nVersion 4.2 auf Android 14."
    )
    assert reply.author.handle == "lena@chaos.example" and reply.author.name == "Lena K."
    assert reply.author.reach == 1287
    assert launch.text == (
        "product launch\n\nAcme 4.2 is out today!\nFaster sync, dark mode and a new widget.\n\n#acme"
    )
    assert launch.engagement == {"likes": 85, "reposts": 37, "replies": 12}
    assert launch.author.handle == "acme@mastodon.social"
    assert json.loads(batch.next_cursor) == {"search": "113502117658213410"}
    collector.collect(MastodonParams(query="acme", base_url="https://other.example"), None)
    assert "Authorization" not in rec.requests[1].headers


def test_params_validation() -> None:
    assert MastodonParams(tags=["#Acme"]).tags == ["Acme"]
    with pytest.raises(ValueError, match="set tags, query, or both"):
        MastodonParams()
    with pytest.raises(ValueError, match="tags"):
        MastodonParams(tags=["two words"])
    with pytest.raises(ValueError, match="base_url"):
        MastodonParams(tags=["a"], base_url="not-a-url")


def test_reblogs_are_unwrapped_to_the_original(settings: Settings) -> None:
    original = shared_json("mastodon/timelines_tag_hoot__localhost_test_instance.json")[0]
    boost = {"id": "117020599999999999", "created_at": "2026-08-01T14:00:00.000Z", "content": "",
             "uri": "http://localhost:3000/users/admin/statuses/117020599999999999/activity",
             "account": {"acct": "admin", "followers_count": 1}, "reblog": original}  # fmt: skip
    rec = Recorder([json_response([boost])])
    batch = MastodonCollector(rec.client(settings), settings).collect(MastodonParams(tags=["hoot"]), None)
    [mention] = batch.mentions
    assert mention.external_id == original["uri"] and mention.text == "#hoot (hashtag toot)"
    assert mention.author.handle == "mastodonpy_test_2@mastodon.social"
    assert json.loads(batch.next_cursor) == {"tag:hoot": "117020599999999999"}  # paging uses the boost's id


def _pages_over_http(local_server, pages: list[tuple[list, str | None]]) -> None:
    for statuses, next_path in pages:
        headers = {"Content-Type": "application/json"}
        if next_path:
            headers["Link"] = f'<{local_server.url}{next_path}>; rel="next"'
        local_server.serve([Scripted(body=json.dumps(statuses).encode(), headers=headers)])


def test_first_run_follows_link_next_over_http_and_stops_at_max_pages(local_server) -> None:
    statuses = shared_json("mastodon/timelines_public__localhost_test_instance_8_statuses.json")
    pages = [(statuses[i : i + 2], f"/api/v1/timelines/tag/acme?limit=2&max_id=p{i}") for i in (0, 2, 4)]
    _pages_over_http(local_server, pages)
    settings = make_settings(mastodon_base_url=local_server.url)
    with make_client(settings) as client:
        batch = MastodonCollector(client, settings).collect(
            MastodonParams(tags=["acme"], limit=2, max_pages=3), None
        )
    paths = [(r["path"], r["query"].get("max_id")) for r in local_server.requests]
    assert paths == [("/api/v1/timelines/tag/acme", None), ("/api/v1/timelines/tag/acme", ["p0"]),
                     ("/api/v1/timelines/tag/acme", ["p2"])]  # fmt: skip
    assert len(batch.mentions) == 6  # three pages of two; the fourth is beyond max_pages
    assert json.loads(batch.next_cursor) == {"tag:acme": statuses[0]["id"]}
    assert not batch.warnings  # a first run has no gap to warn about


def test_link_to_another_host_is_not_followed(local_server) -> None:
    statuses = shared_json("mastodon/timelines_public__localhost_test_instance_8_statuses.json")
    body = json.dumps(statuses[:2]).encode()
    link = {"Link": '<https://evil.example/api/v1/timelines/tag/acme?max_id=1>; rel="next"'}
    local_server.serve([Scripted(body=body, headers=link)])
    settings = make_settings(mastodon_base_url=local_server.url, mastodon_access_token="masto-secret")
    with make_client(settings) as client:
        batch = MastodonCollector(client, settings).collect(MastodonParams(tags=["acme"], limit=2), None)
    assert len(local_server.requests) == 1 and len(batch.mentions) == 2
    assert batch.warnings and "another host" in batch.warnings[0]


def test_search_answer_without_statuses_is_an_error(local_server) -> None:
    accounts_only = json.loads(shared_fixture("mastodon/v2_search_accounts__localhost_test_instance.json"))
    accounts_only.pop("statuses")
    local_server.serve([Scripted(body=json.dumps(accounts_only).encode())])
    settings = make_settings(mastodon_base_url=local_server.url)
    with make_client(settings) as client, pytest.raises(CollectorError, match="no statuses list"):
        MastodonCollector(client, settings).collect(MastodonParams(query="acme"), None)
    empty = shared_json("mastodon/v2_search_type_statuses_empty__localhost_test_instance.json")
    rec = Recorder([json_response(empty)])
    batch = MastodonCollector(rec.client(settings), settings).collect(MastodonParams(query="acme"), None)
    assert batch.mentions == [] and batch.next_cursor is None  # an empty list is a real empty answer


def test_backfill_steps_down_link_next_to_the_oldest_day_over_http(local_server) -> None:
    statuses = shared_json("mastodon/timelines_public__localhost_test_instance_8_statuses.json")
    pages = [
        (statuses[i : i + 3], f"/api/v1/timelines/tag/acme?limit=3&max_id={statuses[i + 2]['id']}")
        for i in (0, 3)
    ]
    _pages_over_http(local_server, pages[:1])  # step 1 has max_pages=1: one page
    settings = make_settings(mastodon_base_url=local_server.url)
    params = MastodonParams(tags=["acme"], limit=3, max_pages=1)
    oldest = datetime(2026, 8, 1, 13, 54, 0, tzinfo=UTC)  # the 7th and 8th statuses are older
    with make_client(settings) as client:
        step1 = MastodonCollector(client, settings).backfill(params, None, oldest)
        assert len(step1.mentions) == 3 and not step1.done
        assert json.loads(step1.position) == {"tag:acme": statuses[2]["id"]}
        _pages_over_http(local_server, [(statuses[3:6], pages[1][1]), (statuses[6:], None)])
        step2 = MastodonCollector(client, settings).backfill(
            params.model_copy(update={"max_pages": 5}), step1.position, oldest
        )
    assert local_server.requests[1]["query"]["max_id"] == [statuses[2]["id"]]  # resumed below the position
    assert [m.external_id for m in step2.mentions] == [s["uri"] for s in statuses[3:6]]
    assert step2.done and json.loads(step2.position) == {"tag:acme": "done"}
    assert len(local_server.requests) == 3  # stopped at the page that reached the oldest day
