"""Answers to reviews of the brand's own apps: App Store Connect customer review responses and
Google Play Developer API review replies. Both sign with the key their collectors use
(``collectors.keys``): one App Store Connect API key, one Google Play service account.

App Store Connect: ``POST {appstoreconnect_base_url}/v1/customerReviewResponses`` with the JSON:API
document ``{"data": {"type": "customerReviewResponses", "attributes": {"responseBody"},
"relationships": {"review": {"data": {"type": "customerReviews", "id"}}}}}``; 201 answers the
response resource (``id``, ``attributes.lastModifiedDate``, ``state`` ``PENDING_PUBLISH``). A
review has one response: posting again replaces it (edit), ``DELETE`` removes it.

Google Play: ``POST {googleplay_base_url}/androidpublisher/v3/applications/{package}/reviews/
{reviewId}:reply`` with ``{"replyText"}`` (at most 350 characters); 200 answers ``{"result":
{"replyText", "lastEdited": {"seconds", "nanos"}}}``. Replying again replaces the reply. The
package comes from the review URL the collector stored (``…details?id=<package>&reviewId=…``).
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import parse_qs, quote, urlsplit

from collectors.googleplay import proto_timestamp
from collectors.keys import appstoreconnect_token, google_access_token
from collectors.normalise import parse_datetime
from publishers.base import Capability, Limits, Outgoing, Published, PublishError, Unconfirmed
from publishers.http import HttpPublisher, json_of, send, token

ASC_PATH = "/v1/customerReviewResponses"
PLAY_PATH = "/androidpublisher/v3/applications/{package}/reviews/{review}:reply"


class AppStoreConnectPublisher(HttpPublisher):
    """A developer response to an App Store review."""

    platform: ClassVar[str] = "appstoreconnect"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.public_reply, Capability.edit, Capability.delete}
    )
    limits: ClassVar[Limits] = Limits(5970)
    credentials: ClassVar[tuple[str, ...]] = (
        "LISTENER_APPSTORECONNECT_ISSUER_ID",
        "LISTENER_APPSTORECONNECT_KEY_ID",
        "LISTENER_APPSTORECONNECT_PRIVATE_KEY",
    )

    def secrets(self) -> tuple[str, ...]:
        s = self.settings
        return (
            s.appstoreconnect_issuer_id,
            s.appstoreconnect_key_id,
            s.appstoreconnect_private_key.get_secret_value(),
        )

    def reply(self, outgoing: Outgoing) -> Published:
        """Create the review's response."""
        self.require()
        bearer = token(appstoreconnect_token, self.settings)
        review = {"data": {"type": "customerReviews", "id": outgoing.target.external_id}}
        body = {
            "data": {
                "type": "customerReviewResponses",
                "attributes": {"responseBody": outgoing.text},
                "relationships": {"review": review},
            }
        }
        url = self.settings.appstoreconnect_base_url.rstrip("/") + ASC_PATH
        resp = send(
            self.client, "POST", url, posting=True, json=body, headers={"Authorization": f"Bearer {bearer}"}
        )
        data = json_of(resp, "a customerReviewResponses document").get("data") or {}
        if not isinstance(data, dict) or not data.get("id"):
            raise Unconfirmed(f"App Store Connect answered {resp.status_code} without the response's id")
        attrs = data.get("attributes") or {}
        return Published(str(data["id"]), outgoing.target.url, parse_datetime(attrs.get("lastModifiedDate")))


class GooglePlayPublisher(HttpPublisher):
    """A developer reply to a Google Play review."""

    platform: ClassVar[str] = "googleplay"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.public_reply, Capability.edit})
    limits: ClassVar[Limits] = Limits(350)
    credentials: ClassVar[tuple[str, ...]] = ("LISTENER_GOOGLEPLAY_SERVICE_ACCOUNT",)

    def secrets(self) -> tuple[str, ...]:
        return (self.settings.googleplay_service_account.get_secret_value(),)

    def reply(self, outgoing: Outgoing) -> Published:
        """Reply to the review (replacing an earlier reply)."""
        self.require()
        target = outgoing.target
        package = (parse_qs(urlsplit(target.url or "").query).get("id") or [""])[0]
        if not package:
            raise PublishError("the review's URL does not name the app's package (…details?id=<package>)")
        bearer = token(google_access_token, self.client, self.settings)
        path = PLAY_PATH.format(package=quote(package), review=quote(target.external_id, safe=""))
        url = self.settings.googleplay_base_url.rstrip("/") + path
        headers = {"Authorization": f"Bearer {bearer}"}
        resp = send(
            self.client, "POST", url, posting=True, json={"replyText": outgoing.text}, headers=headers
        )
        result = json_of(resp, "a reply result").get("result") or {}
        when = proto_timestamp(result.get("lastEdited")) if isinstance(result, dict) else None
        return Published(f"{target.external_id}:reply", target.url, when)
