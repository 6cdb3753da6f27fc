"""Bluesky collector against a real searchPosts recording (bskyr vcr) and a team page-2 payload."""

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
    shared_json,
    team_fixture,
)

from collectors.base import AuthError
from collectors.bluesky import BlueskyCollector, BlueskyParams
from collectors.http import make_client
from listener.settings import Settings

SHARED = "bluesky/searchPosts__q_redistricting__bskyr_vcr.json"
PAGE2 = "bluesky/searchPosts__q_redistricting__page2_until__team.json"


def test_first_run_logged_out(settings: Settings) -> None:
    rec = Recorder([json_response(shared_json(SHARED), headers={"ratelimit-remaining": "2999"})])
    params = BlueskyParams(query="redistricting")
    batch = BlueskyCollector(rec.client(settings), settings).collect(params, None)
    request = rec.requests[0]
    assert str(request.url).startswith("https://public.api.bsky.app/xrpc/app.bsky.feed.searchPosts?")
    assert query_of(request) == {"q": "redistricting", "sort": "latest", "limit": "100"}
    assert "Authorization" not in request.headers and request.headers["User-Agent"] == UA
    assert len(batch.mentions) == 25 and batch.rate_limit_remaining == 2999
    first = batch.mentions[0]
    assert first.external_id == "at://did:plc:kkergqgbhb56ptpwj2wenkje/app.bsky.feed.post/3lpk2u6qo222m"
    assert first.url == "https://bsky.app/profile/socpaperbot.bsky.social/post/3lpk2u6qo222m"
    assert first.author.handle == "socpaperbot.bsky.social"
    assert first.author.name == "Sociology papers (journals + SocArXiv)"
    assert first.text.startswith("Ends Versus Means: Public Opinion on Congressional Redistricting")
    assert first.published_at == datetime(2025, 5, 19, 17, 10, 9, 561858, tzinfo=UTC)
    second = batch.mentions[1]
    assert second.engagement == {"likes": 4, "reposts": 3, "replies": 0, "quotes": 0}
    assert second.language == "en" and second.kind == "post"
    assert batch.mentions[2].kind == "comment"  # record.reply set
    assert batch.next_cursor == "2025-05-19T17:10:09.561858Z"


def test_logged_out_pages_with_until_down_to_cursor(settings: Settings) -> None:
    page2 = json.loads(team_fixture(PAGE2))
    rec = Recorder([json_response(shared_json(SHARED)), json_response(page2)])
    cursor = "2025-05-18T22:00:00Z"
    params = BlueskyParams(query="redistricting")
    batch = BlueskyCollector(rec.client(settings), settings).collect(params, cursor)
    first_q, second_q = (query_of(r) for r in rec.requests)
    assert first_q["since"] == cursor and "until" not in first_q and "cursor" not in first_q
    assert second_q["until"] == "2025-05-19T00:16:50.191000Z" and "cursor" not in second_q
    assert len(batch.mentions) == 27  # the 21:10 post is before the cursor
    spanish = next(m for m in batch.mentions if m.language == "es")
    assert spanish.author.name == "Lucía · mapas electorales"
    assert spanish.engagement == {"likes": 27, "reposts": 9, "replies": 3, "quotes": 2}
    reply = next(m for m in batch.mentions if m.author.handle == "civicdata.bsky.social")
    assert reply.kind == "comment" and reply.author.name is None
    assert batch.next_cursor == "2025-05-19T17:10:09.561858Z"


def test_logged_in_uses_session_and_cursor_paging() -> None:
    settings = make_settings(bluesky_handle="listener.bsky.social", bluesky_app_password="app-pass-1234")
    session = {"did": "did:plc:abc", "handle": "listener.bsky.social", "accessJwt": "jwt-access"}
    page2 = json.loads(team_fixture(PAGE2))
    rec = Recorder([json_response(session), json_response(shared_json(SHARED)), json_response(page2)])
    collector = BlueskyCollector(rec.client(settings), settings)
    batch = collector.collect(BlueskyParams(query="redistricting"), "2025-05-18T22:00:00Z")
    login, first, second = rec.requests
    assert str(login.url) == "https://bsky.social/xrpc/com.atproto.server.createSession"
    assert json.loads(login.content) == {"identifier": "listener.bsky.social", "password": "app-pass-1234"}
    assert first.url.host == "bsky.social" and first.headers["Authorization"] == "Bearer jwt-access"
    assert query_of(second)["cursor"] == "25" and "until" not in query_of(second)
    assert len(batch.mentions) == 27


def test_handle_without_password_needs_credentials() -> None:
    settings = make_settings(bluesky_handle="listener.bsky.social")
    collector = BlueskyCollector(Recorder([]).client(settings), settings)
    with pytest.raises(AuthError, match="needs credentials"):
        collector.collect(BlueskyParams(query="x"), None)


def test_params_validation() -> None:
    assert BlueskyParams(query="acme").limit == 100
    with pytest.raises(ValueError, match="query"):
        BlueskyParams(query="")
    with pytest.raises(ValueError, match="lang"):
        BlueskyParams(query="acme", lang="english")


def test_expired_session_logs_in_again_once() -> None:
    settings = make_settings(bluesky_handle="listener.bsky.social", bluesky_app_password="app-pass-1234")
    expired = json_response({"error": "ExpiredToken", "message": "Token has expired"}, status=400)
    rec = Recorder(
        [json_response({"accessJwt": "jwt-1"}), expired, json_response({"accessJwt": "jwt-2"}),
         json_response({"posts": []})]
    )  # fmt: skip
    batch = BlueskyCollector(rec.client(settings), settings).collect(BlueskyParams(query="acme"), None)
    assert batch.mentions == [] and batch.next_cursor is None
    auth = [r.headers.get("Authorization") for r in rec.requests]
    assert auth == [None, "Bearer jwt-1", None, "Bearer jwt-2"]


def test_backfill_steps_with_until_and_since_over_http(local_server) -> None:
    """The recorded page (25 posts, 2025-05-19 00:16–17:10) in two steps of one page: the second asks
    ``until`` the oldest sortAt of the first, and stops at a post before the requested time."""
    posts = shared_json(SHARED)["posts"]
    newer, older = posts[:12], posts[12:]
    local_server.serve([Scripted(body=json.dumps({"posts": newer, "cursor": "12"}).encode())])
    settings = make_settings(bluesky_base_url=local_server.url)
    params = BlueskyParams(query="redistricting", max_pages=1)
    oldest = datetime(2025, 5, 19, 6, 0, tzinfo=UTC)
    with make_client(settings) as client:
        step1 = BlueskyCollector(client, settings).backfill(params, None, oldest)
        local_server.serve([Scripted(body=json.dumps({"posts": older}).encode())])
        step2 = BlueskyCollector(client, settings).backfill(params, step1.position, oldest)
    first, second = local_server.requests
    assert first["query"]["since"] == ["2025-05-19T06:00:00Z"] and "until" not in first["query"]
    assert second["query"]["until"] == [step1.position] and not step1.done
    everything = step1.mentions + step2.mentions
    assert step2.done and len({m.external_id for m in everything}) == len(everything)
    assert all(m.published_at >= oldest for m in everything)
    assert 0 < len(step2.mentions) < len(older)  # the posts before 06:00 were left out
