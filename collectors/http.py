"""The one HTTP client collectors use, and the mapping of HTTP outcomes to collector errors.

``make_client`` builds an ``httpx.Client`` with the service timeout and User-Agent, following
redirects, honouring ``HTTP(S)_PROXY`` and connecting only where the outbound-address policy allows
(``outbound.http``; a refusal is a CollectorError, not a retry). ``fetch`` sends a request and
turns transport errors and bad statuses into :class:`RetryLater` / :class:`AuthError` /
:class:`CollectorError`. Error messages name the host and path only: never the query string,
which may carry an API key.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from collectors.base import AuthError, CollectorError, RetryLater, excerpt_of
from collectors.normalise import parse_datetime
from collectors.settings import CollectorSettings
from outbound.http import GuardedClient, refusal_of

log = logging.getLogger(__name__)

# A reset header above this is an epoch timestamp (Twitter, Bluesky); below, a delay in seconds (Reddit).
_EPOCH_THRESHOLD = 1_000_000_000


def make_client(settings: CollectorSettings, *, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """An ``httpx.Client`` with the settings' timeout and User-Agent; follows redirects, uses proxies,
    and connects only to addresses the settings' outbound-address policy allows (every redirect
    hop included). ``transport`` replaces the network for tests (``httpx.MockTransport``)."""
    return GuardedClient(
        settings.outbound_policy(),
        timeout=httpx.Timeout(settings.http_timeout),
        headers={"User-Agent": settings.user_agent},
        follow_redirects=True,
        trust_env=True,
        transport=transport,
    )


def where(request: httpx.Request) -> str:
    """``host/path`` of a request, safe for logs and errors (no query string, no credentials)."""
    return f"{request.url.host}{request.url.path}"


def fetch(
    client: httpx.Client, method: str, url: str, *, check: bool = True, **kwargs: Any
) -> httpx.Response:
    """Send a request; map timeouts and transport errors to RetryLater, statuses via ``check_response``
    (skipped with ``check=False`` for callers that read an error body first).

    A 304 is returned as is (the caller asked a conditional question).
    """
    try:
        resp = client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise RetryLater(None, f"timeout talking to {where(exc.request)}") from exc
    except httpx.TransportError as exc:
        target = where(exc.request) if _has_request(exc) else "the platform"
        refused = refusal_of(exc)
        if refused is not None:  # not transient: the operator must allow the address or fix the URL
            raise CollectorError(f"refused to connect to {target}: {refused}") from exc
        raise RetryLater(None, f"network error talking to {target}: {type(exc).__name__}") from exc
    if check:
        check_response(resp)
    return resp


def _has_request(exc: httpx.TransportError) -> bool:
    try:
        exc.request  # noqa: B018 - raises RuntimeError when unset
    except RuntimeError:
        return False
    return True


def check_response(resp: httpx.Response, *, now: datetime | None = None) -> None:
    """Raise the collector error a status calls for; return quietly on 2xx/3xx.

    401/403 → AuthError; 429 → RetryLater(Retry-After or the reset header); 5xx → RetryLater(None);
    other 4xx → CollectorError with an excerpt of the body.
    """
    status = resp.status_code
    if status < 400:
        return
    target = where(resp.request)
    body = _body(resp)
    if status in (401, 403):
        raise AuthError(f"source needs credentials: {target} answered {status}", excerpt=excerpt_of(body))
    if status == 429:
        raise RetryLater(retry_after_seconds(resp.headers, now=now), f"rate limited by {target} (429)")
    if status >= 500:
        raise RetryLater(None, f"{target} answered {status}")
    raise CollectorError(f"{target} answered {status}", excerpt=excerpt_of(body))


def _body(resp: httpx.Response) -> bytes:
    try:
        return resp.content
    except httpx.ResponseNotRead:
        return resp.read()


def retry_after_seconds(headers: httpx.Headers, *, now: datetime | None = None) -> float | None:
    """Seconds to wait per ``Retry-After`` (seconds or HTTP-date), else the platform reset headers."""
    now = now or datetime.now(UTC)
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        if value.replace(".", "", 1).isdigit():
            return max(0.0, float(value))
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
            return max(0.0, (when - now).total_seconds())
    reset_at = rate_limit_reset_at(headers, now=now)
    return None if reset_at is None else max(0.0, (reset_at - now).total_seconds())


def rate_limit_reset_at(headers: httpx.Headers, *, now: datetime | None = None) -> datetime | None:
    """When the rate-limit window resets, from ``x-ratelimit-reset`` (Reddit: seconds from now;
    Mastodon: ISO time), ``x-rate-limit-reset`` (X: epoch) or ``ratelimit-reset`` (Bluesky: epoch)."""
    now = now or datetime.now(UTC)
    for name in ("x-ratelimit-reset", "x-rate-limit-reset", "ratelimit-reset"):
        raw = headers.get(name)
        if not raw:
            continue
        try:
            value = float(raw)
        except ValueError:
            when = parse_datetime(raw)
            if when is not None:
                return when
            continue
        if value >= _EPOCH_THRESHOLD:
            return datetime.fromtimestamp(value, UTC)
        return now + timedelta(seconds=value)
    return None


def rate_limit_remaining(headers: httpx.Headers) -> int | None:
    """Requests left in the window (``x-ratelimit-remaining`` may be a float like ``"598.0"``)."""
    for name in ("x-ratelimit-remaining", "x-rate-limit-remaining", "ratelimit-remaining"):
        raw = headers.get(name)
        if raw:
            try:
                return int(float(raw))
            except ValueError:
                continue
    return None


def parse_json(resp: httpx.Response) -> Any:
    """The JSON body, or CollectorError when it is malformed or truncated: the message says where
    the JSON broke and how long the body was, never what it held (it may be hostile or private)."""
    body = _body(resp)
    try:
        return json.loads(body)
    except ValueError as exc:
        where_broken = (
            f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        )
        raise CollectorError(
            f"{where(resp.request)} returned malformed JSON ({exc.__class__.__name__}{where_broken}; "
            f"{len(body)} bytes): nothing from it was kept"
        ) from exc


def expect(payload: Any, kind: type, resp: httpx.Response, what: str) -> Any:
    """Check a decoded payload has the expected top-level type; CollectorError with excerpt if not."""
    if not isinstance(payload, kind):
        raise CollectorError(f"{where(resp.request)}: expected {what}", excerpt=excerpt_of(_body(resp)))
    return payload


def backoff_seconds(
    consecutive_failures: int,
    base: float = 30,
    cap: float = 3600,
    rng: random.Random | None = None,
) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**(failures-1))]."""
    rng = rng or random.Random()
    exponent = max(0, consecutive_failures - 1)
    ceiling = cap if exponent >= 64 else min(cap, base * 2**exponent)
    return rng.uniform(0, ceiling)
