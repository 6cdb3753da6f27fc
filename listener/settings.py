"""One settings object for the whole service, read from ``LISTENER_*`` variables and an optional ``.env``.

Read it once per process with :func:`get_settings` (or build ``Settings(...)`` in tests) and pass it
down; nothing reads the environment anywhere else. Secrets are ``SecretStr``: they never appear in
``repr``, logs, ``listener config`` or API responses.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

DEFAULT_DATABASE_URL = "sqlite:///./listener.db"


class Settings(BaseSettings):
    """Effective configuration. Every field maps to ``LISTENER_<FIELD>`` (case-insensitive)."""

    model_config = SettingsConfigDict(
        env_prefix="LISTENER_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- service -------------------------------------------------------------------------------
    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL: sqlite:///path.db (embedded) or postgresql+psycopg://user@host/db",
    )
    host: str = Field("127.0.0.1", description="Address `listener serve` binds to")
    port: int = Field(8000, ge=1, le=65535, description="Port `listener serve` binds to")
    public_url: str = Field("", description="Base URL people reach the service at (links in alerts)")
    log_level: str = Field("INFO", description="Python logging level")
    max_body_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, description="Largest request body accepted, in bytes (413 above)"
    )
    pages_anonymous: bool = Field(
        False, description="Serve the pages without a key, as a viewer (the demo on localhost does)"
    )
    ingest_max_items: int = Field(1000, ge=1, le=10000, description="Most mentions per POST /ingest")

    # --- NLP -----------------------------------------------------------------------------------
    spacy_models: dict[str, str] = Field(
        default_factory=dict,
        description="Installed trained spaCy pipelines per language (JSON, e.g. "
        '{"en": "en_core_web_sm"}); blank pipelines otherwise',
    )

    # --- replies -------------------------------------------------------------------------------
    reply_length_limits: dict[str, Annotated[int, Field(ge=1, le=100_000)]] = Field(
        default_factory=lambda: {"twitter": 280, "bluesky": 300, "mastodon": 500},
        description='Longest public reply per platform, in characters (JSON, e.g. {"twitter": 280})',
    )
    support_url: str = Field(
        "", description="The link offered in replies ({{ link }}), e.g. your help centre"
    )

    # --- collection ----------------------------------------------------------------------------
    http_timeout: float = Field(20.0, gt=0, description="Seconds before an outbound HTTP request fails")
    user_agent: str = Field(
        "Listener/0.1 (+https://github.com/listener-dev/listener; social listening)",
        description="User-Agent sent to platforms (Reddit requires a descriptive one)",
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
        "https://oauth2.googleapis.com/token", description="OAuth token endpoint the signed JWT is exchanged at"
    )
    googleplay_service_account: SecretStr = Field(
        SecretStr(""), description="Google Play service-account JSON key: the JSON itself or a path to the file"
    )
    appstoreconnect_base_url: str = "https://api.appstoreconnect.apple.com"
    appstoreconnect_issuer_id: str = Field("", description="App Store Connect API issuer id")
    appstoreconnect_key_id: str = Field("", description="App Store Connect API key id")
    appstoreconnect_private_key: SecretStr = Field(
        SecretStr(""), description="App Store Connect API .p8 private key: the PEM text or a path to the file"
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("use sqlite:///path.db or postgresql+psycopg://user:password@host:port/db")
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            # psycopg 3 is the driver we ship; the bare scheme would pick psycopg2.
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("use one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @property
    def base_url(self) -> str:
        """Where links in alerts point: ``public_url``, else the address ``listener serve`` binds."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def public_dict(self) -> dict[str, Any]:
        """The effective settings with every secret replaced by ``"set"`` or ``""``.

        Passwords inside the database URL are masked too.
        """
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                out[name] = "set" if value.get_secret_value() else ""
            elif name == "database_url":
                out[name] = mask_url_password(value)
            else:
                out[name] = value
        return out


def mask_url_password(url: str) -> str:
    """Replace the password of ``scheme://user:password@host`` with ``***``."""

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy understands: show nothing of it
        return "<unparseable>"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
