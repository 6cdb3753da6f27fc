"""The shared HTTP client and the mapping of HTTP outcomes to collector errors."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import httpx
import pytest
from collectors_testkit import UA, LocalServer, Scripted

from collectors.base import AuthError, CollectorError, RetryLater
from collectors.http import (
    backoff_seconds,
    check_response,
    fetch,
    make_client,
    parse_json,
    rate_limit_remaining,
    rate_limit_reset_at,
    retry_after_seconds,
)
from listener.settings import Settings

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def _resp(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=body,
        headers=headers,
        request=httpx.Request("GET", "https://api.example/x?key=SECRET"),
    )


def test_make_client_uses_settings(settings: Settings) -> None:
    client = make_client(settings)
    assert client.timeout.read == 0.5 and client.timeout.connect == 0.5
    assert client.headers["User-Agent"] == UA
    assert client.follow_redirects is True
    assert client._trust_env is True


def test_make_client_honours_proxy_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    client = make_client(settings)
    proxied = [p for p, t in client._mounts.items() if t is not None and "https" in str(p.pattern)]
    assert proxied, "HTTPS_PROXY should mount a proxy transport"


@pytest.mark.parametrize("status", [401, 403])
def test_auth_statuses_raise_auth_error_without_secrets(status: int) -> None:
    with pytest.raises(AuthError, match="source needs credentials") as info:
        check_response(_resp(status, b'{"error":"invalid_token"}'))
    assert "SECRET" not in str(info.value)
    assert info.value.excerpt == '{"error":"invalid_token"}'


def test_429_with_retry_after_seconds() -> None:
    with pytest.raises(RetryLater) as info:
        check_response(_resp(429, headers={"Retry-After": "120"}), now=NOW)
    assert info.value.after_seconds == 120


def test_429_with_retry_after_http_date() -> None:
    headers = {"Retry-After": "Sun, 22 Nov 2026 06:05:00 GMT"}
    with pytest.raises(RetryLater) as info:
        check_response(_resp(429, headers=headers), now=NOW)
    assert info.value.after_seconds == 300


def test_reset_headers_epoch_and_delta() -> None:
    epoch = str(int(NOW.timestamp()) + 90)
    assert retry_after_seconds(httpx.Headers({"x-rate-limit-reset": epoch}), now=NOW) == 90
    assert retry_after_seconds(httpx.Headers({"x-ratelimit-reset": "42"}), now=NOW) == 42
    iso_reset = httpx.Headers({"x-ratelimit-reset": "2026-11-22T06:10:00.000Z"})
    assert rate_limit_reset_at(iso_reset, now=NOW) == datetime(2026, 11, 22, 6, 10, tzinfo=UTC)
    assert retry_after_seconds(httpx.Headers({}), now=NOW) is None
    assert rate_limit_remaining(httpx.Headers({"x-ratelimit-remaining": "598.0"})) == 598


def test_5xx_is_retry_with_backoff_and_4xx_is_collector_error() -> None:
    with pytest.raises(RetryLater) as info:
        check_response(_resp(503))
    assert info.value.after_seconds is None
    with pytest.raises(CollectorError) as bad:
        check_response(_resp(404, b"<html>not found</html>"))
    assert not isinstance(bad.value, AuthError)
    assert bad.value.excerpt == "<html>not found</html>"
    assert "SECRET" not in str(bad.value) and "api.example/x" in str(bad.value)


def test_parse_json_truncated_body_says_where_it_broke_without_echoing_it() -> None:
    with pytest.raises(CollectorError) as info:
        parse_json(_resp(200, b'{"hits": [{"objectID": "1"'))
    assert info.value.excerpt is None and "objectID" not in str(info.value)
    assert "malformed JSON (JSONDecodeError at line 1 column 27; 26 bytes)" in str(info.value)


def test_backoff_is_exponential_with_full_jitter() -> None:
    class Top(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b

    assert [backoff_seconds(n, rng=Top()) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_seconds(50, rng=Top()) == 3600
    assert backoff_seconds(1000, rng=Top()) == 3600
    rng = random.Random(7)
    assert all(0 <= backoff_seconds(5, rng=rng) <= 480 for _ in range(100))


# --- over a real socket ---------------------------------------------------------------------


def test_real_server_429_then_500_then_ok(settings: Settings, local_server: LocalServer) -> None:
    local_server.serve(
        [
            Scripted(429, b"slow down", {"Retry-After": "7"}),
            Scripted(500, b"oops"),
            Scripted(200, b'{"ok": true}', {"Content-Type": "application/json"}),
        ]
    )
    client = make_client(settings)
    with pytest.raises(RetryLater) as limited:
        fetch(client, "GET", local_server.url + "/a")
    assert limited.value.after_seconds == 7
    with pytest.raises(RetryLater) as failed:
        fetch(client, "GET", local_server.url + "/a")
    assert failed.value.after_seconds is None
    assert parse_json(fetch(client, "GET", local_server.url + "/a")) == {"ok": True}
    assert local_server.requests[0]["headers"]["User-Agent"] == UA


def test_real_server_timeout_is_retry_later(settings: Settings, local_server: LocalServer) -> None:
    local_server.serve([Scripted(200, b"{}", delay=1.5)])
    with pytest.raises(RetryLater, match="timeout"):
        fetch(make_client(settings), "GET", local_server.url + "/slow?key=SECRET")


def test_real_server_dropped_connection_is_retry_later(settings: Settings, local_server: LocalServer) -> None:
    local_server.serve([Scripted(200, b'{"partial": ', cut=True)])
    with pytest.raises(RetryLater) as info:
        fetch(make_client(settings), "GET", local_server.url + "/cut?key=SECRET")
    assert "SECRET" not in str(info.value)


def test_connection_refused_is_retry_later(settings: Settings) -> None:
    with pytest.raises(RetryLater, match="network error"):
        fetch(make_client(settings), "GET", "http://127.0.0.1:9/nothing")
