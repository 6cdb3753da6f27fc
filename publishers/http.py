"""The HTTP side every publisher shares: the guarded client, one send that tells "not taken" from
"maybe posted", the platform's reason from an error body, and the checks before anything is sent.

Only the request that creates the reply is ``posting``: a timeout or a dropped connection after it
went out is :class:`Unconfirmed`. Connecting failed (or the pool never handed out a connection):
nothing was sent, :class:`Deferred`. Lookups and token requests create nothing, so any failure of
theirs is :class:`Deferred`. Messages name the host and path, never the query or a credential.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx

from collectors.base import AuthError, CollectorError, RetryLater, excerpt_of
from collectors.http import retry_after_seconds
from outbound.http import GuardedClient, guarded_client, refusal_of
from publishers.base import (
    Capability,
    Deferred,
    InvalidReply,
    Limits,
    Outgoing,
    Published,
    PublishError,
    RateLimited,
    Refused,
    Unconfirmed,
)
from publishers.settings import PublisherSettings

REASON_CHARS = 300
# A gateway in front of the platform answered: the platform itself may have taken the reply.
GATEWAY_STATUSES = (502, 504)
MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")  # an HTML tag: not plain text


def make_client(settings: PublisherSettings) -> GuardedClient:
    """The publishers' client: the outbound-address policy, the settings' timeout and User-Agent,
    no redirects (a redirected POST is not followed)."""
    return guarded_client(
        settings.outbound_policy(), timeout=settings.http_timeout, user_agent=settings.user_agent
    )


def where(request: httpx.Request) -> str:
    """``host/path`` of a request (no query string, no credentials)."""
    return f"{request.url.host}{request.url.path}"


def send(client: httpx.Client, method: str, url: str, *, posting: bool, **kwargs: Any) -> httpx.Response:
    """Send one request and return a 2xx answer; raise what the outcome means (module docstring)."""
    try:
        resp = client.request(method, url, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        refused = refusal_of(exc)
        if refused is not None:
            raise PublishError(f"refused to connect: {refused}") from exc
        raise Deferred(f"could not connect to {httpx.URL(url).host}: {type(exc).__name__}") from exc
    except httpx.TransportError as exc:  # read/write timeouts, dropped connections
        what = f"no answer from {httpx.URL(url).host}{httpx.URL(url).path} ({type(exc).__name__})"
        if posting:
            raise Unconfirmed(f"{what} after the reply was sent: check the platform, then resolve") from exc
        raise Deferred(what) from exc
    check(resp, posting=posting)
    return resp


def check(resp: httpx.Response, *, posting: bool) -> None:
    """Raise for a non-2xx answer: 401/403 Refused, 429 RateLimited (until the reset headers'
    time), 500/503 Deferred, 502/504 Unconfirmed when posting, other statuses PublishError."""
    status = resp.status_code
    if status < 300:
        return
    reason = reason_of(resp)
    if status in (401, 403):
        raise Refused(reason, status=status)
    if status == 429:
        raise RateLimited(f"rate limited: {reason}", retry_at=reset_at(resp), status=status)
    if status in GATEWAY_STATUSES and posting:
        raise Unconfirmed(f"{where(resp.request)} answered {status} ({reason}): the reply may be posted")
    if status >= 500:
        raise Deferred(f"{where(resp.request)} answered {status}: {reason}", status=status)
    raise PublishError(reason, status=status)


def reset_at(resp: httpx.Response) -> datetime | None:
    """When the platform's rate-limit window reopens (Retry-After or the reset headers)."""
    now = datetime.now(UTC)
    seconds = retry_after_seconds(resp.headers, now=now)
    return None if seconds is None else now + timedelta(seconds=seconds)


def reason_of(resp: httpx.Response) -> str:
    """The platform's explanation in an error body: ``errors[0].detail|message``, ``error.message``,
    ``detail``, ``message``, ``error_description`` or ``error``; else an excerpt of the body."""
    try:
        body: Any = json.loads(resp.content)
    except ValueError:
        return excerpt_of(resp.content, REASON_CHARS) or f"HTTP {resp.status_code}"
    found = _reason(body)
    return (found or excerpt_of(resp.content, REASON_CHARS))[:REASON_CHARS]


def _reason(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return str(first.get("detail") or first.get("message") or first.get("title") or "") or None
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or "") or None
    for key in ("detail", "message", "error_description", "error", "title"):
        if isinstance(body.get(key), str) and body[key]:
            return body[key]
    return None


def json_of(resp: httpx.Response, what: str) -> dict[str, Any]:
    """A 2xx answer's JSON object; a body we cannot read after a post means we cannot tell what
    was created: :class:`Unconfirmed`."""
    try:
        body = json.loads(resp.content)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise Unconfirmed(f"{where(resp.request)} answered {resp.status_code} without {what}")
    return body


def token(call: Any, *args: Any) -> Any:
    """Run a collectors' token helper, mapping its errors to the publishers' (no reply was sent)."""
    try:
        return call(*args)
    except AuthError as exc:
        raise Refused(exc.message) from None
    except RetryLater as exc:
        raise Deferred(exc.reason) from None
    except CollectorError as exc:
        raise PublishError(exc.message) from None


class HttpPublisher:
    """The opening every publisher shares: the client and settings, the limits check, the
    credentials check. Subclasses set the class attributes and ``reply``."""

    platform: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.public_reply})
    channels: ClassVar[frozenset[str]] = frozenset({"public"})
    limits: ClassVar[Limits]
    credentials: ClassVar[tuple[str, ...]] = ()

    def __init__(self, client: httpx.Client, settings: PublisherSettings) -> None:
        self.client = client
        self.settings = settings

    def secrets(self) -> tuple[str, ...]:
        """The values of the credentials (for ``configured``; never logged or returned)."""
        return ()

    def configured(self) -> bool:
        """True when every credential this publisher needs is set."""
        return all(v.strip() for v in self.secrets())

    def require(self) -> None:
        """Refused naming the variables when a credential is missing."""
        if not self.configured():
            raise Refused(f"{self.platform} replies need credentials: set {', '.join(self.credentials)}")

    def reply(self, outgoing: Outgoing) -> Published:
        """Post ``outgoing`` (subclasses)."""
        raise NotImplementedError


def validate(publisher: type[HttpPublisher], text: str, channel: str) -> None:
    """InvalidReply when ``text`` is empty, too long or not plain text for the platform, or the
    channel is one the publisher does not offer."""
    name, limits = publisher.platform, publisher.limits
    if channel not in publisher.channels:
        offered = ", ".join(sorted(publisher.channels))
        raise InvalidReply(f"{name} replies can be sent as: {offered}, not {channel}", [{"field": "channel"}])
    if not text.strip():
        raise InvalidReply("the reply is empty", [{"field": "text"}])
    if len(text) > limits.max_chars:
        raise InvalidReply(
            f"the reply is {len(text)} characters; {name} allows {limits.max_chars}",
            [{"field": "text", "length": len(text), "limit": limits.max_chars}],
        )
    if limits.plain_text and MARKUP.search(text):
        raise InvalidReply(f"{name} replies are plain text: remove the HTML tags", [{"field": "text"}])
