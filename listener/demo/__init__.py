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

SAMPLE_PATH = Path(__file__).with_name("sample_mentions.jsonl")

__all__ = ["SAMPLE_PATH"]
