"""App Store Connect ``customerReviews`` over real HTTP on 127.0.0.1: the ES256 JWT, team-written
JSON:API pages in Apple's format (``links.next``, ``included`` responses) and faults."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jwt
import pytest
from collectors_testkit import LocalServer, Scripted, make_settings, team_fixture
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from collectors.appstoreconnect import AppStoreConnectCollector, AppStoreConnectParams
from collectors.base import AuthError, CollectorError, RetryLater
from collectors.http import make_client
from listener.settings import Settings

PAGE1 = "appstoreconnect/customerReviews__app1234567890__page1_links_next_included__team.json"
PAGE2 = "appstoreconnect/customerReviews__app1234567890__page2_last__team.json"
PARAMS = AppStoreConnectParams(app_ids=["1234567890"])
API = "https://api.appstoreconnect.apple.com"


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _settings(server: LocalServer, key: ec.EllipticCurvePrivateKey, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    p8 = tmp_path / "AuthKey_ABC123DEFG.p8"  # a path works as well as the PEM itself
    p8.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return make_settings(
        appstoreconnect_base_url=server.url,
        appstoreconnect_issuer_id="57246542-96fe-1a63-e053-0824d011072a",
        appstoreconnect_key_id="ABC123DEFG",
        appstoreconnect_private_key=str(p8),
    )


def _page(name: str, server: LocalServer) -> bytes:
    return team_fixture(name).replace(API.encode(), server.url.encode())


def _run(settings: Settings, cursor: str | None = None, params: AppStoreConnectParams = PARAMS):  # type: ignore[no-untyped-def]
    with make_client(settings) as client:
        return AppStoreConnectCollector(client, settings).collect(params, cursor)


def test_signed_token_links_next_and_replies(local_server: LocalServer, ec_key, tmp_path) -> None:  # type: ignore[no-untyped-def]
    limits = {"X-Rate-Limit": "user-hour-lim:3600;user-hour-rem:3587;"}
    local_server.serve(
        [Scripted(body=_page(PAGE1, local_server), headers=limits), Scripted(body=_page(PAGE2, local_server))]
    )
    batch = _run(_settings(local_server, ec_key, tmp_path))
    first, second = local_server.requests
    assert first["path"] == "/v1/apps/1234567890/customerReviews"
    assert first["query"]["sort"] == ["-createdDate"] and first["query"]["include"] == ["response"]
    token = first["headers"]["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, ec_key.public_key(), algorithms=["ES256"], audience="appstoreconnect-v1")
    assert claims["iss"] == "57246542-96fe-1a63-e053-0824d011072a" and claims["exp"] - claims["iat"] <= 1200
    assert jwt.get_unverified_header(token)["kid"] == "ABC123DEFG"
    assert second["query"]["cursor"] == ["Mw.AMLN6kE"]  # links.next followed as given
    assert len(batch.mentions) == 4 and batch.rate_limit_remaining == 3587
    by_id = {m.external_id[-1]: m for m in batch.mentions}
    jen = by_id["1"]
    assert (
        jen.rating == 1.0 and jen.title == "Crashes on launch since 8.3" and jen.author.name == "nightowl_jen"
    )
    assert jen.text.startswith("Every time I open the app") and jen.kind == "review"
    assert jen.published_at == datetime(2024, 3, 5, 2, 22, 51, tzinfo=UTC) and jen.details == {
        "territory": "USA"
    }
    assert jen.url == "https://apps.apple.com/app/id1234567890?see-all=reviews"
    assert jen.reply is not None and jen.reply.text.startswith("Sorry about this, Jen. Version 8.3.1")
    assert jen.reply.replied_at == datetime(2024, 3, 5, 18, 0, tzinfo=UTC)
    assert by_id["2"].reply is None  # PENDING_PUBLISH is not a reply anyone can see yet
    assert by_id["3"].reply is None and by_id["2"].details == {"territory": "TUR"}
    assert json.loads(batch.next_cursor) == {"1234567890": "2024-03-05T02:22:51Z"}


def test_cursor_stops_at_known_reviews(local_server: LocalServer, ec_key, tmp_path) -> None:  # type: ignore[no-untyped-def]
    local_server.serve([Scripted(body=_page(PAGE1, local_server))])
    batch = _run(
        _settings(local_server, ec_key, tmp_path), json.dumps({"1234567890": "2024-03-04T06:10:00Z"})
    )
    assert len(local_server.requests) == 1 and [m.external_id[-1] for m in batch.mentions] == ["1"]


def test_faults_429_5xx_cut_body_then_recovery(local_server: LocalServer, ec_key, tmp_path) -> None:  # type: ignore[no-untyped-def]
    body = _page(PAGE2, local_server)
    local_server.serve(
        [
            Scripted(
                429, b'{"errors": [{"status": "429", "code": "RATE_LIMIT_EXCEEDED"}]}', {"Retry-After": "600"}
            ),
            Scripted(500, b'{"errors": [{"status": "500"}]}'),
            Scripted(200, body[:40], {"Content-Type": "application/json"}, cut=True),
            Scripted(200, body[:40], {"Content-Type": "application/json"}),
            Scripted(200, b'{"errors": [], "links": {}}'),  # a well-formed answer without data
            Scripted(200, body),
        ]
    )
    settings = _settings(local_server, ec_key, tmp_path)
    with pytest.raises(RetryLater) as limited:
        _run(settings)
    assert limited.value.after_seconds == 600
    with pytest.raises(RetryLater, match="500"):
        _run(settings)
    with pytest.raises(RetryLater, match="network error"):
        _run(settings)
    with pytest.raises(CollectorError, match="malformed JSON"):
        _run(settings)
    with pytest.raises(CollectorError, match="no data list"):
        _run(settings)
    batch = _run(settings)
    assert [m.external_id[-1] for m in batch.mentions] == ["4"]


def test_missing_or_bad_key_is_auth_error(local_server: LocalServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AuthError, match="LISTENER_APPSTORECONNECT_PRIVATE_KEY"):
        _run(make_settings(appstoreconnect_base_url=local_server.url))
    not_a_key = make_settings(
        appstoreconnect_base_url=local_server.url, appstoreconnect_issuer_id="i", appstoreconnect_key_id="k",
        appstoreconnect_private_key="-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----",
    )  # fmt: skip
    with pytest.raises(AuthError, match="not a usable ES256 private key") as info:
        _run(not_a_key)
    assert "nope" not in str(info.value) and local_server.requests == []
