"""Private keys and signed tokens for the platforms that want a JWT (Google Play, App Store Connect),
shared by their collectors and their publishers (``publishers/``): one key reads and answers.

A key setting holds the key itself (JSON or PEM text, as secret managers hand it over) or a path to
the file. Signing uses PyJWT with ``cryptography``; nothing here logs or returns key material, and
errors name the setting, never its value.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import httpx
import jwt

from collectors.base import AuthError, CollectorError, excerpt_of
from collectors.http import check_response, expect, fetch, parse_json
from collectors.settings import CollectorSettings

log = logging.getLogger(__name__)

ASC_KEY_SETTING = "LISTENER_APPSTORECONNECT_PRIVATE_KEY"
ASC_TOKEN_SECONDS = 20 * 60  # Apple refuses tokens that live longer
GOOGLE_SETTING = "LISTENER_GOOGLEPLAY_SERVICE_ACCOUNT"
GOOGLE_SCOPE = "https://www.googleapis.com/auth/androidpublisher"
GOOGLE_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


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


def appstoreconnect_token(settings: CollectorSettings) -> str:
    """An App Store Connect bearer token: an ES256 JWT (``kid`` = the key id; ``iss`` = the issuer
    id, ``aud`` = ``appstoreconnect-v1``, 20 minutes) signed with the ``.p8`` key. AuthError when
    the key, issuer or key id is missing or unusable."""
    key = key_material(settings.appstoreconnect_private_key.get_secret_value(), ASC_KEY_SETTING)
    issuer, key_id = settings.appstoreconnect_issuer_id, settings.appstoreconnect_key_id
    if not issuer or not key_id:
        raise AuthError(
            "source needs credentials: set LISTENER_APPSTORECONNECT_ISSUER_ID and _KEY_ID with the key"
        )
    issued = now_epoch()
    claims = {"iss": issuer, "iat": issued, "exp": issued + ASC_TOKEN_SECONDS, "aud": "appstoreconnect-v1"}
    return sign(claims, key, "ES256", {"kid": key_id, "typ": "JWT"}, ASC_KEY_SETTING)


def google_access_token(client: httpx.Client, settings: CollectorSettings) -> str:
    """Sign the Google Play service account's RS256 JWT (``iss`` = ``client_email``, the
    androidpublisher scope, ``aud`` = the token URL) and trade it at ``googleplay_token_url`` for an
    access token. AuthError when the key is missing or refused; RetryLater on 429/5xx/timeouts."""
    raw = key_material(settings.googleplay_service_account.get_secret_value(), GOOGLE_SETTING)
    try:
        account = json.loads(raw)
    except ValueError:
        raise AuthError(f"{GOOGLE_SETTING}: not a JSON service-account key") from None
    if not isinstance(account, dict) or not account.get("client_email") or not account.get("private_key"):
        raise AuthError(f"{GOOGLE_SETTING}: the key has no client_email / private_key")
    token_url = settings.googleplay_token_url
    issued = now_epoch()
    claims = {"iss": account["client_email"], "scope": GOOGLE_SCOPE, "aud": token_url, "iat": issued,
              "exp": issued + 3600}  # fmt: skip
    headers = {"kid": str(account.get("private_key_id") or "")}
    assertion = sign(claims, account["private_key"], "RS256", headers, GOOGLE_SETTING)
    resp = fetch(
        client, "POST", token_url, data={"grant_type": GOOGLE_GRANT, "assertion": assertion}, check=False
    )
    if resp.status_code in (400, 401, 403):
        # invalid_grant / unauthorized_client: the key is revoked or the account not allowed
        raise AuthError(f"google token endpoint refused the service account ({resp.status_code})",
                        excerpt=excerpt_of(resp.content))  # fmt: skip
    check_response(resp)
    token = expect(parse_json(resp), dict, resp, "a token response").get("access_token")
    if not isinstance(token, str) or not token:
        raise CollectorError("google token answer has no access_token", excerpt=excerpt_of(resp.content))
    return token
