"""YouTube collector against real Data API v3 responses (python-youtube test data) and a team payload."""

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

from collectors.base import AuthError, RetryLater
from collectors.http import make_client
from collectors.youtube import YouTubeCollector, YouTubeParams
from listener.settings import Settings

VIDEO_PAGE1 = "youtube/commentThreads_list__videoId_page1_with_nextPageToken.json"
CHANNEL = "youtube/commentThreads_list__allThreadsRelatedToChannelId_multilingual.json"
REPLIES = "youtube/comments_list__parentId_replies_page1.json"
WITH_REPLIES = "youtube/commentThreads_list__videoId_with_replies__team.json"
VIDEO = YouTubeParams(video_ids=["F1UP7wRCPH8"])
EMPTY = {"kind": "youtube#commentListResponse", "items": []}


def _yt(rec: Recorder, settings: Settings) -> YouTubeCollector:
    return YouTubeCollector(rec.client(settings), settings)


def test_video_threads_first_run(settings: Settings) -> None:
    rec = Recorder([json_response(shared_json(p)) for p in (VIDEO_PAGE1, REPLIES)] + [json_response(EMPTY)])
    batch = _yt(rec, settings).collect(VIDEO, None)
    request = rec.requests[0]
    assert str(request.url).startswith("https://www.googleapis.com/youtube/v3/commentThreads?")
    assert query_of(request) == {
        "videoId": "F1UP7wRCPH8", "part": "snippet,replies", "order": "time", "maxResults": "100",
        "textFormat": "plainText",
    }  # fmt: skip
    assert request.headers["X-Goog-Api-Key"] == "yt-test-key"  # a header: never in a logged URL
    assert request.headers["User-Agent"] == UA
    # first run: newest page only despite nextPageToken; the thread with 2 replies gets comments.list
    assert [r.url.path.rsplit("/", 1)[1] for r in rec.requests] == ["commentThreads", "comments", "comments"]
    assert query_of(rec.requests[1])["parentId"] == "UgwI_ylXVnzPS8Q-oAV4AaABAg"
    assert len(batch.mentions) == 7
    first = batch.mentions[0]
    assert first.external_id == "UgyZ1jqkHKYvi1-ruOZ4AaABAg" and first.kind == "comment"
    assert first.text == "Google.com" and first.author.name == "himani agarwal"
    assert first.author.handle is None
    assert first.url == "https://www.youtube.com/watch?v=F1UP7wRCPH8&lc=UgyZ1jqkHKYvi1-ruOZ4AaABAg"
    assert first.published_at == datetime(2019, 11, 26, 15, 51, 44, tzinfo=UTC)
    assert batch.mentions[2].engagement == {"likes": 4, "replies": 0}
    reply = batch.mentions[-1]
    assert reply.text == "this is the second reply!" and reply.author.name == "kun liu"
    assert reply.url == "https://www.youtube.com/watch?v=F1UP7wRCPH8&lc=" + reply.external_id
    assert json.loads(batch.next_cursor) == {"video:F1UP7wRCPH8": "2019-12-01T04:46:31Z"}


def test_channel_threads_multilingual(settings: Settings) -> None:
    rec = Recorder([json_response(shared_json(CHANNEL))])
    params = YouTubeParams(channel_id="UCa-vrCLQHviTOVnEKDOdetQ", include_replies=False)
    batch = _yt(rec, settings).collect(params, None)
    assert query_of(rec.requests[0])["allThreadsRelatedToChannelId"] == "UCa-vrCLQHviTOVnEKDOdetQ"
    texts = [m.text for m in batch.mentions]
    assert texts == ["Hope to go next time. yah!", "This is so beautiful !", "大满贯", "中午吃啥"]
    assert batch.mentions[2].author.name == "杨佳名"


