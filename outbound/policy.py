"""Which addresses Listener may talk to: the outbound-address policy.

Anything configured from outside (webhook and Slack URLs, RSS feeds, a platform ``base_url``, an
SMTP host) could point Listener at itself, the LAN or a cloud metadata service. The policy refuses
every address that is not globally routable: loopback, private (RFC 1918, ULA), link-local (incl.
169.254.169.254), shared (100.64/10), multicast, unspecified (0.0.0.0, ::), reserved and
documentation ranges, in every spelling (``2130706433``, ``0x7f.1``, ``0177.0.0.1``,
``[::ffff:169.254.169.254]``), and host names that can only be local (``localhost``, ``*.local``,
``*.internal``, single labels).

It is checked twice: when a URL or host is saved (:func:`check_url`, :func:`check_host`: pure, no
DNS) and when a connection is made, on the addresses the name resolves to (:func:`resolve`: every
address must pass, and the caller connects to one of exactly those, so a name cannot resolve to a
public address for the check and a private one for the connection).

``OutboundPolicy.parse("127.0.0.1,10.0.0.0/8,hooks.internal")`` allows ranges and named hosts for
self-hosted receivers (``LISTENER_OUTBOUND_ALLOW``). A named host is trusted whatever it resolves to.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".lan")
_BAD_HOST_CHARS = re.compile(r"[%\s\\@/?#\x00-\x1f\x7f]")
_HOST_NAME = re.compile(r"^[^\s]{1,253}$")


class AddressRefused(ValueError):
    """The outbound-address policy refuses this URL, host or resolved address."""


@dataclass(frozen=True)
class OutboundPolicy:
    """Refuses non-global addresses except ``networks`` and the named ``hosts`` (lowercase)."""

    networks: tuple[IPNetwork, ...] = ()
    hosts: frozenset[str] = field(default_factory=frozenset)

    @staticmethod
    def parse(allow: str | None) -> OutboundPolicy:
        """``"127.0.0.1, 10.0.0.0/8, hooks.internal"``: addresses, CIDR ranges and host names.
        Raises ValueError naming an entry that is none of those."""
        return _parse(allow or "")

    def allows_host(self, host: str) -> bool:
        """True when ``host`` is a named host on the allow list."""
        return normal_host(host) in self.hosts

    def check_ip(self, ip: IPAddress, shown: str | None = None) -> None:
        """Raise AddressRefused unless ``ip`` is global or inside an allowed range."""
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in net for net in self.networks if net.version == ip.version):
            return
        if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
            what = f"{shown} ({ip})" if shown and shown != str(ip) else str(ip)
            raise AddressRefused(
                f"{what} is a loopback, private, link-local or otherwise internal address; "
                "add it to LISTENER_OUTBOUND_ALLOW to allow it"
            )


@lru_cache(maxsize=64)
def _parse(allow: str) -> OutboundPolicy:
    networks: list[IPNetwork] = []
    hosts: set[str] = set()
    for raw in allow.split(","):
        entry = raw.strip().strip("[]").lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
            continue
        except ValueError:
            pass
        if _BAD_HOST_CHARS.search(entry) or not _HOST_NAME.match(entry):
            raise ValueError(f"not an address, CIDR range or host name: {raw.strip()!r}")
        hosts.add(entry.rstrip("."))
    return OutboundPolicy(tuple(networks), frozenset(hosts))


STRICT = OutboundPolicy()


def normal_host(host: str) -> str:
    """Lowercase, without brackets and the trailing dot."""
    return host.strip().strip("[]").rstrip(".").lower()


def literal_ip(host: str) -> IPAddress | None:
    """The address a host spells, in any form a resolver accepts (``127.1``, ``2130706433``,
    ``0x7f000001``, ``0177.0.0.1``, ``::ffff:7f00:1``), or None for a name."""
    host = normal_host(host)
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if ":" in host or not host:
        return None
    try:  # the BSD forms: a number, octal and hex parts, fewer than four parts
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def check_host(host: str | None, policy: OutboundPolicy = STRICT) -> str:
    """Save-time check of a host name or address (no DNS); returns it, or raises AddressRefused."""
    if not host or not host.strip():
        raise AddressRefused("a host is required")
    name = normal_host(host)
    if _BAD_HOST_CHARS.search(name):
        raise AddressRefused(f"{host!r} is not a host name")
    if policy.allows_host(name):
        return host
    ip = literal_ip(name)
    if ip is not None:
        policy.check_ip(ip, shown=name)
        return host
    if name == "localhost" or name.endswith(_LOCAL_SUFFIXES) or "." not in name:
        raise AddressRefused(
            f"{name} names a local or internal host; add it to LISTENER_OUTBOUND_ALLOW to allow it"
        )
    return host


def check_url(url: str, policy: OutboundPolicy = STRICT) -> str:
    """Save-time check of an outbound URL: http(s), a host, and an address the policy allows (names
    are resolved only at connect time). Returns the URL, or raises AddressRefused."""
    parts = urlsplit(str(url).strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise AddressRefused("the URL must start with http:// or https://")
    if not parts.hostname:
        raise AddressRefused("the URL has no host")
    check_host(parts.hostname, policy)
    return str(url)


def resolve(host: str, port: int, policy: OutboundPolicy = STRICT) -> list[IPAddress]:
    """Connect-time check: the addresses ``host`` resolves to, each one allowed, in resolver order.

    A named host on the allow list is resolved without checks. Raises AddressRefused when any
    address is refused (a name that also resolves internally is not used at all), OSError when
    the name does not resolve."""
    name = normal_host(host)
    ip = literal_ip(name)
    if ip is not None:
        found = [ip]
    else:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
        found = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos))
    if not policy.allows_host(name):
        for address in found:
            policy.check_ip(address, shown=name)
    return found
