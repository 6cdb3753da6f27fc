"""Mastodon collector against real Mastodon.py cassettes (a 4.x test instance) and a team payload."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from collectors_testkit import UA, Recorder, json_response, make_settings, query_of, shared_json, team_fixture

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


def test_min_id_paging_forward_from_cursor(settings: Settings) -> None:
    statuses = shared_json("mastodon/timelines_public__localhost_test_instance_8_statuses.json")
    rec = Recorder([json_response(statuses), json_response([])])
    params = MastodonParams(tags=["python"], limit=8, base_url="http://localhost:3000")
    cursor = json.dumps({"tag:python": "117020500000000000"})
    batch = MastodonCollector(rec.client(settings), settings).collect(params, cursor)
    assert [query_of(r).get("min_id") for r in rec.requests] == ["117020500000000000", "117020593378945190"]
    assert rec.requests[0].url.host == "localhost"
    assert len(batch.mentions) == 8
    texts = [m.text for m in batch.mentions]
    assert "you can't say that on television" in texts  # &#39; unescaped
    assert "@mastodonpy_test beep beep I'm a jeep" in texts  # h-card mention flattened
    assert batch.mentions[0].author.handle == "mastodonpy_test_2@localhost"
    assert json.loads(batch.next_cursor) == {"tag:python": "117020593378945190"}


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
