"""Google Play Developer API ``reviews.list`` over real HTTP on 127.0.0.1: the service-account JWT
exchange, team-written pages in the API's format, the recorded reviews of ../shared/fixtures in that
format, and faults (429, 5xx, a cut body, a refused key)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs

import jwt
import pytest
from collectors_testkit import LocalServer, Scripted, make_settings, shared_json, team_fixture
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from collectors.base import AuthError, CollectorError, RetryLater
from collectors.googleplay import GooglePlayCollector, GooglePlayParams
from collectors.http import make_client
from collectors.keys import GOOGLE_SCOPE as SCOPE
from listener.settings import Settings

PAGE1 = "googleplay/reviews_list__com.acme.shop__page1_nextPageToken__team.json"
PAGE2 = "googleplay/reviews_list__com.acme.shop__page2_last__team.json"
PARAMS = GooglePlayParams(package_names=["com.acme.shop"])
TOKEN = Scripted(body=b'{"access_token": "ya29.test-access", "expires_in": 3599, "token_type": "Bearer"}')


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _settings(server: LocalServer, key: rsa.RSAPrivateKey) -> Settings:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    account = {
        "type": "service_account",
        "client_email": "listener@acme-play.iam.gserviceaccount.com",
        "private_key_id": "k-2024-1",
        "private_key": pem,
        "token_uri": "https://oauth2.googleapis.com/token",  # ignored: the token URL is a setting
    }
    return make_settings(
        googleplay_base_url=server.url,
        googleplay_token_url=server.url + "/token",
        googleplay_service_account=json.dumps(account),
    )


def _run(server: LocalServer, settings: Settings, cursor: str | None = None, params=PARAMS):  # type: ignore[no-untyped-def]
    with make_client(settings) as client:
        return GooglePlayCollector(client, settings).collect(params, cursor)


def test_token_exchange_pages_and_fields(local_server: LocalServer, rsa_key: rsa.RSAPrivateKey) -> None:
    local_server.serve([TOKEN, Scripted(body=team_fixture(PAGE1)), Scripted(body=team_fixture(PAGE2))])
    settings = _settings(local_server, rsa_key)
    batch = _run(local_server, settings)
    token_req, first, second = local_server.requests
    assert token_req["method"] == "POST" and token_req["path"] == "/token"
    form = parse_qs(token_req["body"].decode())
    assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    claims = jwt.decode(form["assertion"][0], rsa_key.public_key(), algorithms=["RS256"],
                        audience=settings.googleplay_token_url)  # fmt: skip
    assert claims["iss"] == "listener@acme-play.iam.gserviceaccount.com" and claims["scope"] == SCOPE
    assert claims["exp"] - claims["iat"] == 3600
    assert jwt.get_unverified_header(form["assertion"][0])["kid"] == "k-2024-1"
    assert first["path"] == "/androidpublisher/v3/applications/com.acme.shop/reviews"
    assert first["headers"]["Authorization"] == "Bearer ya29.test-access"
    assert second["query"]["token"] == ["Cg0IARIJCNDl3aIGEAAQAQ"]
    assert len(batch.mentions) == 5
    by_id = {m.external_id: m for m in batch.mentions}
    ayse = by_id["gp:AOqpTOH1x9Kq2mZ-acme-7f3a"]
    assert ayse.kind == "review" and ayse.rating == 1.0 and ayse.language == "tr"
    assert ayse.title == "Kargo takibi çalışmıyor" and ayse.text.startswith("Siparişim üç gündür")
    assert ayse.author.name == "Ayşe Demir" and ayse.engagement == {"helpful": 12, "unhelpful": 1}
    assert ayse.details == {"app_version": "4.2.1", "device": "Samsung Galaxy A52 (a52q)", "os_version": "34"}
    assert ayse.published_at == datetime(2024, 3, 3, 11, 41, 7, 512000, tzinfo=UTC)
    assert ayse.reply is not None and ayse.reply.text.startswith("Merhaba Ayşe Hanım, 4.2.2")
    assert ayse.reply.replied_at == datetime(2024, 3, 3, 13, 0, tzinfo=UTC)
    assert ayse.url == (
        "https://play.google.com/store/apps/details?id=com.acme.shop&reviewId=gp%3AAOqpTOH1x9Kq2mZ-acme-7f3a"
    )
    daniel = by_id["gp:AOqpTOGm4-acme-21bc"]
    assert daniel.title is None and daniel.language == "en" and daniel.reply is None
    anonymous = by_id["gp:AOqpTOEz-acme-0d91"]
    assert anonymous.author.name is None and anonymous.details == {"app_version": "40100", "os_version": "30"}
    assert json.loads(batch.next_cursor) == {"com.acme.shop": "2024-03-03T11:41:07.512000Z"}


def test_cursor_stops_paging_and_keeps_nothing_older(local_server: LocalServer, rsa_key) -> None:  # type: ignore[no-untyped-def]
    local_server.serve([TOKEN, Scripted(body=team_fixture(PAGE1))])
    cursor = json.dumps({"com.acme.shop": "2024-03-02T12:00:00Z"})  # between the 2nd and 3rd review
    batch = _run(local_server, _settings(local_server, rsa_key), cursor)
    assert len(local_server.requests) == 2  # no second page: the first already reached the cursor
    assert sorted(m.external_id for m in batch.mentions) == [
        "gp:AOqpTOGm4-acme-21bc",
        "gp:AOqpTOH1x9Kq2mZ-acme-7f3a",
    ]


def test_faults_429_5xx_cut_body_then_recovery(local_server: LocalServer, rsa_key) -> None:  # type: ignore[no-untyped-def]
    body = team_fixture(PAGE2)
    local_server.serve(
        [
            TOKEN,
            Scripted(
                429, b'{"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}}', {"Retry-After": "120"}
            ),
            TOKEN,
            Scripted(503, b'{"error": {"code": 503, "status": "UNAVAILABLE"}}'),
            TOKEN,
            Scripted(200, body[: len(body) // 2], {"Content-Type": "application/json"}, cut=True),
            TOKEN,
            Scripted(200, body[: len(body) // 2], {"Content-Type": "application/json"}),
            TOKEN,
            Scripted(200, body),
        ]
    )
    settings = _settings(local_server, rsa_key)
    with pytest.raises(RetryLater) as limited:
        _run(local_server, settings)
    assert limited.value.after_seconds == 120
    with pytest.raises(RetryLater, match="503"):
        _run(local_server, settings)
    with pytest.raises(RetryLater, match="network error"):
        _run(local_server, settings)
    with pytest.raises(CollectorError, match="malformed JSON"):
        _run(local_server, settings)
    batch = _run(local_server, settings)  # the fault cleared: the same cursor (None) finds everything
    assert len(batch.mentions) == 2 and json.loads(batch.next_cursor) == {
        "com.acme.shop": "2024-03-01T13:33:20Z"
    }


def test_credentials_missing_refused_or_unusable(local_server: LocalServer, rsa_key) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AuthError, match="LISTENER_GOOGLEPLAY_SERVICE_ACCOUNT"):
        _run(local_server, make_settings(googleplay_base_url=local_server.url))
    broken = make_settings(
        googleplay_base_url=local_server.url, googleplay_service_account='{"client_email": "x"}'
    )
    with pytest.raises(AuthError, match="client_email / private_key"):
        _run(local_server, broken)
    local_server.serve(
        [Scripted(400, b'{"error": "invalid_grant", "error_description": "Invalid JWT Signature."}')]
    )
    with pytest.raises(AuthError, match="refused the service account") as info:
        _run(local_server, _settings(local_server, rsa_key))
    assert "BEGIN PRIVATE KEY" not in str(info.value) and len(local_server.requests) == 1


def test_no_token_to_another_host(local_server: LocalServer, rsa_key) -> None:  # type: ignore[no-untyped-def]
    settings = _settings(local_server, rsa_key).model_copy(
        update={"googleplay_base_url": "https://play.example"}
    )
    local_server.serve([Scripted(body=team_fixture(PAGE2))])
    params = GooglePlayParams(package_names=["com.acme.shop"], base_url=local_server.url)
    batch = _run(local_server, settings, params=params)
    assert len(batch.mentions) == 2
    assert [r["path"] for r in local_server.requests] == [
        "/androidpublisher/v3/applications/com.acme.shop/reviews"
    ]
    assert "Authorization" not in local_server.requests[0]["headers"]


def _as_developer_api(review: dict, index: int) -> dict:
    """A review of the shared fixture (google-play-scraper's documented output: no recorded Developer
    API payload exists, see ../shared/fixtures/SOURCES.md) in the Developer API's shape."""
    when = int(datetime.fromisoformat(review["at"]).replace(tzinfo=UTC).timestamp())
    user = {"text": review["content"], "lastModified": {"seconds": str(when), "nanos": 0},
            "starRating": review["score"], "reviewerLanguage": "en", "appVersionName": review["appVersion"],
            "thumbsUpCount": review["thumbsUpCount"], "thumbsDownCount": 0}  # fmt: skip
    comments: list[dict] = [{"userComment": user}]
    if review["replyContent"]:
        replied = int(datetime.fromisoformat(review["repliedAt"]).replace(tzinfo=UTC).timestamp())
        stamp = {"seconds": str(replied), "nanos": 0}
        comments.append({"developerComment": {"text": review["replyContent"], "lastModified": stamp}})
    return {"reviewId": review["reviewId"], "authorName": review["userName"], "comments": comments}


def test_recorded_reviews_keep_text_rating_version_and_reply(local_server: LocalServer, rsa_key) -> None:  # type: ignore[no-untyped-def]
    recorded = shared_json("googleplay/reviews__com.fantome.penguinisle__google-play-scraper_py_readme.json")
    page = {"reviews": [_as_developer_api(r, i) for i, r in enumerate(recorded)]}
    local_server.serve([TOKEN, Scripted(body=json.dumps(page).encode())])
    batch = _run(
        local_server,
        _settings(local_server, rsa_key),
        params=GooglePlayParams(package_names=["com.fantome.penguinisle"]),
    )
    assert [m.external_id for m in batch.mentions] == [r["reviewId"] for r in recorded]
    for mention, review in zip(batch.mentions, recorded, strict=True):
        assert mention.text == review["content"] and mention.rating == float(review["score"])
        assert mention.details["app_version"] == review["appVersion"]
        assert (mention.reply.text if mention.reply else None) == review["replyContent"]
    assert batch.mentions[1].reply.replied_at == datetime(2020, 12, 2, 16, 36, 39, tzinfo=UTC)  # type: ignore[union-attr]
