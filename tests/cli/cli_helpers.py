"""Helpers for the CLI tests: the real ``listener`` script in a clean environment, and files to import."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from listener.auth import authenticate
from listener.storage.db import make_engine, make_session_factory, session_scope
from listener.storage.models import Mention
from tests.factories import mentions


def _listener_script() -> str:
    beside = Path(sys.executable).parent / "listener"
    if beside.is_file():
        return str(beside)
    found = shutil.which("listener")
    if found is None:
        pytest.fail("the `listener` console script is not installed (pip install -e .)")
    return found


LISTENER = _listener_script()
KEY_RE = re.compile(r"lsn_[0-9a-f]{8}_[A-Za-z0-9_\-]{43}")

Run = Callable[..., subprocess.CompletedProcess[str]]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTENER_")}
    env.update(extra)
    return env


def _runner(tmp_path: Path, url: str) -> Run:
    workdir = tmp_path / "cwd"
    workdir.mkdir(exist_ok=True)

    def run(
        *args: str, env: dict[str, str] | None = None, timeout: float = 120, input: str | None = None
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [LISTENER, *args],
            cwd=workdir,
            env=_clean_env(LISTENER_DATABASE_URL=url, **(env or {})),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL if input is None else None,
            input=input,
            timeout=timeout,
        )

    return run


def _ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, (
        f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


def _count(url: str) -> int:
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return session.scalar(select(func.count()).select_from(Mention)) or 0
    finally:
        engine.dispose()


def _authenticates(url: str, key: str) -> bool:
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return authenticate(session, key) is not None
    finally:
        engine.dispose()


def _unbranded(n: int, start: int = 0) -> list[dict]:
    """Ingest items without a brand (a fresh database has none)."""
    out = []
    for item in mentions(n, start=start):
        item.pop("brand")
        out.append(item)
    return out


def _write_jsonl(path: Path, items: list[dict]) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def _write_csv(path: Path, items: list[dict]) -> Path:
    columns = [
        "platform",
        "external_id",
        "url",
        "text",
        "kind",
        "author_handle",
        "author_name",
        "author_reach",
        "published_at",
        "language",
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for i in items:
            a = i.get("author", {})
            writer.writerow(
                [
                    i["platform"],
                    i["external_id"],
                    i.get("url", ""),
                    i["text"],
                    i.get("kind", "post"),
                    a.get("handle", ""),
                    a.get("name", ""),
                    a.get("reach", ""),
                    i["published_at"],
                    i.get("language", ""),
                ]
            )
    return path


def _summary(stdout: str) -> tuple[int, int, int, int]:
    m = re.search(r"read (\d+) line\(s\): (\d+) created, (\d+) duplicate\(s\), (\d+) invalid", stdout)
    assert m, f"no import summary in:\n{stdout}"
    lines, created, dups, invalid = (int(g) for g in m.groups())
    return lines, created, dups, invalid


# --- migrate / config ----------------------------------------------------------------------------
