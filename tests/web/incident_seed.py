"""An incident to look at: Acme, a leak story of three negative mentions, one webhook channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.engine import evaluation
from listener.settings import Settings
from listener.storage.models import Incident
from listener.storage.replies import ensure_default_templates
from tests.engine.engine_helpers import brand, mention, rule

LEAK_TEXTS = ("Acme leak exposed my address", "the Acme leak is everywhere", "Acme leak: my card was used")


def seed_incident(s: Session) -> int:
    """Opens one firing incident (no channel: nothing leaves the machine); returns its id."""
    now = datetime.now(UTC)
    ensure_default_templates(s)
    acme = brand(s)
    rule(s, "mention", brand_id=acme.id)
    rows = [
        mention(
            s,
            acme.id,
            now - timedelta(minutes=5 - k),
            text=text,
            crisis_terms=["leak"],
            sentiment_label="negative",
            sentiment_score=-0.8,
            author_handle=f"p{k}",
            author_reach=1000 * (k + 1),
        )
        for k, text in enumerate(LEAK_TEXTS)
    ]
    s.flush()
    evaluation.evaluate_mentions(s, [m.id for m in rows], now, settings=Settings(_env_file=None))
    return s.scalars(select(Incident)).one().id
