"""Helpers for collector tests: recorded payloads, mock transports and a tiny local HTTP server."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from collectors.http import make_client
from listener.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("LISTENER_SHARED_FIXTURES", REPO.parent / "shared" / "fixtures"))
TEAM = REPO / "tests" / "fixtures"
UA = "ListenerTests/1.0 (+https://example.test; collectors)"


def shared_fixture(relative: str) -> bytes:
    """Bytes of a recorded payload from ../shared/fixtures (skips the test when that folder is absent)."""
    if not SHARED.is_dir():
        pytest.skip("../shared/fixtures not present (only in CI/dev workspace)")
    return (SHARED / relative).read_bytes()


def shared_json(relative: str) -> Any:
    """A recorded JSON payload from ../shared/fixtures, decoded."""
    return json.loads(shared_fixture(relative))


def team_fixture(relative: str) -> bytes:
    """Bytes of a team-written payload under tests/fixtures/."""
    return (TEAM / relative).read_bytes()


def make_settings(**overrides: Any) -> Settings:
    """Test settings: no .env, short timeout, fake credentials only where a test asks."""
    values: dict[str, Any] = {"http_timeout": 0.5, "user_agent": UA}
    values.update(overrides)
    return Settings(_env_file=None, **values)


def query_of(request: httpx.Request) -> dict[str, str]:
    """The request's query string as a flat dict."""
    return dict(request.url.params)


@dataclass
class Recorder:
    """A MockTransport that answers requests from a list of responses, in order, and keeps them."""

    responses: list[httpx.Response | Callable[[httpx.Request], httpx.Response]]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.responses:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        nxt = self.responses.pop(0)
        return nxt(request) if callable(nxt) else nxt

    def client(self, settings: Settings) -> httpx.Client:
        return make_client(settings, transport=httpx.MockTransport(self))


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """An httpx response with a JSON body (bytes passed through unchanged)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    all_headers = {"content-type": "application/json", **(headers or {})}
    return httpx.Response(status, content=body, headers=all_headers)


@dataclass
class Scripted:
    """One response the local server gives: status, headers, body, an optional delay before it,
    and ``cut`` to announce a longer body than it sends and drop the connection."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    cut: bool = False


class LocalServer:
    """A threaded http.server on 127.0.0.1 answering with scripted responses in sequence."""

    def __init__(self) -> None:
        self.script: list[Scripted] = []
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._answer()

            def do_POST(self) -> None:  # noqa: N802
                self._answer()

            def _answer(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.requests.append(
                    {"method": self.command, "path": parts.path, "query": parse_qs(parts.query),
                     "headers": dict(self.headers), "body": body}
                )  # fmt: skip
                item = server.script.pop(0) if server.script else Scripted(404, b"{}")
                if item.delay:
                    time.sleep(item.delay)
                try:
                    self.send_response(item.status)
                    for key, value in item.headers.items():
                        self.send_header(key, value)
                    length = len(item.body) + (100 if item.cut else 0)
                    self.send_header("Content-Length", str(length))
                    if item.cut:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(item.body)
                    self.wfile.flush()
                    if item.cut:
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def serve(self, items: Iterable[Scripted]) -> LocalServer:
        self.script.extend(items)
        return self

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
