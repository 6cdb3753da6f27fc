"""Replies to comments: YouTube (``comments.insert`` under the thread) and Reddit (``/api/comment``).

YouTube: ``POST {youtube_base_url}/comments?part=snippet`` ``{"snippet": {"parentId",
"textOriginal"}}`` with an OAuth token (``LISTENER_YOUTUBE_OAUTH_TOKEN``; an API key cannot post);
answers the comment (``id``, ``snippet.publishedAt``). Threads are flat: answering a reply goes
under its top-level comment. A 403 ``quotaExceeded`` waits for the quota's reset (Pacific midnight).

Reddit: a password-grant token for ``LISTENER_REDDIT_USERNAME`` (the script app's client id and
secret, ``POST {reddit_base_url}/api/v1/access_token``), then ``POST {reddit_oauth_base_url}
/api/comment`` with ``api_type=json``, ``thing_id`` (the mention's fullname) and ``text``; answers
``{"json": {"errors": [], "data": {"things": [{"data": {"name", "permalink", "created_utc"}}]}}}``.
A ``RATELIMIT`` error ("try again in 9 minutes") waits that long.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from collectors.normalise import from_epoch, parse_datetime
from collectors.youtube import seconds_to_pacific_midnight
from publishers.base import (
    Capability,
    Limits,
    Outgoing,
    Published,
    PublishError,
    RateLimited,
    Refused,
    Unconfirmed,
)
from publishers.http import HttpPublisher, json_of, send

_WAIT = re.compile(r"(\d+)\s*(second|minute|hour)", re.IGNORECASE)


class YouTubePublisher(HttpPublisher):
    """A reply in a YouTube comment thread."""

    platform: ClassVar[str] = "youtube"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.public_reply, Capability.edit, Capability.delete}
    )
    limits: ClassVar[Limits] = Limits(10_000)
    credentials: ClassVar[tuple[str, ...]] = ("LISTENER_YOUTUBE_OAUTH_TOKEN",)

    def secrets(self) -> tuple[str, ...]:
        return (self.settings.youtube_oauth_token.get_secret_value(),)

    def reply(self, outgoing: Outgoing) -> Published:
        """Insert a reply under the comment's thread."""
        self.require()
        target = outgoing.target
        body = {
            "snippet": {"parentId": target.in_reply_to or target.external_id, "textOriginal": outgoing.text}
        }
        url = self.settings.youtube_base_url.rstrip("/") + "/comments"
        headers = {"Authorization": f"Bearer {self.settings.youtube_oauth_token.get_secret_value()}"}
        try:
            resp = send(
                self.client, "POST", url, posting=True, params={"part": "snippet"}, json=body, headers=headers
            )
        except Refused as exc:
            if exc.status == 403 and "quota" in exc.reason.lower():
                wait = seconds_to_pacific_midnight()
                retry_at = None if wait is None else datetime.now(UTC) + timedelta(seconds=wait)
                raise RateLimited(f"quota exhausted: {exc.reason}", retry_at=retry_at, status=403) from None
            raise
        comment = json_of(resp, "the created comment")
        if not comment.get("id"):
            raise Unconfirmed(f"YouTube answered {resp.status_code} without the comment id")
        snippet = comment.get("snippet") or {}
        return Published(
            str(comment["id"]),
            _comment_url(target.url, str(comment["id"])),
            parse_datetime(snippet.get("publishedAt")),
        )


def _comment_url(mention_url: str | None, comment_id: str) -> str | None:
    """The mention's watch URL pointing at ``comment_id`` (``lc=``)."""
    if not mention_url:
        return None
    parts = urlsplit(mention_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "lc"] + [("lc", comment_id)]
    return urlunsplit(parts._replace(query=urlencode(query)))


class RedditPublisher(HttpPublisher):
    """A comment replying to a Reddit post or comment, from ``LISTENER_REDDIT_USERNAME``."""

    platform: ClassVar[str] = "reddit"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.public_reply, Capability.dm, Capability.edit, Capability.delete}
    )
    limits: ClassVar[Limits] = Limits(10_000)
    credentials: ClassVar[tuple[str, ...]] = (
        "LISTENER_REDDIT_CLIENT_ID",
        "LISTENER_REDDIT_CLIENT_SECRET",
        "LISTENER_REDDIT_USERNAME",
        "LISTENER_REDDIT_PASSWORD",
    )

    def secrets(self) -> tuple[str, ...]:
        s = self.settings
        return (
            s.reddit_client_id,
            s.reddit_client_secret.get_secret_value(),
            s.reddit_username,
            s.reddit_password.get_secret_value(),
        )

    def reply(self, outgoing: Outgoing) -> Published:
        """Comment under the mention."""
        self.require()
        headers = {"Authorization": f"bearer {self._token()}"}
        form = {"api_type": "json", "thing_id": outgoing.target.external_id, "text": outgoing.text}
        url = self.settings.reddit_oauth_base_url.rstrip("/") + "/api/comment"
        resp = send(self.client, "POST", url, posting=True, data=form, headers=headers)
        answer = json_of(resp, "the comment").get("json") or {}
        errors = answer.get("errors") or []
        if errors:
            raise _error(errors[0])
        things = (answer.get("data") or {}).get("things") or []
        data = things[0].get("data") if things and isinstance(things[0], dict) else None
        if not isinstance(data, dict) or not data.get("name"):
            raise Unconfirmed(f"Reddit answered {resp.status_code} without the comment's name")
        permalink = data.get("permalink")
        created = data.get("created_utc")
        return Published(
            str(data["name"]),
            f"https://www.reddit.com{permalink}" if permalink else None,
            from_epoch(float(created)) if isinstance(created, int | float) else None,
        )

    def _token(self) -> str:
        s = self.settings
        form = {
            "grant_type": "password",
            "username": s.reddit_username,
            "password": s.reddit_password.get_secret_value(),
        }
        resp = send(
            self.client,
            "POST",
            s.reddit_base_url.rstrip("/") + "/api/v1/access_token",
            posting=False,
            data=form,
            auth=(s.reddit_client_id, s.reddit_client_secret.get_secret_value()),
        )
        body = json_of(resp, "a token")
        if not body.get(
            "access_token"
        ):  # Reddit answers a wrong password with 200 {"error": "invalid_grant"}
            raise Refused(f"Reddit refused the account: {body.get('error') or 'no access_token'}")
        return str(body["access_token"])


def _error(error: object) -> PublishError | RateLimited:
    """``["RATELIMIT", "you are doing that too much. try again in 9 minutes.", "ratelimit"]`` and the like."""
    code, message = (
        (str(error[0]), str(error[1])) if isinstance(error, list) and len(error) > 1 else ("", str(error))
    )
    if code == "RATELIMIT":
        match = _WAIT.search(message)
        unit = {"second": 1, "minute": 60, "hour": 3600}[match.group(2).lower()] if match else 0
        retry_at = datetime.now(UTC) + timedelta(seconds=int(match.group(1)) * unit) if match else None
        return RateLimited(f"rate limited: {message}", retry_at=retry_at)
    return PublishError(f"{code}: {message}" if code else message)
