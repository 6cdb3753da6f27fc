"""Real servers on 127.0.0.1 for delivery tests: an HTTP sink with scripted answers, an SMTP sink."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    status: int = 200
    body: str = "ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class HttpSink:
    """Records every POST; answers from ``script`` (FIFO), then ``default``. ``delay`` answers
    after sleeping (a slow receiver: the request is recorded when it is answered)."""

    def __init__(self, port: int = 0) -> None:
        self.requests: list[Request] = []
        self.received: list[Request] = []  # every POST as it arrives, answered or not
        self.active = 0  # requests being handled (a slow answer is still pending)
        self.idle = threading.Condition()
        self.script: deque[Answer] = deque()
        self.default = Answer()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                with sink.idle:
                    sink.active += 1
                    sink.received.append(Request(self.path, dict(self.headers), body))
                try:
                    self._answer(body)
                finally:
                    with sink.idle:
                        sink.active -= 1
                        sink.idle.notify_all()

            def _answer(self, body: bytes) -> None:
                answer = sink.script.popleft() if sink.script else sink.default
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.status < 300 or not answer.delay:
                    sink.requests.append(Request(self.path, dict(self.headers), body))
                try:
                    self.send_response(answer.status)
                    for k, v in answer.headers.items():
                        self.send_header(k, v)
                    data = answer.body.encode()
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HttpSink:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def accepted(self) -> list[Request]:
        return self.requests

    def drain(self, at_least: int = 0, limit: float = 30.0) -> list[Request]:
        """Wait until ``at_least`` requests have arrived and every one has been answered (slow
        answers included); returns all that arrived."""
        with self.idle:
            self.idle.wait_for(lambda: len(self.received) >= at_least and self.active == 0, timeout=limit)
            return list(self.received)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """aiosmtpd on 127.0.0.1 keeping every message, parsed (optionally requiring AUTH)."""

    def __init__(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        tls: str | None = None,
        cert: tuple[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001
                sink.envelopes.append(envelope)
                sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                if delay:  # a slow server: it has the message, the answer comes late
                    await asyncio.sleep(delay)
                return "250 OK"

        def authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001
            ok = auth_data.login.decode() == username and auth_data.password.decode() == password
            return AuthResult(success=ok)

        kwargs: dict[str, Any] = {}
        if username:
            kwargs = {"authenticator": authenticator, "auth_required": True, "auth_require_tls": False}
        if tls:
            import ssl

            assert cert is not None
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*cert)
            if tls == "starttls":
                kwargs.update(tls_context=ctx, require_starttls=True)
            else:
                kwargs.update(ssl_context=ctx)
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.controller.stop()
