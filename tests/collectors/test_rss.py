"""RSS/Atom/JSON Feed collector against real recorded feeds (feedjira) and feedparser's odd ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest
from collectors_testkit import UA, LocalServer, Recorder, Scripted, shared_fixture

from collectors.base import CollectorError, RetryLater
from collectors.http import make_client
from collectors.rss import RssCollector, RssParams
from listener.settings import Settings

FEED_URL = "https://alerts.example.com/feeds/123"


def _feed(name: str, content_type: str = "application/atom+xml", **headers: str) -> httpx.Response:
    body = shared_fixture(f"rss/{name}")
    return httpx.Response(200, content=body, headers={"content-type": content_type, **headers})


def _collect(settings: Settings, responses: list, cursor: str | None = None, urls: list[str] | None = None):
    recorder = Recorder(responses)
    params = RssParams(urls=urls or [FEED_URL])
    batch = RssCollector(recorder.client(settings), settings).collect(params, cursor)
    return batch, recorder


def test_google_alerts_atom_feed(settings: Settings) -> None:
    etag = '"ga-1"'
    batch, rec = _collect(settings, [_feed("real_feeds/feedjira__google_alerts_atom.xml", ETag=etag)])
    request = rec.requests[0]
    assert str(request.url) == FEED_URL and request.headers["User-Agent"] == UA
    assert "If-None-Match" not in request.headers
    assert len(batch.mentions) == 20 and batch.warnings == [] and not batch.not_modified
    first = batch.mentions[0]
    assert first.platform == "rss" and first.kind == "news"
    assert first.external_id == "tag:google.com,2013:googlealerts/feed:8974135267215335962"
    assert first.title == (  # the <b>Slack</b> markup is gone
        "Report offers Prediction of Automotive Slack Market by Top key players like Haldex, Meritor, "
        "Bendix ..."
    )
    assert first.url.startswith(
        "https://www.aglobalmarketresearch.com/report-offers-prediction-of-automotive"
    )
    assert "google.com/url" not in first.url
    assert first.text.startswith("Automotive Slack Market reports provides a comprehensive overview")
    assert first.published_at == datetime(2019, 7, 10, 11, 53, 37, tzinfo=UTC)
    assert first.author.name is None and first.rating is None and first.engagement == {}
    assert all("<" not in m.text for m in batch.mentions)
    cursor = json.loads(batch.next_cursor)["feeds"][FEED_URL]
    assert cursor == {"etag": etag, "newest": "2019-07-10T11:53:37Z"}


def test_conditional_get_and_304(settings: Settings) -> None:
    cursor = json.dumps({"feeds": {FEED_URL: {"etag": '"v1"', "modified": "Wed, 10 Jul 2019 11:53:37 GMT"}}})
    batch, rec = _collect(settings, [httpx.Response(304)], cursor=cursor)
    assert rec.requests[0].headers["If-None-Match"] == '"v1"'
    assert rec.requests[0].headers["If-Modified-Since"] == "Wed, 10 Jul 2019 11:53:37 GMT"
    assert batch.not_modified is True and batch.mentions == [] and batch.next_cursor == cursor


def test_entries_older_than_cursor_are_skipped(settings: Settings) -> None:
    cursor = json.dumps({"feeds": {FEED_URL: {"newest": "2011-11-02T17:00:00Z"}}})
    techcrunch = _feed("real_feeds/feedjira__TechCrunch.xml", "application/rss+xml")
    batch, _ = _collect(settings, [techcrunch], cursor)
    assert [m.published_at.isoformat() for m in batch.mentions] == ["2011-11-02T17:25:27+00:00"]
    assert json.loads(batch.next_cursor)["feeds"][FEED_URL]["newest"] == "2011-11-02T17:25:27Z"


def test_techcrunch_rss_content_encoded(settings: Settings) -> None:
    batch, _ = _collect(settings, [_feed("real_feeds/feedjira__TechCrunch.xml", "application/rss+xml")])
    first = batch.mentions[0]
    assert len(batch.mentions) == 20
    assert first.title == "Angie’s List Sets Price Range IPO At $11 To $13 Per Share; Valued At Over $600M"
    assert first.author.name == "Leena Rao" and first.language == "en"
    assert first.external_id == "http://techcrunch.com/?p=446154"
    assert first.published_at == datetime(2011, 11, 2, 17, 25, 27, tzinfo=UTC)
    assert first.text.startswith("Angie’s List, which offers consumers a way to review and rate doctors")
    assert "<img" not in first.text and "<p>" not in first.text


def test_cdata_padded_rss_and_youtube_atom(settings: Settings) -> None:
    batch, _ = _collect(settings, [_feed("real_feeds/feedjira__HuffPostCanada.xml", "application/rss+xml")])
    assert batch.mentions[0].title == "Winnipeg High School Orders Custom Hijabs For Muslim Athletes"
    assert batch.mentions[0].author.name == "Canadian Press"
    assert batch.mentions[0].published_at == datetime(2017, 10, 17, 22, 17, tzinfo=UTC)
    batch, _ = _collect(settings, [_feed("real_feeds/feedjira__youtube_atom.xml")])
    assert len(batch.mentions) == 15
    assert batch.mentions[0].url == "http://www.youtube.com/watch?v=5shykyfmb28"
    assert batch.mentions[0].author.name == "Google"


def test_json_feed(settings: Settings) -> None:
    batch, _ = _collect(settings, [_feed("real_feeds/feedjira__json_feed.json", "application/feed+json")])
    first = batch.mentions[0]
    assert len(batch.mentions) == 20
    assert first.title == "James Dempsey and the Breakpoints Benefit App Camp for Girls"
    assert first.author.name == "Brent Simmons" and first.language == "en"
    assert first.published_at == datetime(2017, 6, 3, 5, 5, 47, tzinfo=UTC)
    assert first.text.startswith("On Wednesday night I know where I’ll be") and "<p>" not in first.text


def test_a_truncated_feed_fails_and_the_same_feed_whole_is_read(settings: Settings) -> None:
    # feedjira's InvalidDateFormat feed ends before </rss>: a half-parsed body is a failure
    cut = shared_fixture("rss/real_feeds/feedjira__InvalidDateFormat.xml")
    with pytest.raises(CollectorError, match="truncated") as info:
        _collect(settings, [httpx.Response(200, content=cut, headers={"content-type": "text/xml"})])
    assert "<" not in str(info.value), "the error never echoes the body"
    whole = httpx.Response(200, content=cut + b"</rss>\n", headers={"content-type": "text/xml"})
    batch, _ = _collect(settings, [whole])
    assert [m.published_at for m in batch.mentions] == [
        datetime(2017, 10, 16, 15, 10, tzinfo=UTC),
        datetime(2017, 10, 17, 12, 17, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    ("name", "content_type", "check"),
    [
        ("illformed__chardet__koi8r.xml", "application/xml", lambda b: b.mentions[0].title
         == "Как пережить новогоднюю ночь"),
        ("illformed__chardet__shiftjis.xml", "application/xml", lambda b: b.mentions[0].title
         == "DrecomRSSに記事投稿が反映されない…"),
        ("encoding__demoronize-1.xml", "application/rss+xml", lambda b: b.mentions[0].text == "don’t"),
        ("encoding__bozo_double-encoded-html.xml", "application/rss+xml",
         lambda b: b.mentions[0].text == "…"),
        ("encoding__euc-kr-item.xml", "application/rss+xml", lambda b: b.mentions[0].text == "년"),
        ("wellformed__rss__entity_in_doctype.xml", "application/rss+xml",  # a guid only: no text
         lambda b: b.mentions == [] and b.warnings == ["dropped 1 item(s) without text or title"]),
        ("wellformed__sanitize__item_content_encoded_script_nested_cdata.xml", "application/rss+xml",
         lambda b: "script" not in b.mentions[0].text),
        ("encoding__bozo_linenoise.xml", "application/rss+xml", lambda b: b.warnings),
        ("illformed__undeclared_namespace.xml", "application/rss+xml", lambda b: b.warnings),
        ("entities__doesnotexist.xml", "application/rss+xml", lambda b: b.mentions == []),
        ("encoding__utf-16le-bom.xml", "application/xml", lambda b: b.mentions == []),
        ("illformed__http_high_bit_date.xml", "text/xml", lambda b: b.mentions == []),
    ],
)  # fmt: skip
def test_feedparser_oddities_do_not_crash(settings: Settings, name: str, content_type: str, check) -> None:
    batch, _ = _collect(settings, [_feed(f"feedparser_oddities/{name}", content_type)])
    assert check(batch), (batch.mentions[:1], batch.warnings)


def test_one_broken_feed_is_a_warning_all_broken_raises(settings: Settings) -> None:
    other = "https://news.example.org/rss"
    good = _feed("real_feeds/feedjira__HuffPostCanada.xml", "application/rss+xml")
    batch, _ = _collect(settings, [httpx.Response(500), good], urls=[FEED_URL, other])
    assert len(batch.mentions) == 2 and len(batch.warnings) == 1 and "500" in batch.warnings[0]
    assert list(json.loads(batch.next_cursor)["feeds"]) == [other]
    with pytest.raises(RetryLater):
        _collect(settings, [httpx.Response(502), httpx.Response(503)], urls=[FEED_URL, other])


@pytest.mark.parametrize(
    "name", ["illformed__rss_item_link_corrupted_ampersands.xml", "illformed__rss_incomplete_cdata.xml"]
)
def test_feeds_cut_short_fail_without_echoing_the_body(settings: Settings, name: str) -> None:
    with pytest.raises(CollectorError, match="truncated") as info:
        _collect(settings, [_feed(f"feedparser_oddities/{name}", "application/rss+xml")])
    assert info.value.excerpt is None and "<" not in str(info.value)


def test_html_page_is_not_a_feed(settings: Settings) -> None:
    page = httpx.Response(
        200, content=b"<html><body>Login required</body>", headers={"content-type": "text/html"}
    )
    with pytest.raises(CollectorError, match="not a feed") as info:
        _collect(settings, [page])
    assert "Login required" not in str(info.value), "the error never echoes the body"


def test_params_validation() -> None:
    assert RssParams(urls=[FEED_URL]).kind == "news"
    with pytest.raises(ValueError, match="urls"):
        RssParams(urls=[])
    with pytest.raises(ValueError, match="urls"):
        RssParams(urls=["not a url"])
    with pytest.raises(ValueError, match="kind"):
        RssParams(urls=[FEED_URL], kind="tweet")


def test_over_real_http_with_etag_then_304(settings: Settings, local_server: LocalServer) -> None:
    body = shared_fixture("rss/real_feeds/feedjira__google_alerts_atom.xml")
    local_server.serve(
        [
            Scripted(200, body, {"Content-Type": "application/atom+xml", "ETag": '"abc"'}),
            Scripted(304, b"", {"ETag": '"abc"'}),
        ]
    )
    collector = RssCollector(make_client(settings), settings)
    params = RssParams(urls=[local_server.url + "/alerts/feed"])
    first = collector.collect(params, None)
    second = collector.collect(params, first.next_cursor)
    assert len(first.mentions) == 20
    assert second.not_modified and second.next_cursor == first.next_cursor
    assert local_server.requests[1]["headers"]["If-None-Match"] == '"abc"'


def test_undated_entries_use_fetch_time_but_never_move_the_cursor(settings: Settings) -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><title>Undated</title><link>https://example.com/u?utm_source=rss</link></item>
      <item><title>Dated</title><link>https://example.com/d</link>
        <pubDate>Tue, 02 Jan 2024 10:00:00 +0100</pubDate></item>
    </channel></rss>"""
    headers = {"content-type": "application/rss+xml", "date": "Wed, 03 Jan 2024 12:00:00 GMT"}
    response = httpx.Response(200, content=body, headers=headers)
    batch, _ = _collect(settings, [response])
    undated, dated = batch.mentions
    assert (
        undated.published_at == datetime(2024, 1, 3, 12, tzinfo=UTC)
        and undated.url == "https://example.com/u"
    )
    assert undated.external_id == "https://example.com/u"
    assert dated.published_at == datetime(2024, 1, 2, 9, tzinfo=UTC)
    assert json.loads(batch.next_cursor)["feeds"][FEED_URL] == {"newest": "2024-01-02T09:00:00Z"}
