"""One contract, every collector in COLLECTORS: params, empty pages, 429, 401, malformed bodies.

A new platform only needs an entry in CASES; the test fails until it has one.
"""

from __future__ import annotations

import inspect
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from collectors_testkit import LocalServer, Recorder, Scripted, json_response, make_settings
from pydantic import BaseModel, ValidationError

from collectors import COLLECTORS, Batch, Platform, get_collector, validate_params
from collectors.base import AuthError, CollectorError, RetryLater
from collectors.http import make_client
from listener.settings import Settings

EMPTY_RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@dataclass
class Case:
    params: dict[str, Any]
    empty: httpx.Response | None  # None: the collector makes no HTTP requests
    cursor: str
    bad_field: tuple[str, Any]  # a field and a value its validation refuses


CASES: dict[Platform, Case] = {
    Platform.rss: Case(
        {"urls": ["https://example.com/feed.xml"]},
        httpx.Response(200, content=EMPTY_RSS, headers={"content-type": "application/rss+xml"}),
        json.dumps({"feeds": {"https://example.com/feed.xml": {"newest": "2024-01-01T00:00:00Z"}}}),
        ("urls", ["ftp://nope"]),
    ),
    Platform.hackernews: Case(
        {"query": "acme"},
        json_response({"hits": [], "nbHits": 0, "page": 0, "nbPages": 0, "hitsPerPage": 100}),
        "1403235154",
        ("hits_per_page", 0),
    ),
    Platform.reddit: Case(
        {"query": "acme"},
        json_response({"kind": "Listing", "data": {"after": None, "dist": 0, "children": []}}),
        json.dumps({"created_utc": 1700000000.0, "seen": ["t3_x"]}),
        ("limit", 1000),
    ),
    Platform.mastodon: Case(
        {"tags": ["acme"]},
        json_response([]),
        json.dumps({"tag:acme": "113502117658213410"}),
        ("tags", ["a b"]),
    ),
    Platform.bluesky: Case(
        {"query": "acme"}, json_response({"posts": []}), "2025-05-19T17:10:09.561858Z", ("lang", "xyz")
    ),
    Platform.youtube: Case(
        {"video_ids": ["F1UP7wRCPH8"]},
        json_response({"kind": "youtube#commentThreadListResponse", "pageInfo": {}, "items": []}),
        json.dumps({"video:F1UP7wRCPH8": "2019-11-26T15:51:44Z"}),
        ("video_ids", ["nope"]),
    ),
    Platform.appstore: Case(
        {"app_ids": ["284882215"]},
        json_response({"feed": {"id": {"label": "x"}, "title": {"label": "iTunes Store"}}}),
        json.dumps({"284882215:us": "2024-03-03T02:41:07Z"}),
        ("countries", ["usa"]),
    ),
    Platform.twitter: Case(
        {"query": "acme"},
        json_response({"meta": {"result_count": 0}}),
        "1764012380671529341",
        ("max_results", 5),
    ),
    Platform.googleplay: Case(  # a proxy host: no service-account token is sent there
        {"package_names": ["com.acme.app"], "base_url": "https://play-proxy.example.test"},
        json_response({"pageInfo": {"totalResults": 0}}),
        json.dumps({"com.acme.app": "2024-03-03T02:41:07Z"}),
        ("package_names", ["not a package"]),
    ),
    Platform.appstoreconnect: Case(  # a proxy host: no signed token is sent there
        {"app_ids": ["284882215"], "base_url": "https://asc-proxy.example.test"},
        json_response(
            {
                "data": [],
                "links": {"self": "https://asc-proxy.example.test/v1/apps/284882215/customerReviews"},
            }
        ),
        json.dumps({"284882215": "2024-03-03T02:41:07Z"}),
        ("app_ids", ["acme"]),
    ),
    Platform.replay: Case(
        {"path": "<tmp>"}, None, json.dumps({"index": 0, "anchor": "2024-01-01T00:00:00Z"}), ("speed", 0)
    ),  # fmt: skip
}

PLATFORMS = list(COLLECTORS)
HTTP_PLATFORMS = [p for p in PLATFORMS if CASES[p].empty is not None]


