"""App Store collector against team-written payloads in Apple's customer-reviews JSON format.

No recorded response could be sourced (see ../shared/fixtures/SOURCES.md), so the fixtures in
tests/fixtures/appstore/ follow the real shape: ``feed.entry[]`` of ``{"label": …}`` wrappers.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from collectors_testkit import UA, Recorder, Scripted, json_response, make_settings, team_fixture

from collectors.appstore import AppStoreCollector, AppStoreParams
from collectors.http import make_client
from listener.settings import Settings

US_PAGE1 = "appstore/customerreviews__us_page1_id284882215__team.json"
DE_SINGLE = "appstore/customerreviews__de_page2_single_entry__team.json"
EMPTY = "appstore/customerreviews__empty_page__team.json"


def _apps(rec: Recorder, settings: Settings) -> AppStoreCollector:
    return AppStoreCollector(rec.client(settings), settings)


def _page(name: str) -> dict:
    return json.loads(team_fixture(name))


def test_reviews_first_run(settings: Settings) -> None:
    rec = Recorder([json_response(_page(US_PAGE1))])
    batch = _apps(rec, settings).collect(AppStoreParams(app_ids=["284882215"]), None)
    request = rec.requests[0]
    assert str(request.url) == (
        "https://itunes.apple.com/us/rss/customerreviews/page=1/id=284882215/sortby=mostrecent/json"
    )
    assert request.headers["User-Agent"] == UA
    worst, best, middle = batch.mentions
    assert worst.kind == "review" and worst.rating == 1.0 and best.rating == 5.0 and middle.rating == 3.0
    assert worst.external_id == "11024871560"
    assert worst.title == "Crashes every time I open messages"
    assert worst.text.startswith("Since the last update the app closes")
    assert "\nReinstalled twice" in worst.text
    assert worst.author.name == "nightshift_nurse" and worst.author.handle is None
    assert worst.published_at == datetime(2024, 3, 3, 2, 41, 7, tzinfo=UTC)  # -07:00 → UTC
    assert worst.engagement == {"helpful": 14, "votes": 17}
    # the review listing, never the entry's app-level "write a review" link
    assert worst.url == "https://apps.apple.com/us/app/id284882215?see-all=reviews"
    assert json.loads(batch.next_cursor) == {"284882215:us": "2024-03-03T02:41:07Z"}


def test_pages_until_cursor_single_entry_and_countries(settings: Settings) -> None:
    rec = Recorder([json_response(_page(name)) for name in (US_PAGE1, EMPTY, DE_SINGLE, EMPTY)])
    cursor = json.dumps({"284882215:us": "2024-02-01T00:00:00Z", "284882215:de": "2024-02-01T00:00:00Z"})
    params = AppStoreParams(app_ids=["id284882215"], countries=["US", "de"], max_pages=2)
    batch = _apps(rec, settings).collect(params, cursor)
    paths = [r.url.path for r in rec.requests]
    assert paths == [
        "/us/rss/customerreviews/page=1/id=284882215/sortby=mostrecent/json",
        "/us/rss/customerreviews/page=2/id=284882215/sortby=mostrecent/json",
        "/de/rss/customerreviews/page=1/id=284882215/sortby=mostrecent/json",
        "/de/rss/customerreviews/page=2/id=284882215/sortby=mostrecent/json",
    ]
    assert len(batch.mentions) == 4
    german = batch.mentions[-1]
    assert german.author.name == "Jörg aus Köln" and german.title == "Synchronisierung kaputt"
    assert german.rating == 2.0 and german.published_at == datetime(2024, 2, 27, 11, 2, 31, tzinfo=UTC)
    assert json.loads(batch.next_cursor) == {
        "284882215:de": "2024-02-27T11:02:31Z",
        "284882215:us": "2024-03-03T02:41:07Z",
    }


def test_cursor_stops_at_seen_reviews(settings: Settings) -> None:
    rec = Recorder([json_response(_page(US_PAGE1))])
    cursor = json.dumps({"284882215:us": "2024-03-02T15:15:44Z"})  # = Gabe R.'s review
    batch = _apps(rec, settings).collect(AppStoreParams(app_ids=["284882215"]), cursor)
    assert [m.external_id for m in batch.mentions] == ["11024871560"] and len(rec.requests) == 1


def test_params_validation() -> None:
    assert AppStoreParams(app_ids=["284882215"]).countries == ["us"]
    with pytest.raises(ValueError, match="app_ids"):
        AppStoreParams(app_ids=["com.example.app"])
    with pytest.raises(ValueError, match="countries"):
        AppStoreParams(app_ids=["1"], countries=["usa"])
    with pytest.raises(ValueError, match="app_ids"):
        AppStoreParams(app_ids=[])


def test_each_review_links_to_its_storefront_review_listing_over_http(local_server) -> None:
    local_server.serve([Scripted(body=team_fixture(DE_SINGLE))])
    settings = make_settings(appstore_base_url=local_server.url)
    with make_client(settings) as client:
        batch = AppStoreCollector(client, settings).collect(
            AppStoreParams(app_ids=["284882215"], countries=["de"]), None
        )
    [review] = batch.mentions
    assert (
        local_server.requests[0]["path"]
        == "/de/rss/customerreviews/page=1/id=284882215/sortby=mostrecent/json"
    )
    assert review.url == "https://apps.apple.com/de/app/id284882215?see-all=reviews"
    assert "write" not in review.url and "review?id=" not in review.url
