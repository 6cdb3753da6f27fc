"""One settings object for the whole service, read from ``LISTENER_*`` variables and an optional ``.env``.

Read it once per process with :func:`get_settings` (or build ``Settings(...)`` in tests) and pass it
down; nothing reads the environment anywhere else. Secrets are ``SecretStr``: they never appear in
``repr``, logs, ``listener config`` or API responses.
"""

from __future__ import annotations

import string
from functools import lru_cache
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from publishers.settings import PublisherSettings

DEFAULT_DATABASE_URL = "sqlite:///./listener.db"
CASE_ID_FIELDS = {"n", "year", "month"}


class Settings(BaseSettings, PublisherSettings):
    """Effective configuration. Every field maps to ``LISTENER_<FIELD>`` (case-insensitive); the
    collectors' fields (platform hosts, credentials, timeouts, the outbound-address allow list, the
    replay directory) come from :class:`collectors.settings.CollectorSettings` and the posting
    credentials from :class:`publishers.settings.PublisherSettings` (which extends it), so a
    ``Settings`` is what collectors and publishers receive."""

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
    auth_cache_seconds: float = Field(
        5.0,
        ge=0,
        le=300,
        description="How long one process trusts a checked API key before reading it again (0: never). "
        "Revoking a key, or disabling or changing its user, takes effect at once in the process that "
        "did it and within this time in every other process",
    )
    feed_cache_mb: int = Field(
        32,
        ge=0,
        le=4096,
        description="Memory for feed pages kept between writes (GET /api/v1/mentions), in MiB (0: off). "
        "A kept page is served only while no write to mentions, brand links or brands has been "
        "committed since it was built, by this or any other process",
    )
    session_secret: SecretStr = Field(
        SecretStr(""),
        description="Key that signs the pages' session cookies (32+ random characters; keep it the same"
        " across restarts and processes). Unset: the demo uses a fixed development key, anything else a"
        " random key per process (sessions end at restart)",
    )
    session_max_age: int = Field(
        12 * 3600, ge=300, le=30 * 86400, description="Seconds a page session lasts after sign-in"
    )
    ingest_max_items: int = Field(1000, ge=1, le=10000, description="Most mentions per POST /ingest")
    lease_seconds: float = Field(
        60.0,
        ge=2,
        le=3600,
        description="How long a worker's claim on a source lasts without renewal; a heartbeat renews it"
        " every third of this while the worker runs, so a dead worker's sources return after about this long",
    )

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
    status_url: str = Field("", description="Your status page, offered in outage replies ({{ status_link }})")
    case_id_format: str = Field(
        "CS-{year}-{n:06d}",
        description="How case ids read: {n} is the counter (per year when {year} is used), {year}, {month}",
    )
    reply_four_eyes: bool = Field(
        True, description="The person who drafted a reply cannot approve it (false: one person may do both)"
    )
    reply_team_name: str = Field(
        "",
        description='Who replies are signed by when the key has no user, e.g. "{brand} Care" '
        '(default: "{brand} Support", in Turkish "{brand} Destek Ekibi")',
    )

    # --- stream and reports ------------------------------------------------------------------
    stream_poll_seconds: float = Field(
        1.0, ge=0.05, le=60, description="How often /api/v1/stream looks for new mentions"
    )
    stream_heartbeat_seconds: float = Field(
        15.0, ge=1, le=300, description="A keep-alive comment on a quiet stream this often (proxies)"
    )
    stream_retry_ms: int = Field(
        3000, ge=100, le=600_000, description="The reconnect delay the stream asks for"
    )
    push_batch: int = Field(100, ge=1, le=1000, description="Most mentions in one webhook push")
    push_max_failures: int = Field(
        8, ge=1, le=100, description="Failed attempts in a row after which a push subscription pauses"
    )
    push_timeout_seconds: float = Field(
        10.0, gt=0, le=60, description="How long a push waits for the receiver's answer"
    )
    push_poll_seconds: float = Field(
        2.0, ge=0.1, le=300, description="How often the worker looks for new mentions to push"
    )
    report_csv_max_rows: int = Field(
        50_000,
        ge=100,
        le=1_000_000,
        description="Most mentions in a mailed report's CSV (the download has all)",
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

    @field_validator("case_id_format")
    @classmethod
    def _case_format(cls, value: str) -> str:
        return check_case_id_format(value)

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


def check_case_id_format(fmt: str) -> str:
    """``fmt`` when it is a usable case-id format; ValueError saying why otherwise."""
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(fmt) if f is not None}
    except ValueError as exc:
        raise ValueError(f"not a format string: {exc}") from exc
    if "n" not in names:
        raise ValueError("the format must contain {n} (the counter), e.g. CS-{year}-{n:06d}")
    if names - CASE_ID_FIELDS:
        raise ValueError(f"unknown field(s) {', '.join(sorted(names - CASE_ID_FIELDS))}; use n, year, month")
    try:
        sample = fmt.format(n=123456, year=2026, month=12)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"the format does not work with a number: {exc}") from exc
    if not 1 <= len(sample) <= 64:
        raise ValueError("a case id must be 1 to 64 characters long")
    return fmt


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
