"""The name-key migration fills ``name_key`` for rows that exist already and keeps rows whose
names already collide (possible on SQLite before it), so nothing stored is lost."""

from __future__ import annotations

from sqlalchemy import Engine, text

from listener.storage import migrate
from tests.storage.test_migrations import empty_engine  # noqa: F401  (fixture)

BEFORE = "b7c8d9e0f1a2"


def test_existing_names_get_folded_keys_and_colliding_rows_are_kept(empty_engine: Engine) -> None:  # noqa: F811
    migrate.upgrade(empty_engine, BEFORE)
    with empty_engine.begin() as conn:
        for name in ("ŞİKAYET Hattı", "Öztürk Ltd", "ÖZTÜRK LTD"):
            conn.execute(
                text(
                    "INSERT INTO brand (name, aliases, products, lexicon, default_language, topics,"
                    " created_at, updated_at) VALUES (:n, '[]', '[]', '{}', 'tr', '{}',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"n": name},
            )
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        rows = conn.execute(text("SELECT id, name, name_key FROM brand ORDER BY id")).all()
    assert [r.name for r in rows] == ["ŞİKAYET Hattı", "Öztürk Ltd", "ÖZTÜRK LTD"]
    assert rows[0].name_key == "şikayet hatti"
    assert rows[1].name_key == "öztürk ltd"
    assert rows[2].name_key == f"öztürk ltd #{rows[2].id}"
    migrate.downgrade(empty_engine, BEFORE)
    migrate.upgrade(empty_engine)
