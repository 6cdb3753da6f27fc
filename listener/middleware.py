"""ASGI middleware: a request body size limit and Prometheus request metrics.

The limit is checked against ``Content-Length`` up front and against the bytes actually received
(chunked uploads), so a 20 MB body is refused with 413 before it is parsed or stored.
"""

from __future__ import annotations

import json
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.exceptions import HTTPException

Scope = dict[str, Any]


class _TooLarge(HTTPException):
    """Raised by ``receive`` once a body outgrows the limit. An HTTPException, because FastAPI's body
    parsing re-raises those (it turns any other error into a 400) and the app's handler answers 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request body is larger than {max_bytes} bytes")


def _error_body(status: int, code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "details": None}}).encode()


class BodyLimitMiddleware:
    """Refuse request bodies above ``max_bytes`` with 413, and query strings holding a NUL character
    with 422 (no column stores one; PostgreSQL would fail mid-way, e.g. in a streamed export)."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if b"%00" in scope.get("query_string", b"") or b"\x00" in scope.get("query_string", b""):
            await _answer(send, 422, "validation_error", "a query parameter holds a NUL character (%00)")
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0
        started = too_large = False

        async def limited_receive() -> Any:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    too_large = True
                    raise _TooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Any) -> None:
            # the app may turn the refused read into an answer of its own (FastAPI: a 400 "error
            # parsing the body"): the person gets the 413 instead, once
            nonlocal started
            if too_large:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._refuse(send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Any) -> None:
        await _answer(send, 413, "payload_too_large", f"request body is larger than {self.max_bytes} bytes")


async def _answer(send: Any, status: int, code: str, message: str) -> None:
    body = _error_body(status, code, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Metrics:
    """The service's Prometheus metrics, in a registry of their own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "listener_http_requests",
            "HTTP requests served",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "listener_http_request_seconds",
            "HTTP request latency",
            ["route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.feed_cache = Counter(
            "listener_feed_cache",
            "Feed pages (GET /api/v1/mentions) by cache outcome: hit, miss, or off (not cacheable now)",
            ["outcome"],
            registry=self.registry,
        )
        self.ingested = Counter(
            "listener_mentions_ingested",
            "Mentions received by ingest, by outcome",
            ["outcome"],
            registry=self.registry,
        )


def route_label(scope: Scope) -> str:
    """The matched route's template (``/api/v1/mentions/{mention_id}``), or ``unmatched``."""
    template = getattr(scope.get("route"), "path_format", None)
    if template is None:
        return "unmatched"
    if scope["path"].startswith("/api/v1/") and not template.startswith("/api/v1"):
        template = "/api/v1" + template  # routers report their own prefix only
    return template


class MetricsMiddleware:
    """Count requests and time them by route template (never by raw path: ids would explode labels)."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        start = time.perf_counter()

        async def tracking_send(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            path = route_label(scope)
            self.metrics.requests.labels(scope["method"], path, str(status)).inc()
            self.metrics.latency.labels(path).observe(time.perf_counter() - start)
