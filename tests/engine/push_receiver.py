"""A real webhook receiver on 127.0.0.1 as a customer would write one: it checks the signature over
the exact body with the subscription's secret, keeps each batch once by its Idempotency-Key (a
repeat is answered 200 and dropped), and answers from a script (a status, or a slow answer that
comes after the batch was kept: the sender times out although the batch arrived)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def verify(secret: str, body: bytes, header: str) -> bool:
    """The README's verification: HMAC-SHA256 of the raw body, compared in constant time."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] | None = None
    late: float = 0.0  # keep the batch, then answer after this many seconds


class Receiver:
    """``arrivals``: the Idempotency-Key of every POST, repeats included; ``batches``: each batch
    kept once, in arrival order; ``bad_signatures``: POSTs whose signature did not verify."""

    def __init__(self) -> None:
        self.secret = ""
        self.script: deque[Reply] = deque()
        self.arrivals: list[str] = []
        self.batches: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.bad_signatures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.take(self, body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/listener"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def take(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        key = headers.get("idempotency-key", "")
        with self.lock:
            self.arrivals.append(key)
            self.headers.append(headers)
            reply = self.script.popleft() if self.script else Reply()
            if not verify(self.secret, body, headers.get("x-listener-signature", "")):
                self.bad_signatures += 1
                reply = Reply(401)
            elif reply.status < 300 and key not in {b["batch"] for b in self.batches}:
                self.batches.append(json.loads(body))
        if reply.late:
            time.sleep(reply.late)
        try:
            handler.send_response(reply.status)
            for name, value in (reply.headers or {}).items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", "2")
            handler.end_headers()
            handler.wfile.write(b"ok")
        except (BrokenPipeError, ConnectionResetError):
            pass

    @property
    def mention_ids(self) -> list[int]:
        """The ids of the mentions kept, in the order they were kept."""
        return [m["id"] for b in self.batches for m in b["mentions"]]

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
