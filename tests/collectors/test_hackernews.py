"""Hacker News collector against real Algolia responses (node-hacker-news-api fixtures, 2014)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
from collectors_testkit import (
    UA,
    LocalServer,
    Recorder,
    Scripted,
    json_response,
    make_settings,
    query_of,
    shared_fixture,
    shared_json,
)

from collectors.base import RetryLater
from collectors.hackernews import HackerNewsCollector, HackerNewsParams
from collectors.http import make_client
from listener.settings import Settings


def _payload(name: str, **changes) -> dict:
    data = copy.deepcopy(shared_json(f"hackernews/{name}.json"))
    data.update(changes)
    return data


def test_first_run_reads_newest_page(settings: Settings) -> None:
    rec = Recorder([json_response(_payload("search_by_date__tags_comment__query_apple"))])
    batch = HackerNewsCollector(rec.client(settings), settings).collect(HackerNewsParams(query="apple"), None)
    request = rec.requests[0]
    assert request.url.host == "hn.algolia.com" and request.url.path == "/api/v1/search_by_date"
    expected = {"query": "apple", "tags": "(story,comment)", "hitsPerPage": "100", "page": "0"}
    assert query_of(request) == expected
    assert request.headers["User-Agent"] == UA
    [mention] = batch.mentions
    assert mention.external_id == "7919418" and mention.kind == "comment"
    assert mention.url == "https://news.ycombinator.com/item?id=7919418"
    assert mention.author.handle == "fleitz" and mention.engagement == {"score": 1}
    assert mention.title is None  # story_title is the story's, not the comment's
    assert mention.text.startswith("Yeah the article seems stupid, while technically they aren't")
    assert "\n\nI'm not the biggest fan of starbucks" in mention.text and "<" not in mention.text
    assert mention.published_at == datetime(2014, 6, 20, 3, 32, 34, tzinfo=UTC)
    assert batch.next_cursor == "1403235154"


def test_story_with_cursor_filter(settings: Settings) -> None:
    rec = Recorder([json_response(_payload("search_by_date__tags_story__query_apple", nbPages=1, nbHits=1))])
    params = HackerNewsParams(query="apple", tags=["story"], hits_per_page=50)
    batch = HackerNewsCollector(rec.client(settings), settings).collect(params, "1403235000")
    assert query_of(rec.requests[0])["numericFilters"] == "created_at_i>1403235000"
    assert query_of(rec.requests[0])["tags"] == "(story)"
    [story] = batch.mentions
    assert story.kind == "post" and story.author.handle == "bradleyjg"
    assert story.title == "Judge says concerned about Apple, Google hiring settlement"
    assert story.text == ""  # a link story: the title is not repeated as text
    assert story.engagement == {"score": 1, "comments": 0}
    assert batch.next_cursor == "1403235346"


def test_ask_hn_story_text_and_poll(settings: Settings) -> None:
    rec = Recorder(
        [
            json_response(_payload("search_by_date__tags_ask_hn__query_apple_page2", nbPages=1, nbHits=1)),
            json_response(_payload("search_by_date__tags_poll__query_apple", nbPages=1, nbHits=1)),
        ]
    )
    collector = HackerNewsCollector(rec.client(settings), settings)
    ask = collector.collect(HackerNewsParams(query="apple", tags=["ask_hn"]), "1").mentions[0]
    assert ask.title == "Ask HN: How can I get Swag from Startups?"
    assert "I'm a college student from India" in ask.text and ask.engagement["comments"] == 3
    poll = collector.collect(HackerNewsParams(query="apple", tags=["poll"]), "1").mentions[0]
    assert poll.kind == "post" and poll.published_at == datetime(2013, 10, 24, 12, 53, 37, tzinfo=UTC)


def test_pages_until_budget_then_warns(settings: Settings) -> None:
    page = _payload("search_by_date__tags_comment")  # nbPages=1000, hitsPerPage=1
    rec = Recorder([json_response(page) for _ in range(3)])
    params = HackerNewsParams(query="x", hits_per_page=1, max_requests=3)
    batch = HackerNewsCollector(rec.client(settings), settings).collect(params, "1400000000")
    assert [query_of(r)["page"] for r in rec.requests] == ["0", "1", "2"]
    assert batch.warnings and "cut short" in batch.warnings[0]
    assert len(batch.mentions) == 1  # the same hit each time: deduplicated by objectID


def test_window_split_past_1000_hits(settings: Settings) -> None:
    capped = _payload("search_by_date__tags_story__query_apple", nbHits=1500, nbPages=1, hitsPerPage=1000)
    rest = _payload("search_by_date__tags_comment__query_apple", nbHits=1, nbPages=1)
    rec = Recorder([json_response(capped), json_response(rest)])
    params = HackerNewsParams(query="apple", hits_per_page=1000)
    batch = HackerNewsCollector(rec.client(settings), settings).collect(params, "1400000000")
    assert query_of(rec.requests[1])["numericFilters"] == "created_at_i>1400000000,created_at_i<1403235346"
    assert query_of(rec.requests[1])["page"] == "0"
    assert {m.external_id for m in batch.mentions} == {"7919424", "7919418"}
    assert batch.next_cursor == "1403235346" and batch.warnings == []


def test_params_validation() -> None:
    params = HackerNewsParams(query="acme")
    assert params.tags == ["story", "comment"] and params.hits_per_page == 100
    with pytest.raises(ValueError, match="tags"):
        HackerNewsParams(query="acme", tags=["tweet"])
    with pytest.raises(ValueError, match="hits_per_page"):
        HackerNewsParams(query="acme", hits_per_page=5000)


def test_base_url_override_over_real_http(settings: Settings, local_server: LocalServer) -> None:
    body = _payload("search_by_date__tags_comment__query_apple")

    local_server.serve(
        [
            Scripted(429, b"{}", {"Retry-After": "30"}),
            Scripted(200, json.dumps(body).encode(), {"Content-Type": "application/json"}),
        ]
    )
    collector = HackerNewsCollector(make_client(settings), settings)
    params = HackerNewsParams(query="apple", base_url=local_server.url)
    with pytest.raises(RetryLater) as info:
        collector.collect(params, None)
    assert info.value.after_seconds == 30
    assert collector.collect(params, None).mentions[0].author.handle == "fleitz"
    assert local_server.requests[1]["path"] == "/api/v1/search_by_date"
    assert local_server.requests[1]["query"]["tags"] == ["(story,comment)"]


def test_comment_under_two_stories_keeps_no_title_over_http(local_server) -> None:
    """The same comment text posted under two stories is stored with the same (empty) title and
    text, so clustering ("title. text") sees two copies; the stories' titles appear nowhere."""
    comment = json.loads(shared_fixture("hackernews/search_by_date__tags_comment__query_apple.json"))
    hit = comment["hits"][0]
    twin = dict(hit, objectID="7919999", story_id=7919000, story_title="Another story entirely")
    comment["hits"] = [twin, hit]
    local_server.serve([Scripted(body=json.dumps(comment).encode())])
    settings = make_settings(hackernews_base_url=local_server.url)
    with make_client(settings) as client:
        batch = HackerNewsCollector(client, settings).collect(HackerNewsParams(query="apple"), None)
    first, second = batch.mentions
    assert (first.title, second.title) == (None, None) and first.text == second.text
    assert "Another story" not in first.text and "Starbucks admits" not in second.text
