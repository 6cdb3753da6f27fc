"""Fixtures for the CLI tests: a scratch SQLite database and the ``listener`` script run on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.cli_helpers import Run, _runner


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def cli(tmp_path: Path, sqlite_url: str) -> Run:
    """``cli("keys", "list")`` runs the script on a tmp SQLite database."""
    return _runner(tmp_path, sqlite_url)
