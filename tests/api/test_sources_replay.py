"""Issue 16.2: the replay platform reads only its configured directory, and no answer (API error or
a source's last_error) echoes a file's content or tells whether a file outside exists."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import Source
from listener.worker.collection import run_source
from listener.worker.leases import claim_due

pytestmark = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
OUTSIDE = "replay files must be inside the replay directory"


@pytest.fixture
def replay_dir(tmp_path: Path) -> Path:
    d = tmp_path / "replay"
    d.mkdir()
    row = {"external_id": "r1", "text": "Acme replayed", "published_at": "2026-11-01T00:00:00Z"}
    (d / "ok.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    (tmp_path / "secret.jsonl").write_text('{"text": "SECRET=hunter2"}\n', encoding="utf-8")
    (d / "escape.jsonl").symlink_to(tmp_path / "secret.jsonl")
    return d


@pytest.fixture
def settings(db_url: str, replay_dir: Path) -> Settings:
    return Settings(database_url=db_url, _env_file=None, replay_dir=str(replay_dir))


def test_saving_a_path_outside_gives_one_answer_whether_or_not_it_exists(api, replay_dir: Path) -> None:
    m = api.as_("manager")
    answers = set()
    for path in ["/proc/self/environ", "/etc/passwd", "/no/such/file", "../secret.jsonl", "../nope.jsonl",
                 "escape.jsonl", str(replay_dir / ".." / "secret.jsonl")]:  # fmt: skip
        resp = m.post("/api/v1/sources", json={"name": "r", "platform": "replay", "params": {"path": path}})
        assert resp.status_code == 422 and resp.json()["error"]["details"][0]["field"] == "params.path"
        assert "SECRET" not in resp.text and "root:" not in resp.text
        answers.add(resp.json()["error"]["message"])
    assert answers == {f"invalid params for platform 'replay': params.path: Value error, {OUTSIDE}"}
    made = m.post("/api/v1/sources", json={"name": "r", "platform": "replay", "params": {"path": "ok.jsonl"}})
    assert made.status_code == 201


def test_replay_is_off_without_a_directory(api, app) -> None:
    app.state.settings = app.state.settings.model_copy(update={"replay_dir": ""})
    resp = api.as_("manager").post(
        "/api/v1/sources", json={"name": "r", "platform": "replay", "params": {"path": "ok.jsonl"}}
    )
    assert resp.status_code == 422 and "LISTENER_REPLAY_DIR" in resp.text


def test_a_stored_path_outside_is_refused_when_collected_and_nothing_leaks(
    api, engine: Engine, settings: Settings
) -> None:
    assert os.path.exists("/proc/self/environ")
    sessions = make_session_factory(engine)
    with session_scope(sessions) as s:  # saved before this check existed
        s.add(Source(name="old", platform="replay", params={"path": "/proc/self/environ"}))
    now = datetime.now(UTC)
    with session_scope(sessions) as s:
        (sid,) = claim_due(s, worker="w", now=now)
    with httpx.Client() as client:
        result = run_source(sessions, settings, client, sid, worker="w", now=now)
    assert result.error and OUTSIDE in result.error
    listed = api.as_("viewer").get("/api/v1/sources").text
    assert OUTSIDE in listed
    for leak in ("PATH=", "HOME=", "LISTENER_"):
        assert leak not in listed
