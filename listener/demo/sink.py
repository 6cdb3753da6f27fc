"""A local webhook receiver for the demo: alert notifications are printed and kept, so the demo's
crisis can be delivered somewhere without Slack or a mail server. Loopback only."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000


class DemoSink:
    """Receives POSTed JSON on ``url``; ``received`` holds the payloads, ``on_alert`` sees each."""

    def __init__(self, on_alert: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.received: list[dict[str, Any]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    payload = json.loads(self.rfile.read(min(length, MAX_BODY)) or b"{}")
                except json.JSONDecodeError:
                    self.send_response(400)
                    self.end_headers()
                    return
                sink.received.append(payload)
                if on_alert is not None:
                    on_alert(payload)
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True, name="demo-sink").start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/alerts"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def describe(payload: dict[str, Any]) -> str:
    """One line for the terminal about a received notification."""
    evidence = payload.get("evidence") or {}
    terms = ", ".join((evidence.get("top_terms") or [])[:5])
    rule = payload.get("rule")
    name = rule.get("name") if isinstance(rule, dict) else rule
    return (
        f"ALERT ({payload.get('kind', '?')}) {name or payload.get('title', '')} "
        f"for {payload.get('brand', '?')}: value {payload.get('value')}, top terms: {terms or '-'}"
    )
