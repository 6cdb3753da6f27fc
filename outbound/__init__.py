"""The outbound-address policy, shared by collectors, notifiers and the service: which addresses
Listener may connect to (:mod:`outbound.policy`), and HTTP and SMTP clients that check them at
connect time (:mod:`outbound.http`, :mod:`outbound.smtp`). Imports nothing from the rest of
Listener, so ``collectors/`` and ``alerts/`` can both use it."""

from outbound.policy import STRICT, AddressRefused, OutboundPolicy, check_host, check_url, resolve

__all__ = ["STRICT", "AddressRefused", "OutboundPolicy", "check_host", "check_url", "resolve"]
