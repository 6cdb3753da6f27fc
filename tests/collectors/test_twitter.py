"""X API v2 recent search against recorded responses (tweepy cassette, X docs examples) and a team page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

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

from collectors.base import AuthError, RetryLater
from collectors.http import make_client
from collectors.twitter import TWITTER_EPOCH_MS, TwitterCollector, TwitterParams
from listener.settings import Settings

TEAM = "twitter/search_recent__includes_users_public_metrics_next_token__team.json"
DOCS_INCLUDES = "twitter/search_recent__expansions_includes_users_tweets__xdocs_example.json"
TWEEPY = "twitter/search_recent__query_Tweepy__tweepy_cassette.json"


def _x(rec: Recorder, settings: Settings) -> TwitterCollector:
    return TwitterCollector(rec.client(settings), settings)


def test_first_run_with_includes_follows_next_token(settings: Settings) -> None:
    limits = {"x-rate-limit-remaining": "449", "x-rate-limit-reset": "1709409600"}
    pages = [json.loads(team_fixture(TEAM)), shared_json(DOCS_INCLUDES)]
    rec = Recorder([json_response(pages[0]), json_response(pages[1], headers=limits)])
    batch = _x(rec, settings).collect(TwitterParams(query='"acme" -is:retweet'), None)
    request = rec.requests[0]
    assert request.url.host == "api.twitter.com" and request.url.path == "/2/tweets/search/recent"
    query = query_of(request)
    assert query["query"] == '"acme" -is:retweet' and query["max_results"] == "100"
    assert query["expansions"].split(",")[0] == "author_id"
    assert query["user.fields"] == "public_metrics,username,name"
    wanted = {"created_at", "lang", "public_metrics", "conversation_id"}
    assert set(query["tweet.fields"].split(",")) >= wanted
    assert "since_id" not in query and "next_token" not in query
    assert request.headers["Authorization"] == "Bearer tw-test-token"
    assert request.headers["User-Agent"] == UA
    assert query_of(rec.requests[1])["next_token"] == "b26v89c19zqg8o3frr3pzqs4b6x5h3f9m4q9p0a3i6ybx"
    assert len(rec.requests) == 2 and len(batch.mentions) == 6  # the docs page has no next_token
    complaint, praise = batch.mentions[:2]
    assert complaint.kind == "comment" and praise.kind == "post"
    assert complaint.text.endswith("Nobody answers. https://www.acme.example/orders/4411")
    assert complaint.author.handle == "dana_p_writes" and complaint.author.reach == 312
    assert complaint.url == "https://x.com/dana_p_writes/status/1764012380671529341"
    assert complaint.published_at == datetime(2024, 3, 2, 19, 41, 7, tzinfo=UTC)
    assert praise.author.reach == 583211 and praise.author.name == "Developers"
    assert praise.engagement == {"likes": 388, "reposts": 41, "replies": 12, "quotes": 6, "views": 52013}
    assert batch.next_cursor == "1764012380671529341"
    assert batch.rate_limit_remaining == 449
    assert batch.rate_limit_reset_at == datetime(2024, 3, 2, 20, 0, tzinfo=UTC)


def _recent_id(hours_ago: float) -> str:
    when = datetime.now(UTC) - timedelta(hours=hours_ago)
    return str((int(when.timestamp() * 1000) - TWITTER_EPOCH_MS) << 22)


def test_since_id_and_next_token_paging(settings: Settings) -> None:
    rec = Recorder([json_response(json.loads(team_fixture(TEAM))), json_response(shared_json(DOCS_INCLUDES))])
    since = _recent_id(hours_ago=2)
    batch = _x(rec, settings).collect(TwitterParams(query="acme"), since)
    first, second = (query_of(r) for r in rec.requests)
    assert first["since_id"] == second["since_id"] == since
    assert second["next_token"] == "b26v89c19zqg8o3frr3pzqs4b6x5h3f9m4q9p0a3i6ybx"
    assert len(batch.mentions) == 6
    docs = next(m for m in batch.mentions if m.external_id == "1276035977375477760")
    assert docs.author.handle == "happycamper" and docs.author.name == "Emily Waligoske 🏕"
    assert docs.kind == "comment" and docs.language == "en"
    assert docs.published_at == datetime(2020, 6, 25, 6, 14, 19, tzinfo=UTC)
    assert batch.next_cursor == since  # the payloads' ids are older than this synthetic cursor


def test_cursor_older_than_search_window_is_dropped(settings: Settings) -> None:
    page = json.loads(team_fixture(TEAM))
    page["meta"].pop("next_token")
    rec = Recorder([json_response(page)])
    batch = _x(rec, settings).collect(TwitterParams(query="acme"), "1275000000000000000")  # June 2020
    assert "since_id" not in query_of(rec.requests[0]) and len(rec.requests) == 1
    assert batch.warnings and "7-day" in batch.warnings[0]
    assert batch.next_cursor == "1764012380671529341"


def test_minimal_fields_fall_back_to_snowflake_time(settings: Settings) -> None:
    rec = Recorder([json_response(shared_json(TWEEPY))])
    batch = _x(rec, settings).collect(TwitterParams(query="Tweepy", max_pages=1), None)
    first = batch.mentions[0]
    assert len(batch.mentions) == 10 and first.text == "2022-10-07 22:42:12.637103 tweepy"
    assert first.published_at.replace(microsecond=0) == datetime(2022, 10, 7, 22, 42, 12, tzinfo=UTC)
    assert first.url == "https://x.com/i/status/1578516068309794817" and first.author.handle is None
    assert batch.next_cursor == "1578516068309794817"


def test_off_without_token_and_429_uses_reset(settings: Settings) -> None:
    no_token = make_settings()
    with pytest.raises(AuthError, match="needs credentials"):
        _x(Recorder([]), no_token).collect(TwitterParams(query="acme"), None)
    reset = int(datetime.now(UTC).timestamp()) + 600
    limits = {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
    rec = Recorder([json_response({"title": "Too Many Requests"}, status=429, headers=limits)])
    with pytest.raises(RetryLater) as info:
        _x(rec, settings).collect(TwitterParams(query="acme"), None)
    assert 590 <= info.value.after_seconds <= 600
    assert "tw-test-token" not in str(info.value)


def test_params_validation() -> None:
    assert TwitterParams(query="acme").max_results == 100
    with pytest.raises(ValueError, match="max_results"):
        TwitterParams(query="acme", max_results=5)
    with pytest.raises(ValueError, match="query"):
        TwitterParams(query="x" * 600)


PAGE1 = "twitter/search_recent__note_tweet_retweet_escaped__page1__team.json"
PAGE2 = "twitter/search_recent__reply_last_page__page2__team.json"


def test_long_posts_entities_reposts_and_next_token_over_http(local_server) -> None:
    """A first run over 127.0.0.1: the long post's full ``note_tweet`` text, ``&amp;``/``&lt;``
    unescaped, the repost stored as its original (once), and ``next_token`` followed to page 2."""
    local_server.serve([Scripted(body=team_fixture(PAGE1)), Scripted(body=team_fixture(PAGE2))])
    settings = make_settings(twitter_bearer_token="tw-test-token", twitter_base_url=local_server.url)
    with make_client(settings) as client:
        batch = TwitterCollector(client, settings).collect(TwitterParams(query="acme"), None)
    first, second = local_server.requests
    assert set(first["query"]["expansions"][0].split(",")) >= {"author_id", "referenced_tweets.id"}
    assert "note_tweet" in first["query"]["tweet.fields"][0].split(",")
    assert second["query"]["next_token"] == ["b26v89c19zqg8o3fpdzbyfoxjsmjy6x2oiz0y4xsa1a1l"]
    by_id = {m.external_id: m for m in batch.mentions}
    assert sorted(by_id) == ["1765080000000000004", "1765090000000000001", "1765095000000000002"]
    thread = by_id["1765090000000000001"]  # the original, reached both directly and through the repost
    assert len(thread.text) > 400 and thread.text.startswith("Thread on @AcmeSupport & the refund saga")
    assert '"pending review" <still> and a refund' in thread.text
    assert thread.text.endswith("chat logs: https://mira.example/acme-refund")
    assert thread.author.handle == "mira_okafor" and thread.author.reach == 20431
    assert thread.url == "https://x.com/mira_okafor/status/1765090000000000001"
    assert thread.engagement["reposts"] == 57 and thread.kind == "post"
    price = by_id["1765095000000000002"]
    assert price.text.endswith("still up. <3 the product, </3 the pricing &amp; that's not a typo")
    assert "$89 to $119 overnight & the" in price.text
    assert by_id["1765080000000000004"].kind == "comment"
    assert batch.next_cursor == "1765100000000000003"  # the repost's own id: since_id is over results


def test_repost_whose_original_is_missing_is_kept_as_itself(settings: Settings) -> None:
    page = json.loads(team_fixture(PAGE1))
    page["includes"].pop("tweets")
    page["data"] = page["data"][:1]
    page["meta"].pop("next_token")
    batch = _x(Recorder([json_response(page)]), settings).collect(TwitterParams(query="acme"), None)
    (repost,) = batch.mentions
    assert repost.external_id == "1765100000000000003" and repost.author.handle == "kai_reposts"
    assert repost.text.startswith("RT @mira_okafor: Thread on @AcmeSupport & the refund")


def test_paging_is_bounded_by_max_pages(local_server) -> None:
    local_server.serve([Scripted(body=team_fixture(PAGE1)), Scripted(body=team_fixture(PAGE1))])
    settings = make_settings(twitter_bearer_token="tw-test-token", twitter_base_url=local_server.url)
    with make_client(settings) as client:
        since = _recent_id(hours_ago=1)
        batch = TwitterCollector(client, settings).collect(TwitterParams(query="acme", max_pages=2), since)
    assert len(local_server.requests) == 2
    assert batch.warnings == ["stopped after 2 pages; older posts skipped"]


def test_backfill_inside_the_window_with_until_id_over_http(local_server) -> None:
    """A backfill step asks ``start_time`` no earlier than the 7-day window, pages with next_token,
    and the next step resumes ``until_id`` the oldest result; the last page ends it."""
    local_server.serve([Scripted(body=team_fixture(PAGE1))])
    settings = make_settings(twitter_bearer_token="tw-test-token", twitter_base_url=local_server.url)
    params = TwitterParams(query="acme", max_pages=1)
    with make_client(settings) as client:
        step1 = TwitterCollector(client, settings).backfill(
            params, None, datetime.now(UTC) - timedelta(days=30)
        )
        local_server.serve([Scripted(body=team_fixture(PAGE2))])
        step2 = TwitterCollector(client, settings).backfill(
            params, step1.position, datetime.now(UTC) - timedelta(days=2)
        )
    first, second = local_server.requests
    start = datetime.strptime(first["query"]["start_time"][0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert (
        timedelta(days=6, hours=23) < datetime.now(UTC) - start < timedelta(days=7)
    )  # clamped to the window
    assert "until_id" not in first["query"] and not step1.done
    assert step1.position == "1765090000000000001"  # the oldest search result of the page
    assert second["query"]["until_id"] == ["1765090000000000001"]
    assert step2.done and [m.external_id for m in step2.mentions] == ["1765080000000000004"]
