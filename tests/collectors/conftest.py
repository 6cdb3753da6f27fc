"""Fixtures for collector tests; helpers live in ``collectors_testkit``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Until pyproject's [tool.pytest.ini_options] sets pythonpath = ["."] (or the project is installed),
# make the repo root importable so `collectors` and `listener` resolve under plain `pytest`.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from collectors_testkit import LocalServer, make_settings  # noqa: E402

from listener.settings import Settings  # noqa: E402


@pytest.fixture
def settings() -> Settings:
    """Settings with a 0.5 s timeout and fake credentials for the keyed platforms."""
    return make_settings(youtube_api_key="yt-test-key", twitter_bearer_token="tw-test-token")


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A real HTTP server on 127.0.0.1 that answers with ``local_server.serve([...])`` in order."""
    server = LocalServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
