"""The outbound-address policy: refused at save time (pure checks) and at connect time (real
sockets on 127.0.0.1, the real resolver for ``localhost``, a stand-in resolver for rebinding)."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from typing import Any

import httpx
import pytest

from outbound.http import GuardedClient, guarded_client, refusal_of
from outbound.policy import STRICT, AddressRefused, OutboundPolicy, check_host, check_url, resolve
from outbound.smtp import connect

REFUSED_HOSTS = [
    "127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0x7f.0.0.1", "localhost",
    "LOCALHOST.", "api.localhost", "[::1]", "::1", "0.0.0.0", "0", "[::]", "169.254.169.254",
    "[::ffff:169.254.169.254]", "::ffff:a9fe:a9fe", "10.0.0.1", "172.16.5.4", "192.168.1.1",
    "100.64.0.1", "100.100.100.200", "fd00:ec2::254", "fe80::1", "224.0.0.1", "[ff02::1]",
    "240.0.0.1", "255.255.255.255", "192.0.2.10", "metadata.google.internal", "hooks", "printer.local",
]  # fmt: skip
ALLOWED_HOSTS = [
    "hooks.slack.com",
    "93.184.216.34",
    "2606:4700::1111",
    "example.com",
    "xn--bcher-kva.example",
]


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_internal_hosts_are_refused_at_save_time(host: str) -> None:
    with pytest.raises(AddressRefused, match="LISTENER_OUTBOUND_ALLOW"):
        check_host(host)
    bracketed = f"[{host.strip('[]')}]" if ":" in host else host
    with pytest.raises(AddressRefused):
        check_url(f"https://{bracketed}:8443/hook")


@pytest.mark.parametrize("host", ALLOWED_HOSTS)
def test_public_hosts_pass(host: str) -> None:
    assert check_host(host) == host


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "gopher://x.example/", "ftp://x.example/", "http:///x"]
)
def test_only_http_urls_with_a_host(url: str) -> None:
    with pytest.raises(AddressRefused):
        check_url(url)


def test_the_allow_list_takes_addresses_ranges_and_named_hosts() -> None:
    policy = OutboundPolicy.parse(" 127.0.0.1, 10.0.0.0/8 ,hooks.internal,[::1]")
    for host in ("127.0.0.1", "10.20.30.40", "hooks.internal", "HOOKS.INTERNAL.", "::1", "::ffff:10.1.2.3"):
        check_host(host, policy)
    for host in ("127.0.0.2", "192.168.0.1", "other.internal", "169.254.169.254"):
        with pytest.raises(AddressRefused):
            check_host(host, policy)
    with pytest.raises(ValueError, match="not an address"):
        OutboundPolicy.parse("10.0.0.0/8, bad host!")


def test_resolve_checks_every_address_a_name_has(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {"mixed.example.test": ["93.184.216.34", "127.0.0.1"], "public.example.test": ["93.184.216.34"]}

    def fake_getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    assert [str(a) for a in resolve("public.example.test", 443)] == ["93.184.216.34"]
    with pytest.raises(AddressRefused, match=r"mixed.example.test \(127.0.0.1\)"):
        resolve("mixed.example.test", 443)


# --- connect time, over real sockets ---------------------------------------------------------------


class _Hits(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        type(self).hits.append(self.path)
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", self.headers["X-Next"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


@pytest.fixture
def port() -> Iterator[int]:
    _Hits.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hits)
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_name_resolving_to_loopback_is_refused_at_connect_time(port: int) -> None:
    with guarded_client(STRICT) as client, pytest.raises(httpx.ConnectError) as info:
        client.get(f"http://localhost:{port}/x")  # the real resolver: localhost is 127.0.0.1
    assert isinstance(refusal_of(info.value), AddressRefused)
    with guarded_client(STRICT) as client, pytest.raises(httpx.ConnectError):
        client.get(f"http://2130706433:{port}/x")
    assert _Hits.hits == [], "nothing reached the server"


def test_rebinding_a_saved_name_to_loopback_is_refused(port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    check_url(f"http://hooks.example.test:{port}/in")  # a public-looking name passes at save time
    real = socket.getaddrinfo

    def rebinding(host: str, *args: Any, **kwargs: Any) -> Any:
        return real("127.0.0.1" if host == "hooks.example.test" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with (
        guarded_client(STRICT) as client,
        pytest.raises(httpx.ConnectError, match="outbound address refused"),
    ):
        client.get(f"http://hooks.example.test:{port}/in")
    assert _Hits.hits == []


def test_allowed_ranges_and_names_connect_and_redirects_are_checked_again(port: int) -> None:
    with guarded_client(OutboundPolicy.parse("127.0.0.0/8")) as client:
        assert client.get(f"http://localhost:{port}/a").text == "ok"
    with guarded_client(OutboundPolicy.parse("localhost"), follow_redirects=True) as client:
        assert client.get(f"http://localhost:{port}/b").text == "ok"
        with pytest.raises(httpx.ConnectError):  # the named host is allowed, 127.0.0.1 itself is not
            client.get(f"http://localhost:{port}/redirect", headers={"X-Next": f"http://127.0.0.1:{port}/c"})
    assert _Hits.hits == ["/a", "/b", "/redirect"]


def test_proxied_clients_check_the_target_host(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    with GuardedClient(STRICT, trust_env=True) as client, pytest.raises(httpx.ConnectError):
        client.get("http://169.254.169.254/latest/meta-data/")
    assert _Hits.hits == []


def test_smtp_resolves_checks_and_connects_to_the_checked_address() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    try:
        with pytest.raises(AddressRefused):
            connect("localhost", port, policy=STRICT, timeout=2)
        listener.settimeout(0.2)
        with pytest.raises(socket.timeout):
            listener.accept()  # no connection was made
        accepted: list[socket.socket] = []

        def greet() -> None:
            conn, _ = listener.accept()
            accepted.append(conn)
            conn.sendall(b"220 test ESMTP\r\n")

        listener.settimeout(5)
        thread = Thread(target=greet)
        thread.start()
        smtp = connect("localhost", port, policy=OutboundPolicy.parse("127.0.0.1"), timeout=2)
        thread.join()
        assert isinstance(smtp, smtplib.SMTP) and smtp.sock.getpeername()[0] == "127.0.0.1"
        assert smtp._host == "localhost"  # noqa: SLF001 - what TLS would verify
        smtp.close()
        accepted[0].close()
    finally:
        listener.close()