def test_replies_inline_and_from_comments_list(settings: Settings) -> None:
    threads = json.loads(team_fixture(WITH_REPLIES))
    rec = Recorder([json_response(threads), json_response(shared_json(REPLIES)), json_response(EMPTY)])
    cursor = json.dumps({"video:JE8xdDp5B8Q": "2019-11-30T20:30:00Z"})
    batch = _yt(rec, settings).collect(YouTubeParams(video_ids=["JE8xdDp5B8Q"]), cursor)
    _, replies_p1, replies_p2 = rec.requests
    assert replies_p1.url.path == "/youtube/v3/comments"
    assert query_of(replies_p1)["parentId"] == "Ugw5zYU6n9pmIgAZWvN4AaABAg"
    assert query_of(replies_p2)["pageToken"].startswith("R0FJeVZnbzBJTl9")
    ids = [m.external_id for m in batch.mentions]
    assert ids == [
        "Ugw5zYU6n9pmIgAZWvN4AaABAg",
        "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za6voUoRh",
        "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za5eJxzs1",
        "UgzQe4rTy7uI8oP9aS0dF1gH2jK3lZ4xC.9A1b2C3d4E59A1b2C3d4E5f",  # reply after the cursor, thread before
    ]
    top = batch.mentions[0]
    assert top.text == "This is so beautiful !\nWhere was this filmed?"
    assert top.author.handle == "@kunliu-travels"
    assert top.engagement == {"likes": 12, "replies": 3}
    assert batch.mentions[1].url == "https://www.youtube.com/watch?v=JE8xdDp5B8Q&lc=" + ids[1]
    assert batch.mentions[3].author.handle == "@AcmeOfficial"
    assert json.loads(batch.next_cursor) == {"video:JE8xdDp5B8Q": "2019-12-01T04:46:31Z"}


def test_missing_key_and_quota(settings: Settings) -> None:
    no_key = make_settings()
    with pytest.raises(AuthError, match="needs credentials"):
        _yt(Recorder([]), no_key).collect(VIDEO, None)
    quota = {"error": {"code": 403, "errors": [{"reason": "quotaExceeded", "domain": "youtube.quota"}]}}
    rec = Recorder([json_response(quota, status=403)])
    with pytest.raises(RetryLater) as info:
        _yt(rec, settings).collect(VIDEO, None)
    assert 0 < info.value.after_seconds <= 25 * 3600 and "yt-test-key" not in str(info.value)


def test_forbidden_key_is_auth_error_without_key(settings: Settings) -> None:
    body = {"error": {"code": 403, "errors": [{"reason": "forbidden"}]}}
    rec = Recorder([json_response(body, status=403)])
    with pytest.raises(AuthError) as info:
        _yt(rec, settings).collect(VIDEO, None)
    assert "yt-test-key" not in str(info.value)


def test_params_validation() -> None:
    with pytest.raises(ValueError, match="video_ids"):
        YouTubeParams(video_ids=["short"])
    with pytest.raises(ValueError, match="channel_id"):
        YouTubeParams(channel_id="not-a-channel")
    with pytest.raises(ValueError, match="set video_ids, channel_id, or both"):
        YouTubeParams()


def test_backfill_pages_with_page_token_to_the_oldest_day_over_http(local_server) -> None:
    """Step 1: the recorded first page (5 threads, nextPageToken) is the position; step 2 resumes
    with that token and stops at the first thread before the requested day."""
    page = shared_json(VIDEO_PAGE1)
    local_server.serve([Scripted(body=json.dumps(page).encode())])
    settings = make_settings(youtube_api_key="yt-test-key", youtube_base_url=local_server.url)
    params = YouTubeParams(video_ids=["F1UP7wRCPH8"], max_pages=1)
    with make_client(settings) as client:
        step1 = YouTubeCollector(client, settings).backfill(params, None, datetime(2019, 11, 1, tzinfo=UTC))
        assert len(step1.mentions) == 5 and not step1.done
        older = json.loads(
            json.dumps(page).replace("2019-11-", "2019-10-")
        )  # the same threads, a month older
        for i, thread in enumerate(older["items"]):
            thread["snippet"]["topLevelComment"]["id"] += f"-old{i}"
        older.pop("nextPageToken")
        local_server.serve([Scripted(body=json.dumps(older).encode())])
        step2 = YouTubeCollector(client, settings).backfill(
            params, step1.position, datetime(2019, 10, 17, tzinfo=UTC)
        )
    assert local_server.requests[1]["query"]["pageToken"] == [page["nextPageToken"]]
    assert local_server.requests[1]["headers"]["X-Goog-Api-Key"] == "yt-test-key"
    assert step2.done and len(step2.mentions) == 3  # 26, 21 and 17 October; 16 and 14 are too old
