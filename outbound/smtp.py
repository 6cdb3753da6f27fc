"""SMTP connections that obey the outbound-address policy: resolve once, check every address,
connect to a checked one. STARTTLS and implicit TLS still verify the certificate for the configured
host name (``smtplib`` keeps it as ``_host`` for ``server_hostname``)."""

from __future__ import annotations

import smtplib
import socket
from typing import Any

from outbound.policy import STRICT, OutboundPolicy, resolve


class _Checked:
    """Mixin replacing ``smtplib``'s ``_get_socket``: the connection goes to a checked address."""

    policy: OutboundPolicy = STRICT
    body_sent: bool = False  # the message data went out (a failure now leaves delivery unconfirmed)

    def send(self, s: str | bytes) -> None:
        """smtplib's ``send``, noting when the message data (ending in CRLF.CRLF) has been sent."""
        super().send(s)  # type: ignore[misc]
        if (s.encode() if isinstance(s, str) else s).endswith(b"\r\n.\r\n"):
            self.body_sent = True

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        last: OSError | None = None
        for address in resolve(host, port, self.policy):  # AddressRefused propagates
            try:
                return super()._get_socket(str(address), port, timeout)  # type: ignore[misc]
            except OSError as exc:
                last = exc
        raise last or OSError(f"{host} has no address")


class CheckedSMTP(_Checked, smtplib.SMTP):
    """``smtplib.SMTP`` connecting only to allowed addresses."""


class CheckedSMTP_SSL(_Checked, smtplib.SMTP_SSL):  # noqa: N801 - smtplib's naming
    """``smtplib.SMTP_SSL`` connecting only to allowed addresses."""


def connect(
    host: str, port: int, *, policy: OutboundPolicy = STRICT, tls: bool = False, **kwargs: Any
) -> CheckedSMTP | CheckedSMTP_SSL:
    """An SMTP connection to ``host:port`` (implicit TLS when ``tls``); raises
    :class:`~outbound.policy.AddressRefused` when the host resolves to a refused address."""
    cls = CheckedSMTP_SSL if tls else CheckedSMTP
    smtp = cls(**kwargs)
    smtp.policy = policy
    smtp._host = host  # noqa: SLF001 - the name TLS and STARTTLS verify the certificate against
    code, message = smtp.connect(host, port)
    if code != 220:
        smtp.close()
        raise smtplib.SMTPConnectError(code, message)
    return smtp
