"""Reddit collector against real PRAW cassette listings (search t3, subreddit comments t1)."""

from __future__ import annotations

import base64
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

from collectors.base import AuthError, RetryLater
from collectors.http import make_client
from collectors.reddit import RedditCollector, RedditParams
from listener.settings import Settings

RATE = {"X-Ratelimit-Remaining": "598.0", "X-Ratelimit-Used": "2", "X-Ratelimit-Reset": "120"}


def _listing(name: str) -> dict:
    return shared_json(f"reddit/{name}.json")


def test_public_search_restricted_to_subreddits(settings: Settings) -> None:
    rec = Recorder([json_response(_listing("search_listing_t3__r_all_search_praw"), headers=RATE)])
    params = RedditParams(query="praw oauth search", subreddits=["redditdev", "learnpython"])
    before = datetime.now(UTC)
    batch = RedditCollector(rec.client(settings), settings).collect(params, None)
    request = rec.requests[0]
    assert request.url.host == "www.reddit.com"
    assert request.url.path == "/r/redditdev+learnpython/search.json"
    assert query_of(request) == {
        "q": "praw oauth search", "sort": "new", "t": "all", "restrict_sr": "1", "limit": "100",
        "raw_json": "1",
    }  # fmt: skip
    assert request.headers["User-Agent"] == UA and "Authorization" not in request.headers
    assert len(batch.mentions) == 6
    first = batch.mentions[0]
    assert first.external_id == "t3_3gpbiu" and first.kind == "post"
    assert first.title == "[PRAW][OAuth2Util] Problem using get_banned() : raise Forbidden(_raw=response)"
    assert first.text.startswith("# solved\n\nProblem solved with this:")
    assert (
        first.url
        == "https://www.reddit.com/r/redditdev/comments/3gpbiu/prawoauth2util_problem_using_get_banned_raise/"
    )
    assert first.author.handle == "dClauzel" and first.engagement == {"score": 0, "comments": 21}
    assert first.published_at == datetime(2015, 8, 12, 9, 8, 34, tzinfo=UTC)
    japanese = batch.mentions[5]
    assert japanese.title == "たびたび話題になるサイドバーの閲覧中ユーザ数について（また）調べた"
    assert len(japanese.text) > 10_000
    assert batch.rate_limit_remaining == 598
    assert 115 <= (batch.rate_limit_reset_at - before).total_seconds() <= 125
    cursor = json.loads(batch.next_cursor)
    assert cursor == {"created_utc": 1458221634.0, "seen": ["t3_4at068"]}


def test_comments_stream_pages_down_to_cursor(settings: Settings) -> None:
    first_page = _listing("listing_t1__r_subreddit_comments_trimmed8")
    empty = _listing("search_listing_empty__asyncpraw")
    rec = Recorder([json_response(first_page, headers=RATE), json_response(empty)])
    params = RedditParams(subreddits=["r/test"], comments=True)
    cursor = json.dumps({"created_utc": 1696700000.0, "seen": []})
    batch = RedditCollector(rec.client(settings), settings).collect(params, cursor)
    assert [r.url.path for r in rec.requests] == ["/r/test/comments.json", "/r/test/comments.json"]
    assert query_of(rec.requests[1])["after"] == "t1_k3uzsxu"
    assert len(batch.mentions) == 8
    top = batch.mentions[0]
    assert top.kind == "comment" and top.external_id == "t1_k3yrfii" and top.text == "Did it work?"
    assert top.author.handle == "Acceptable-Bread-566"
    assert top.title is None  # link_title is the post's title, not the comment's
    assert top.published_at == datetime(2023, 10, 8, 8, 46, 8, tzinfo=UTC)


def test_cursor_skips_seen_and_older(settings: Settings) -> None:
    listing = _listing("listing_t1__r_subreddit_comments_trimmed8")
    rec = Recorder([json_response(listing)])
    cursor = json.dumps({"created_utc": 1696752011.0, "seen": ["t1_k3ynwqb"]})  # 08:00:11, k3ynwqb seen
    batch = RedditCollector(rec.client(settings), settings).collect(
        RedditParams(subreddits=["test"], comments=True), cursor
    )
    assert [m.external_id for m in batch.mentions] == ["t1_k3yrfii"]
    assert len(rec.requests) == 1  # reached the cursor on the first page
    assert json.loads(batch.next_cursor) == {"created_utc": 1696754768.0, "seen": ["t1_k3yrfii"]}


