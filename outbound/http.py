"""HTTP clients that obey the outbound-address policy at connect time.

:func:`guarded_client` builds the ``httpx.Client`` every outbound HTTP request goes through
(collectors, Slack and webhook notifiers, the outbox). Its transport resolves each host once,
checks every address (:func:`outbound.policy.resolve`) and connects to a checked address: TLS still
verifies the certificate for the original host name (SNI), and a redirect is a new, checked
connection. A refusal surfaces as ``httpx.ConnectError`` whose ``__cause__`` is
:class:`~outbound.policy.AddressRefused` (see :func:`refusal_of`).

Behind an HTTP(S)_PROXY the proxy resolves names; the transport then checks the request's host
(literal addresses and local names) before handing it to the proxy, and the proxy itself is trusted.
"""

from __future__ import annotations

import logging
from typing import Any

import httpcore
import httpx

from outbound.policy import STRICT, AddressRefused, OutboundPolicy, check_host, resolve

log = logging.getLogger(__name__)


class CheckedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to addresses the policy allows."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self.policy = policy

    def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        try:
            addresses = resolve(host, port, self.policy)
        except AddressRefused as exc:
            raise httpcore.ConnectError(f"outbound address refused: {exc}") from exc
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        last: Exception | None = None
        for address in addresses:  # connect to exactly the addresses that were checked
            try:
                return super().connect_tcp(str(address), port, *args, **kwargs)
            except httpcore.ConnectError as exc:
                last = exc
        raise last or httpcore.ConnectError(f"{host} has no address")


class CheckedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` with :class:`CheckedBackend`; with a proxy, the request's host is
    checked (without DNS) before it is handed to the proxy."""

    def __init__(self, policy: OutboundPolicy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.policy = policy
        self.proxied = kwargs.get("proxy") is not None
        if not self.proxied:
            self._pool._network_backend = CheckedBackend(policy)  # type: ignore[union-attr]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.proxied:
            try:
                check_host(request.url.host, self.policy)
            except AddressRefused as exc:
                raise httpx.ConnectError(f"outbound address refused: {exc}", request=request) from exc
        return super().handle_request(request)


class GuardedClient(httpx.Client):
    """An ``httpx.Client`` whose every transport (direct and proxied) is a :class:`CheckedTransport`;
    ``policy`` is kept for the non-HTTP senders that share the client's policy (SMTP)."""

    def __init__(self, policy: OutboundPolicy = STRICT, **kwargs: Any) -> None:
        self.policy = policy
        super().__init__(**kwargs)

    def _init_transport(self, *args: Any, transport: httpx.BaseTransport | None = None, **kw: Any) -> Any:
        if transport is not None:
            return transport
        return CheckedTransport(self.policy, **_transport_kwargs(kw))

    def _init_proxy_transport(self, proxy: httpx.Proxy, *args: Any, **kw: Any) -> Any:
        return CheckedTransport(self.policy, proxy=proxy, **_transport_kwargs(kw))


def _transport_kwargs(kw: dict[str, Any]) -> dict[str, Any]:
    keys = ("verify", "cert", "trust_env", "http1", "http2", "limits")
    return {k: kw[k] for k in keys if k in kw}


def guarded_client(
    policy: OutboundPolicy = STRICT,
    *,
    timeout: float = 10.0,
    user_agent: str | None = None,
    follow_redirects: bool = False,
) -> GuardedClient:
    """The client for outbound requests: ``timeout`` seconds, the User-Agent, proxies from the
    environment, every connection checked against ``policy``."""
    return GuardedClient(
        policy,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": user_agent} if user_agent else None,
        follow_redirects=follow_redirects,
        trust_env=True,
    )


def policy_of(client: httpx.Client) -> OutboundPolicy:
    """The policy a client was built with; the strict default for any other client."""
    return client.policy if isinstance(client, GuardedClient) else STRICT


def refusal_of(exc: BaseException) -> AddressRefused | None:
    """The policy refusal behind an httpx transport error, if that is what it was."""
    chain: BaseException | None = exc
    for _ in range(8):  # httpx re-raises httpcore's error, which wraps ours
        if chain is None or isinstance(chain, AddressRefused):
            return chain
        chain = chain.__cause__ or chain.__context__
    return None
