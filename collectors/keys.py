"""Private keys and signed tokens for the platforms that want a JWT (Google Play, App Store Connect).

A key setting holds the key itself (JSON or PEM text, as secret managers hand it over) or a path to
the file. Signing uses PyJWT with ``cryptography``; nothing here logs or returns key material, and
errors name the setting, never its value.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import jwt

from collectors.base import AuthError

log = logging.getLogger(__name__)


def key_material(value: str, setting: str) -> str:
    """The key text: ``value`` itself when it looks like a key (JSON or PEM), else the file it names.

    AuthError naming ``setting`` when it is empty or the file cannot be read."""
    value = value.strip()
    if not value:
        raise AuthError(f"source needs credentials: set {setting}")
    if value.startswith(("{", "-----BEGIN")):
        return value
    try:
        return Path(value).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AuthError(f"{setting}: cannot read the key file ({type(exc).__name__})") from None


def sign(claims: dict[str, Any], key: str, algorithm: str, headers: dict[str, str], setting: str) -> str:
    """A compact JWT of ``claims`` signed with ``key``; AuthError naming ``setting`` if the key is bad."""
    try:
        return jwt.encode(claims, key, algorithm=algorithm, headers=headers)
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        raise AuthError(f"{setting}: not a usable {algorithm} private key ({type(exc).__name__})") from None


def now_epoch() -> int:
    """Seconds since the epoch, for ``iat`` / ``exp``."""
    return int(time.time())
