"""One case per platform for the publisher tests: settings pointing at the local server, the post
being answered, the requests before the post (tokens, sessions, lookups), the documented answer
and the checks of the request the platform received."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from publishers.base import Published, Target
from tests.collectors.collectors_testkit import Scripted, make_settings, team_fixture

EC_KEY = ec.generate_private_key(ec.SECP256R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PLAY_URL = "https://play.google.com/store/apps/details?id=com.acme.shop&reviewId=gp%3AAOqpTOH1-acme"
PLAY_PATH = "/androidpublisher/v3/applications/com.acme.shop/reviews/gp%3AAOqpTOH1-acme:reply"
KIM_STATUS = "https://fosstodon.org/users/kim/statuses/113611000000000001"
WATCH_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgzQ3k8Xy-acme-thread"
TEXT = "Sorry about that! It is fixed now; write to us if it happens again."


def _pem(key: Any) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def fixture(name: str) -> bytes:
    """A team-written body under tests/fixtures/publishers/."""
    return team_fixture(f"publishers/{name}")


def answer(
    name: str, status: int = 200, headers: dict[str, str] | None = None, delay: float = 0.0
) -> Scripted:
    return Scripted(
        status=status,
        body=fixture(name),
        delay=delay,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


@dataclass
class Case:
    platform: str
    settings: Callable[[str], dict[str, Any]]
    target: Target
    before: list[Scripted]
    created: str
    post_path: str
    check: Callable[[dict[str, Any], Published], None]
    reset: Callable[[datetime], dict[str, str]]  # the 429 headers saying "reset at this time"
    extra: dict[str, Any] = field(default_factory=dict)

    def settings_for(self, url: str, **more: Any) -> Any:
        return make_settings(**self.settings(url), **more)


def _json(req: dict[str, Any]) -> Any:
    return json.loads(req["body"])


def _check_asc(req: dict[str, Any], done: Published) -> None:
    token = req["headers"]["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, EC_KEY.public_key(), algorithms=["ES256"], audience="appstoreconnect-v1")
    assert claims["iss"] == "69a6de7e-test-issuer" and jwt.get_unverified_header(token)["kid"] == "ASCKEY1234"
    review = {"data": {"type": "customerReviews", "id": "00000029-acme-review"}}
    attributes = {"responseBody": TEXT}
    assert _json(req) == {
        "data": {
            "type": "customerReviewResponses",
            "attributes": attributes,
            "relationships": {"review": review},
        }
    }
    assert done.external_id == "6f3c2a10-0b7e-4c1e-9a77-2f1b0c9d8e41"
    assert done.url == "https://apps.apple.com/app/id1234567890?see-all=reviews"
    assert done.published_at == datetime(2026, 12, 6, 11, 10, 4, tzinfo=UTC)


def _check_play(req: dict[str, Any], done: Published) -> None:
    assert req["headers"]["Authorization"] == "Bearer ya29.test-access"
    assert _json(req) == {"replyText": TEXT}
    assert done.external_id == "gp:AOqpTOH1-acme:reply"
    assert done.published_at == datetime(2026, 12, 6, 11, 10, 4, 250000, tzinfo=UTC)


def _check_x(req: dict[str, Any], done: Published) -> None:
    assert req["headers"]["Authorization"] == "Bearer x-user-token"
    assert _json(req) == {"text": TEXT, "reply": {"in_reply_to_tweet_id": "1864930000000000000"}}
    assert done.external_id == "1864937210384859136"
    assert done.url == "https://x.com/i/web/status/1864937210384859136"
    assert done.published_at is not None and done.published_at.year == 2024  # the snowflake's time


def _check_mastodon(req: dict[str, Any], done: Published) -> None:
    assert req["headers"]["Authorization"] == "Bearer masto-token"
    assert req["headers"]["Idempotency-Key"] == "listener-reply-7-abc"
    assert _json(req) == {"status": TEXT, "in_reply_to_id": "113611111111111111", "visibility": "public"}
    assert done.external_id == "113612345678901234"
    assert done.url == "https://mastodon.social/@acmesupport/113612345678901234"
    assert done.published_at == datetime(2026, 12, 6, 11, 10, 4, 512000, tzinfo=UTC)


def _check_bluesky(req: dict[str, Any], done: Published) -> None:
    assert req["headers"]["Authorization"].startswith("Bearer eyJ0eXAiOiJhdCtqd3Qi")
    body = _json(req)
    assert body["repo"] == "did:plc:acmesupport4k2x7qz" and body["collection"] == "app.bsky.feed.post"
    record = body["record"]
    assert record["text"] == TEXT and record["$type"] == "app.bsky.feed.post"
    assert record["reply"]["parent"] == {
        "uri": "at://did:plc:kimcustomer7x/app.bsky.feed.post/3lcx2mvkq4s2b",
        "cid": "bafyreihx3kq7lmc4v5jzyw6t7xq2n4z3d6u5m4o3p2r1s0t9u8v7w6x5y4",
    }
    assert record["reply"]["root"]["uri"] == "at://did:plc:kimcustomer7x/app.bsky.feed.post/3lcx2abcd0001"
    assert done.external_id == "at://did:plc:acmesupport4k2x7qz/app.bsky.feed.post/3lcx3nfyr7k2c"
    assert done.url == "https://bsky.app/profile/acme-support.bsky.social/post/3lcx3nfyr7k2c"


def _check_youtube(req: dict[str, Any], done: Published) -> None:
    assert req["headers"]["Authorization"] == "Bearer yt-oauth-token" and req["query"] == {
        "part": ["snippet"]
    }
    assert _json(req) == {"snippet": {"parentId": "UgzQ3k8Xy-acme-thread", "textOriginal": TEXT}}
    assert done.external_id == "UgzQ3k8Xy-acme-thread.AQZ-reply-0001"
    assert done.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgzQ3k8Xy-acme-thread.AQZ-reply-0001"
    assert done.published_at == datetime(2026, 12, 6, 11, 10, 4, tzinfo=UTC)


def _check_reddit(req: dict[str, Any], done: Published) -> None:
    assert (
        req["headers"]["Authorization"]
        == "bearer " + json.loads(fixture("reddit__access_token__200__team.json"))["access_token"]
    )
    assert parse_qs(req["body"].decode()) == {
        "api_type": ["json"],
        "thing_id": ["t1_m2w1a0b"],
        "text": [TEXT],
    }
    assert done.external_id == "t1_m2x9k4q"
    assert done.url == "https://www.reddit.com/r/acme/comments/1h7qz0c/charged_twice/m2x9k4q/"
    assert done.published_at == datetime.fromtimestamp(1796555404, UTC)


def _epoch(when: datetime) -> dict[str, str]:
    return {"x-rate-limit-reset": str(int(when.timestamp()))}


def _retry_after(when: datetime) -> dict[str, str]:
    return {"Retry-After": str(int((when - datetime.now(UTC)).total_seconds()))}


GOOGLE_ACCOUNT = json.dumps(
    {
        "type": "service_account",
        "client_email": "listener@acme-play.iam.gserviceaccount.com",
        "private_key_id": "k-1",
        "private_key": _pem(RSA_KEY),
    }
)
TOKEN = Scripted(
    body=b'{"access_token": "ya29.test-access", "expires_in": 3599, "token_type": "Bearer"}',
    headers={"Content-Type": "application/json"},
)

# fmt: off
CASES = [
    Case("appstoreconnect",
         lambda url: {"appstoreconnect_base_url": url, "appstoreconnect_issuer_id": "69a6de7e-test-issuer",
                      "appstoreconnect_key_id": "ASCKEY1234", "appstoreconnect_private_key": _pem(EC_KEY)},
         Target("appstoreconnect", "00000029-acme-review", url="https://apps.apple.com/app/id1234567890?see-all=reviews"),
         [], "appstoreconnect__customerReviewResponses_create__201__team.json", "/v1/customerReviewResponses",
         _check_asc, _retry_after),
    Case("googleplay",
         lambda url: {"googleplay_base_url": url, "googleplay_token_url": url + "/token",
                      "googleplay_service_account": GOOGLE_ACCOUNT},
         Target("googleplay", "gp:AOqpTOH1-acme",
                url=PLAY_URL),
         [TOKEN], "googleplay__reviews_reply__200__team.json",
         PLAY_PATH, _check_play, _retry_after),
    Case("twitter", lambda url: {"twitter_base_url": url, "twitter_user_token": "x-user-token"},
         Target("twitter", "1864930000000000000"), [], "twitter__tweets_create__201__team.json", "/2/tweets",
         _check_x, _epoch),
    Case("mastodon", lambda url: {"mastodon_base_url": url, "mastodon_access_token": "masto-token"},
         Target("mastodon", KIM_STATUS, author_handle="kim@fosstodon.org"),
         [answer("mastodon__v2_search_resolve__200__team.json")], "mastodon__statuses_create__200__team.json",
         "/api/v1/statuses", _check_mastodon, lambda when: {"X-RateLimit-Reset": when.isoformat()}),
    Case("bluesky", lambda url: {"bluesky_auth_base_url": url, "bluesky_handle": "acme-support.bsky.social",
                                 "bluesky_app_password": "abcd-efgh-ijkl-mnop"},
         Target("bluesky", "at://did:plc:kimcustomer7x/app.bsky.feed.post/3lcx2mvkq4s2b"),
         [answer("bluesky__createSession__200__team.json"), answer("bluesky__getPosts__200__team.json")],
         "bluesky__createRecord__200__team.json", "/xrpc/com.atproto.repo.createRecord", _check_bluesky,
         lambda when: {"ratelimit-reset": str(int(when.timestamp())), "ratelimit-remaining": "0"}),
    Case("youtube", lambda url: {"youtube_base_url": url, "youtube_oauth_token": "yt-oauth-token"},
         Target("youtube", "UgzQ3k8Xy-acme-thread", url=WATCH_URL),
         [], "youtube__comments_insert__200__team.json", "/comments", _check_youtube, _retry_after),
    Case("reddit", lambda url: {"reddit_base_url": url, "reddit_oauth_base_url": url,
         "reddit_client_id": "cid",
         "reddit_client_secret": "csecret", "reddit_username": "AcmeSupport", "reddit_password": "hunter2"},
         Target("reddit", "t1_m2w1a0b"), [answer("reddit__access_token__200__team.json")],
         "reddit__comment__200__team.json", "/api/comment", _check_reddit,
         lambda when: {"x-ratelimit-reset": str(int((when - datetime.now(UTC)).total_seconds())),
                       "x-ratelimit-remaining": "0"}),
]
# fmt: on
BY_PLATFORM = {c.platform: c for c in CASES}
