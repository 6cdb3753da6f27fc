"""Seed data and a signed-in HTTP client for the inbox's page tests (both backends)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from listener.app import create_app
from listener.pipeline.ingest import store_batch
from listener.schemas.mentions import MentionIn
from listener.settings import Settings
from listener.storage.models import Brand, Mention
from listener.storage.replies import ensure_default_templates
from tests.factories import mention
from tests.web.conftest import PASSWORD, email_of

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
ANGRY = "Acme is terrible, awful support, I hate this broken app."
ANGRY_COPY = "Acme is terrible, awful support, I hate this broken app!!"
HAPPY = "I love Acme, the support team was wonderful and fast. Great!"
LATE = "Worst delivery ever from Acme, angry and disappointed."
REDDIT = "Acme billing charged me twice, this is awful and I want a refund."
XSS = "<script>alert(1)</script>"


def seed(session: Session) -> dict[str, int]:
    """Acme, the default reply templates and six mentions (one a near-duplicate of another, one
    with a ``javascript:`` link stored directly); their ids by external id."""
    ensure_default_templates(session)
    session.add(Brand(name="Acme", aliases=[], products=[], lexicon={}))
    session.flush()
    now = datetime.now(UTC)
    items = [
        mention(1, text=ANGRY, published_at=(now - timedelta(hours=5)).isoformat()),
        mention(2, text=HAPPY, published_at=(now - timedelta(hours=4)).isoformat()),
        mention(3, text=ANGRY_COPY, published_at=(now - timedelta(hours=3)).isoformat()),
        mention(4, text=LATE, published_at=(now - timedelta(days=3)).isoformat()),
        mention(5, platform="reddit", text=REDDIT, published_at=(now - timedelta(hours=2)).isoformat()),
        mention(
            6, text=f"Acme is awful {XSS} and broken", published_at=(now - timedelta(hours=1)).isoformat()
        ),
    ]
    store_batch(session, [MentionIn.model_validate(i).model_dump() for i in items])
    session.flush()
    rows = {m.external_id: m for m in session.query(Mention)}
    rows["tw-6"].url = "javascript:alert(1)"
    return {k: m.id for k, m in rows.items()}


def client(engine: Engine, **overrides: object) -> TestClient:
    settings = Settings(database_url=str(engine.url), _env_file=None, **overrides)
    return TestClient(create_app(settings, engine=engine), follow_redirects=False)


def token(c: TestClient, path: str = "/login") -> str:
    page = c.get(path)
    assert page.status_code == 200, page.text
    return TOKEN.search(page.text).group(1)  # type: ignore[union-attr]


def sign_in(c: TestClient, role: str) -> str:
    """Sign in as the seeded user of ``role``; returns the session's CSRF token."""
    r = c.post(
        "/login",
        data={"email": email_of(role), "password": PASSWORD, "next": "/inbox", "csrf_token": token(c)},
    )
    assert r.status_code == 303, r.text
    return token(c, "/inbox")


def shown(html: str) -> list[int]:
    """The mention ids of the cards on a page, in order."""
    return [int(i) for i in re.findall(r'<article class="[a-z]+" data-mention-id="(\d+)"', html)]
