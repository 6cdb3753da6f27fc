"""Replies threaded to a post: X (``in_reply_to_tweet_id``), Mastodon (``in_reply_to_id``) and
Bluesky (``reply`` root and parent refs).

X: ``POST {twitter_base_url}/2/tweets`` ``{"text", "reply": {"in_reply_to_tweet_id"}}`` with a
user-context token (``LISTENER_TWITTER_USER_TOKEN``); 201 ``{"data": {"id", "text"}}``. The reply's
time is its snowflake id's. 429 carries ``x-rate-limit-reset`` (epoch seconds).

Mastodon: ``POST {mastodon_base_url}/api/v1/statuses`` ``{"status", "in_reply_to_id",
"visibility"}`` with the reply's ``Idempotency-Key`` (Mastodon drops a repeat within an hour);
200 answers the Status (``id``, ``url``, ``created_at``). The collector stores a status by its URI:
a URI of this instance gives its id, any other is resolved with ``GET /api/v2/search?resolve=true``.
A ``dm`` is a ``direct`` status that mentions the customer.

Bluesky: ``com.atproto.server.createSession`` (handle + app password), ``app.bsky.feed.getPosts``
for the post's ``cid`` and thread root, then ``com.atproto.repo.createRecord`` of an
``app.bsky.feed.post`` with ``reply: {root, parent}``; answers ``{"uri", "cid"}``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from collectors.normalise import iso, parse_datetime
from collectors.twitter import snowflake_time
from publishers.base import Capability, Limits, Outgoing, Published, PublishError, Target, Unconfirmed
from publishers.http import HttpPublisher, json_of, send

_LOCAL_STATUS = re.compile(r"/(?:users/[^/]+/)?statuses/(\d+)$|/@[^/]+/(\d+)$")


class XPublisher(HttpPublisher):
    """A reply on X."""

    platform: ClassVar[str] = "twitter"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.public_reply, Capability.dm, Capability.delete}
    )
    limits: ClassVar[Limits] = Limits(280)
    credentials: ClassVar[tuple[str, ...]] = ("LISTENER_TWITTER_USER_TOKEN",)

    def secrets(self) -> tuple[str, ...]:
        return (self.settings.twitter_user_token.get_secret_value(),)

    def reply(self, outgoing: Outgoing) -> Published:
        """Post the reply under the mention."""
        self.require()
        url = self.settings.twitter_base_url.rstrip("/") + "/2/tweets"
        body = {"text": outgoing.text, "reply": {"in_reply_to_tweet_id": outgoing.target.external_id}}
        headers = {"Authorization": f"Bearer {self.settings.twitter_user_token.get_secret_value()}"}
        resp = send(self.client, "POST", url, posting=True, json=body, headers=headers)
        data = json_of(resp, "the created post").get("data") or {}
        post_id = str(data.get("id") or "") if isinstance(data, dict) else ""
        if not post_id.isdigit():
            raise Unconfirmed(f"X answered {resp.status_code} without the post's id")
        return Published(post_id, f"https://x.com/i/web/status/{post_id}", snowflake_time(post_id))


class MastodonPublisher(HttpPublisher):
    """A reply (or a direct message) on Mastodon, from the account of ``LISTENER_MASTODON_ACCESS_TOKEN``."""

    platform: ClassVar[str] = "mastodon"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.public_reply, Capability.dm, Capability.edit, Capability.delete}
    )
    channels: ClassVar[frozenset[str]] = frozenset({"public", "dm"})
    limits: ClassVar[Limits] = Limits(500)
    credentials: ClassVar[tuple[str, ...]] = ("LISTENER_MASTODON_ACCESS_TOKEN",)

    def secrets(self) -> tuple[str, ...]:
        return (self.settings.mastodon_access_token.get_secret_value(),)

    def reply(self, outgoing: Outgoing) -> Published:
        """Post a status in reply to the mention (``direct`` for a DM)."""
        self.require()
        base = self.settings.mastodon_base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {self.settings.mastodon_access_token.get_secret_value()}"}
        status_id = self._local_id(base, outgoing.target, headers)
        text, handle = outgoing.text, outgoing.target.author_handle
        if outgoing.channel == "dm" and handle and f"@{handle}" not in text:
            text = f"@{handle} {text}"  # a direct status reaches the accounts it mentions
        body = {
            "status": text,
            "in_reply_to_id": status_id,
            "visibility": "direct" if outgoing.channel == "dm" else "public",
        }
        resp = send(
            self.client,
            "POST",
            base + "/api/v1/statuses",
            posting=True,
            json=body,
            headers=headers | {"Idempotency-Key": outgoing.key},
        )
        status = json_of(resp, "the created status")
        if not status.get("id"):
            raise Unconfirmed(f"Mastodon answered {resp.status_code} without the status id")
        return Published(
            str(status["id"]),
            status.get("url") or status.get("uri"),
            parse_datetime(status.get("created_at")),
        )

    def _local_id(self, base: str, target: Target, headers: dict[str, str]) -> str:
        ref = target.external_id
        if ref.isdigit():
            return ref
        parts = urlsplit(ref)
        match = _LOCAL_STATUS.search(parts.path)
        if match and parts.netloc == urlsplit(base).netloc:
            return match.group(1) or match.group(2)
        query = {"q": ref, "type": "statuses", "resolve": "true", "limit": 1}
        found = json_of(
            send(self.client, "GET", base + "/api/v2/search", posting=False, params=query, headers=headers),
            "search results",
        ).get("statuses")
        if (
            not isinstance(found, list)
            or not found
            or not isinstance(found[0], dict)
            or not found[0].get("id")
        ):
            raise PublishError(f"{urlsplit(base).netloc} cannot find the post to answer ({parts.netloc})")
        return str(found[0]["id"])


class BlueskyPublisher(HttpPublisher):
    """A reply on Bluesky from ``LISTENER_BLUESKY_HANDLE`` (an app password)."""

    platform: ClassVar[str] = "bluesky"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.public_reply, Capability.delete})
    limits: ClassVar[Limits] = Limits(300, counted="graphemes")
    credentials: ClassVar[tuple[str, ...]] = ("LISTENER_BLUESKY_HANDLE", "LISTENER_BLUESKY_APP_PASSWORD")

    def secrets(self) -> tuple[str, ...]:
        return (self.settings.bluesky_handle, self.settings.bluesky_app_password.get_secret_value())

    def reply(self, outgoing: Outgoing) -> Published:
        """Create a post whose ``reply`` points at the mention and its thread's root."""
        self.require()
        base = self.settings.bluesky_auth_base_url.rstrip("/")
        login = {
            "identifier": self.settings.bluesky_handle,
            "password": self.settings.bluesky_app_password.get_secret_value(),
        }
        session = json_of(
            send(
                self.client,
                "POST",
                base + "/xrpc/com.atproto.server.createSession",
                posting=False,
                json=login,
            ),
            "a session",
        )
        if not session.get("accessJwt") or not session.get("did"):
            raise PublishError("bluesky createSession returned no accessJwt")
        headers = {"Authorization": f"Bearer {session['accessJwt']}"}
        parent, root = self._refs(base, outgoing.target.external_id, headers)
        created = datetime.now(UTC)
        record = {
            "$type": "app.bsky.feed.post",
            "text": outgoing.text,
            "createdAt": iso(created),
            "reply": {"root": root, "parent": parent},
        }
        body = {"repo": session["did"], "collection": "app.bsky.feed.post", "record": record}
        resp = send(
            self.client,
            "POST",
            base + "/xrpc/com.atproto.repo.createRecord",
            posting=True,
            json=body,
            headers=headers,
        )
        uri = json_of(resp, "the created record").get("uri")
        if not isinstance(uri, str) or not uri.startswith("at://"):
            raise Unconfirmed(f"Bluesky answered {resp.status_code} without the post's uri")
        handle = session.get("handle") or self.settings.bluesky_handle
        return Published(uri, f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}", created)

    def _refs(self, base: str, uri: str, headers: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The ``{uri, cid}`` of the mention (the parent) and of its thread's root."""
        resp = send(
            self.client,
            "GET",
            base + "/xrpc/app.bsky.feed.getPosts",
            posting=False,
            params={"uris": uri},
            headers=headers,
        )
        posts = json_of(resp, "posts").get("posts")
        post = posts[0] if isinstance(posts, list) and posts and isinstance(posts[0], dict) else {}
        if not post.get("cid"):
            raise PublishError("Bluesky no longer has the post to answer (deleted?)")
        parent = {"uri": post.get("uri") or uri, "cid": post["cid"]}
        root = ((post.get("record") or {}).get("reply") or {}).get("root")
        return parent, root if isinstance(root, dict) and root.get("cid") else parent