def _params(platform: Platform, tmp_path: Path) -> BaseModel:
    raw = dict(CASES[platform].params)
    if raw.get("path") == "<tmp>":
        (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
        raw["path"] = str(tmp_path / "empty.jsonl")
    return validate_params(platform, raw)


def _collect(platform: Platform, settings: Settings, response: httpx.Response, tmp_path: Path) -> Batch:
    rec = Recorder([response])
    collector = get_collector(platform)(rec.client(settings), settings)
    return collector.collect(_params(platform, tmp_path), CASES[platform].cursor)


def test_every_platform_is_registered_and_has_a_case() -> None:
    assert set(COLLECTORS) == set(Platform) == set(CASES)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_class_shape(platform: Platform) -> None:
    cls = get_collector(platform)
    assert cls.platform == platform and cls.__name__.endswith("Collector")
    assert issubclass(cls.Params, BaseModel) and cls.Params.model_config.get("extra") == "forbid"
    assert isinstance(cls.default_interval, timedelta) and cls.default_interval > timedelta(0)
    assert cls.collect.__doc__ and "Cursor" in (inspect.getmodule(cls).__doc__ or "")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_params_defaults_and_errors_name_the_field(platform: Platform, tmp_path: Path) -> None:
    params = _params(platform, tmp_path)
    assert isinstance(params, get_collector(platform).Params)
    raw = params.model_dump(mode="json", exclude_none=True)
    with pytest.raises(ValidationError) as unknown:
        validate_params(platform, raw | {"bogus": 1})
    assert unknown.value.errors()[0]["loc"] == ("bogus",)
    field, value = CASES[platform].bad_field
    with pytest.raises(ValidationError) as bad:
        validate_params(platform, raw | {field: value})
    assert bad.value.errors()[0]["loc"][0] == field


def test_unknown_platform_is_a_collector_error() -> None:
    with pytest.raises(CollectorError, match="unknown platform 'myspace'"):
        get_collector("myspace")
    with pytest.raises(CollectorError):
        validate_params("myspace", {})


@pytest.mark.parametrize("platform", PLATFORMS)
def test_empty_page_keeps_cursor(platform: Platform, settings: Settings, tmp_path: Path) -> None:
    empty = CASES[platform].empty or httpx.Response(500)
    batch = _collect(platform, settings, empty, tmp_path)
    assert batch.mentions == [] and batch.next_cursor == CASES[platform].cursor


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_429_is_retry_later_with_delay(platform: Platform, settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(RetryLater) as info:
        _collect(platform, settings, httpx.Response(429, headers={"Retry-After": "90"}), tmp_path)
    assert info.value.after_seconds == 90


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_5xx_is_retry_later_with_backoff(platform: Platform, settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(RetryLater) as info:
        _collect(platform, settings, httpx.Response(503, content=b"upstream down"), tmp_path)
    assert info.value.after_seconds is None


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_401_is_auth_error(platform: Platform, settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(AuthError, match="source needs credentials") as info:
        _collect(platform, settings, json_response({"error": "unauthorized"}, status=401), tmp_path)
    for secret in ("yt-test-key", "tw-test-token"):
        assert secret not in str(info.value)


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_malformed_body_is_collector_error_with_excerpt(
    platform: Platform, settings: Settings, tmp_path: Path
) -> None:
    body = b'{"data": [{"id": "1", "te'
    truncated = httpx.Response(200, content=body, headers={"content-type": "application/json"})
    with pytest.raises(CollectorError) as info:
        _collect(platform, settings, truncated, tmp_path)
    assert not isinstance(info.value, AuthError)
    assert info.value.excerpt == '{"data": [{"id": "1", "te'


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_wrong_json_shape_is_collector_error(platform: Platform, settings: Settings, tmp_path: Path) -> None:
    odd = json_response("just a string")
    with pytest.raises(CollectorError):
        _collect(platform, settings, odd, tmp_path)


# --- the same contract over a real socket (127.0.0.1), each platform pointed there by its params ----


def _local_params(platform: Platform, server_url: str) -> BaseModel:
    raw = dict(CASES[platform].params)
    if platform == Platform.rss:
        raw["urls"] = [server_url + "/feed.xml"]
    else:
        raw["base_url"] = server_url
    return validate_params(platform, raw)


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_over_real_http_429_timeout_and_cut_body(
    platform: Platform, settings: Settings, local_server: LocalServer
) -> None:
    local_server.serve(
        [
            Scripted(429, b"{}", {"Retry-After": "12"}),
            Scripted(200, b"{}", delay=1.0),  # longer than the 0.5 s client timeout
            Scripted(200, b'{"partial": [', {"Content-Type": "application/json"}, cut=True),
            Scripted(200, b'{"partial": [', {"Content-Type": "application/json"}),
        ]
    )
    collector = get_collector(platform)(make_client(settings), settings)
    params = _local_params(platform, local_server.url)
    with pytest.raises(RetryLater) as limited:
        collector.collect(params, None)
    assert limited.value.after_seconds == 12
    with pytest.raises(RetryLater, match="timeout"):
        collector.collect(params, None)
    with pytest.raises(RetryLater):
        collector.collect(params, None)
    with pytest.raises(CollectorError) as truncated:
        collector.collect(params, None)
    assert truncated.value.excerpt == '{"partial": ['
    assert local_server.requests[0]["headers"]["User-Agent"] == settings.user_agent


@pytest.mark.parametrize("platform", HTTP_PLATFORMS)
def test_no_secret_reaches_logs_or_errors(
    platform: Platform, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secrets = {
        "youtube_api_key": "SECRET-yt",
        "twitter_bearer_token": "SECRET-tw",
        "mastodon_access_token": "SECRET-md",
        "reddit_client_id": "cid",
        "reddit_client_secret": "SECRET-rd",
    }
    settings = make_settings(**secrets)
    token = json_response({"access_token": "SECRET-bearer", "token_type": "bearer", "expires_in": 3600})
    responses = ([token] if platform == Platform.reddit else []) + [
        json_response({"error": "unauthorized"}, status=401)
    ]
    rec = Recorder(responses)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthError) as info:
        get_collector(platform)(rec.client(settings), settings).collect(_params(platform, tmp_path), None)
    assert "HTTP Request" in caplog.text  # httpx logs every URL: none may carry a secret
    assert "SECRET" not in caplog.text and "SECRET" not in str(info.value)
    assert all("SECRET" not in str(r.url) for r in rec.requests)  # credentials travel in headers only