def test_empty_budget_with_more_pages_is_retry_later(settings: Settings) -> None:
    spent = {"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "45"}
    rec = Recorder([json_response(_listing("listing_t1__r_subreddit_comments_trimmed8"), headers=spent)])
    with pytest.raises(RetryLater) as info:
        RedditCollector(rec.client(settings), settings).collect(
            RedditParams(subreddits=["test"], comments=True), json.dumps({"created_utc": 1.0})
        )
    assert 40 <= info.value.after_seconds <= 45


def test_oauth_client_credentials(settings: Settings) -> None:
    oauth = make_settings(reddit_client_id="cid", reddit_client_secret="csecret")
    token = json.loads(team_fixture("reddit/access_token__client_credentials.json"))
    rec = Recorder(
        [json_response(token), json_response(_listing("search_listing_t3__r_all_search_praw")),
         json_response(_listing("search_listing_empty__asyncpraw"))]
    )  # fmt: skip
    collector = RedditCollector(rec.client(oauth), oauth)
    collector.collect(RedditParams(query="praw"), None)
    collector.collect(RedditParams(query="praw"), None)  # token reused
    auth, search, again = rec.requests
    assert auth.method == "POST" and str(auth.url) == "https://www.reddit.com/api/v1/access_token"
    assert auth.headers["Authorization"] == "Basic " + base64.b64encode(b"cid:csecret").decode()
    assert auth.content == b"grant_type=client_credentials"
    assert search.url.host == "oauth.reddit.com" and search.url.path == "/search"
    assert search.headers["Authorization"] == f"bearer {token['access_token']}"
    assert again.headers["Authorization"] == search.headers["Authorization"]


def test_params_validation() -> None:
    with pytest.raises(ValueError, match="set query, subreddits, or both"):
        RedditParams()
    with pytest.raises(ValueError, match="subreddits"):
        RedditParams(subreddits=["no spaces allowed"])
    with pytest.raises(ValueError, match="comments needs subreddits"):
        RedditParams(query="acme", comments=True)
    assert RedditParams(subreddits=["/r/Python"]).subreddits == ["Python"]


def test_page_budget_spent_before_cursor_warns(settings: Settings) -> None:
    rec = Recorder([json_response(_listing("listing_t1__r_subreddit_comments_trimmed8"), headers=RATE)])
    params = RedditParams(subreddits=["test"], comments=True, max_pages=1)
    batch = RedditCollector(rec.client(settings), settings).collect(params, json.dumps({"created_utc": 1.0}))
    assert len(batch.mentions) == 8 and len(rec.requests) == 1
    assert batch.warnings == ["/r/test/comments: stopped after 1 pages; older items skipped"]


def test_revoked_token_is_dropped(settings: Settings) -> None:
    oauth = make_settings(reddit_client_id="cid", reddit_client_secret="csecret")
    token = json.loads(team_fixture("reddit/access_token__client_credentials.json"))
    denied = json_response({"message": "Unauthorized", "error": 401}, status=401)
    empty = json_response(_listing("search_listing_empty__asyncpraw"))
    rec = Recorder([json_response(token), denied, json_response(token), empty])
    collector = RedditCollector(rec.client(oauth), oauth)
    with pytest.raises(AuthError):
        collector.collect(RedditParams(query="acme"), None)
    assert collector.collect(RedditParams(query="acme"), None).mentions == []
    assert [r.url.path for r in rec.requests] == ["/api/v1/access_token", "/search"] * 2


def test_link_posts_have_no_text_over_http(local_server) -> None:
    """Link posts (the recorded r/popular page) keep their title and carry no text of their own;
    a self post's selftext stays its text."""
    local_server.serve([Scripted(body=shared_fixture("reddit/listing_t3__r_popular_hot_trimmed5.json"))])
    settings = make_settings(reddit_base_url=local_server.url)
    with make_client(settings) as client:
        batch = RedditCollector(client, settings).collect(RedditParams(query="steak"), None)
    assert local_server.requests[0]["path"] == "/search.json"
    by_id = {m.external_id: m for m in batch.mentions}
    steak = by_id["t3_1skl1i1"]
    assert steak.title == 'A medium rare "steak."' and steak.text == ""
    assert by_id["t3_1skjxta"].text.startswith("https://x.com/arielhelwani/status/")
    assert all(m.text != m.title for m in batch.mentions)


def test_backfill_walks_after_pages_to_the_oldest_day_over_http(local_server) -> None:
    """Step 1 reads the recorded comment page (its ``after`` is the position); step 2 resumes with
    that ``after`` and stops at the first comment older than the requested day."""
    page = shared_fixture("reddit/listing_t1__r_subreddit_comments_trimmed8.json")
    settings = make_settings(reddit_base_url=local_server.url)
    params = RedditParams(subreddits=["test"], comments=True, max_pages=1)
    oldest = datetime(2023, 10, 7, tzinfo=UTC)  # the recorded page is all newer
    local_server.serve([Scripted(body=json.dumps(_older(page, 0)).encode())])
    with make_client(settings) as client:
        step1 = RedditCollector(client, settings).backfill(params, None, oldest)
        assert len(step1.mentions) == 8 and not step1.done
        assert json.loads(step1.position) == {"/r/test/comments": "t1_k3uzsxu"}
        local_server.serve([Scripted(body=json.dumps(_older(page, 100_000)).encode())])
        step2 = RedditCollector(client, settings).backfill(params, step1.position, oldest)
    assert local_server.requests[1]["query"]["after"] == ["t1_k3uzsxu"]
    assert step2.done and json.loads(step2.position) == {"/r/test/comments": "done"}
    assert len(step2.mentions) == 5  # 100,000 s older: the last three fall before the day


def _older(raw: bytes, seconds: int) -> dict:
    listing = json.loads(raw)
    for child in listing["data"]["children"]:
        child["data"]["created_utc"] -= seconds
        child["data"]["name"] += f"_{seconds}" if seconds else ""
    return listing
