"""Bundled offline demo data for ``listener demo``.

``sample_mentions.jsonl`` holds about 500 fictional mentions of the brand **Acme** (an online
retailer) and its competitors **Globex** and **Initech**, in English and Turkish, spread over
2026-11-06 .. 2026-11-20 UTC with one clear crisis spike (a data breach on 2026-11-19,
14:00-18:00 UTC). Every line is one object in the shape ``POST /ingest`` accepts.

The file is generated, deterministically, by ``tools/make_sample.py`` (``python
tools/make_sample.py``, texts in ``tools/sample_texts.json``); see ``README.md`` next to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from collectors.settings import CollectorSettings

SAMPLE_PATH = Path(__file__).with_name("sample_mentions.jsonl")
DEMO_OUTBOUND_ALLOW = "127.0.0.1"  # the demo's local webhook sink

S = TypeVar("S", bound=CollectorSettings)


def demo_settings(settings: S) -> S:
    """``settings`` as the demo needs them, set explicitly: the replay platform on for the bundled
    sample's directory (unless a replay directory is configured), and 127.0.0.1 allowed for the
    local alert sink (added to any configured allow list)."""
    allow = [a for a in (settings.outbound_allow, DEMO_OUTBOUND_ALLOW) if a]
    return settings.model_copy(
        update={
            "replay_dir": settings.replay_dir or str(SAMPLE_PATH.parent),
            "outbound_allow": ",".join(allow),
        }
    )


__all__ = ["SAMPLE_PATH", "demo_settings"]
