"""What collectors are configured with: platform hosts, credentials, timeouts, the User-Agent, the
outbound-address policy and the replay directory.

``CollectorSettings`` is a plain pydantic model: collectors read nothing from the environment. The
service's ``listener.settings.Settings`` inherits it, so each field is read from ``LISTENER_<FIELD>``
there (e.g. ``LISTENER_REDDIT_CLIENT_ID``) and a ``Settings`` instance is what collectors receive.
Tests and tools build ``CollectorSettings(...)`` directly. Secrets are ``SecretStr``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr, field_validator

from outbound.policy import OutboundPolicy


class CollectorSettings(BaseModel):
    """Collector configuration; every field is also a ``LISTENER_*`` variable of the service."""

    http_timeout: float = Field(20.0, gt=0, description="Seconds before an outbound HTTP request fails")
    user_agent: str = Field(
        "Listener/0.1 (+https://github.com/listener-dev/listener; social listening)",
        description="User-Agent sent to platforms (Reddit requires a descriptive one)",
    )
    outbound_allow: str = Field(
        "",
        description="Internal addresses, CIDR ranges and host names outbound requests may reach "
        "(comma-separated, e.g. 127.0.0.1,10.0.0.0/8,hooks.internal); every other loopback, "
        "private, link-local or metadata address is refused",
    )
    replay_dir: str = Field(
        "",
        description="Directory the demo/test `replay` platform may read JSONL files from; "
        "empty turns the replay platform off",
    )
    reddit_base_url: str = "https://www.reddit.com"
    reddit_oauth_base_url: str = "https://oauth.reddit.com"
    reddit_client_id: str = ""
    reddit_client_secret: SecretStr = SecretStr("")
    hackernews_base_url: str = "https://hn.algolia.com"
    mastodon_base_url: str = "https://mastodon.social"
    mastodon_access_token: SecretStr = SecretStr("")
    bluesky_base_url: str = "https://public.api.bsky.app"
    bluesky_auth_base_url: str = "https://bsky.social"
    bluesky_handle: str = ""
    bluesky_app_password: SecretStr = SecretStr("")
    youtube_base_url: str = "https://www.googleapis.com/youtube/v3"
    youtube_api_key: SecretStr = SecretStr("")
    appstore_base_url: str = "https://itunes.apple.com"
    twitter_base_url: str = "https://api.twitter.com"
    twitter_bearer_token: SecretStr = SecretStr("")
    googleplay_base_url: str = "https://androidpublisher.googleapis.com"
    googleplay_token_url: str = Field(
        "https://oauth2.googleapis.com/token",
        description="OAuth token endpoint the signed JWT is exchanged at",
    )
    googleplay_service_account: SecretStr = Field(
        SecretStr(""),
        description="Google Play service-account JSON key: the JSON itself or a path to the file",
    )
    appstoreconnect_base_url: str = "https://api.appstoreconnect.apple.com"
    appstoreconnect_issuer_id: str = Field("", description="App Store Connect API issuer id")
    appstoreconnect_key_id: str = Field("", description="App Store Connect API key id")
    appstoreconnect_private_key: SecretStr = Field(
        SecretStr(""), description="App Store Connect API .p8 private key: the PEM text or a path to the file"
    )

    @field_validator("outbound_allow")
    @classmethod
    def _valid_allow_list(cls, value: str) -> str:
        OutboundPolicy.parse(value)  # ValueError names the bad entry
        return value

    def outbound_policy(self) -> OutboundPolicy:
        """The outbound-address policy these settings allow (parsed once per distinct value)."""
        return OutboundPolicy.parse(self.outbound_allow)
