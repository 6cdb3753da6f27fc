"""An install made before ``reply_default`` existed (revision bf6a7b8c9d0e), on both backends: after
the upgrade, defaults it never had are added and unedited ones refreshed at the next start, while
the ones it edited or deleted are left alone."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import Engine, text

from listener.storage import migrate
from listener.storage.db import make_session_factory, session_scope
from listener.storage.replies import default_library, ensure_default_templates
from tests.storage.test_migrations import empty_engine  # noqa: F401  (fixture)

BEFORE = "bf6a7b8c9d0e"


def test_earlier_installs_get_the_new_library_but_keep_their_edits(empty_engine: Engine) -> None:  # noqa: F811
    migrate.upgrade(empty_engine, BEFORE)
    at = datetime(2026, 12, 1, 9, 0)
    insert = text(
        "INSERT INTO reply_template (name, language, channel, tone, conditions, body, enabled, builtin, "
        "created_by, created_at, updated_at) VALUES (:name, 'en', 'public', 'apologetic', :cond, :body, "
        ":on, :builtin, 'listener', :at, :updated)"
    )
    rows = [
        ("en-review-1-star-public", "Sorry! (old default)", at, True),  # untouched: refreshed
        ("en-praise-dm", "Thanks from all of us.", at + timedelta(days=2), True),  # edited: kept
        ("my-own-template", "Ours.", at, False),
    ]  # en-crisis-holding-public is missing: deleted by the team, never reinstalled
    with empty_engine.begin() as conn:
        for name, body, updated, builtin in rows:
            conn.execute(
                insert,
                {"name": name, "cond": json.dumps({"kinds": ["review"]}), "body": body, "on": True,
                 "builtin": builtin, "at": at, "updated": updated},
            )  # fmt: skip
    migrate.upgrade(empty_engine)
    with session_scope(make_session_factory(empty_engine)) as session:
        counts = ensure_default_templates(session)
    library = {t["name"]: t for t in default_library()}
    assert counts == {"added": len(library) - 84, "updated": 1}  # the earlier library had 84 defaults
    with empty_engine.connect() as conn:
        now = dict(conn.execute(text("SELECT name, body FROM reply_template")).all())
    assert now["en-review-1-star-public"] == library["en-review-1-star-public"]["body"]
    assert now["en-praise-dm"] == "Thanks from all of us."
    assert now["my-own-template"] == "Ours."
    assert "en-crisis-holding-public" not in now
    assert {"en-business-outage-public", "tr-we-hear-you-dm", "en-crisis-data-leak-public"} <= set(now)
