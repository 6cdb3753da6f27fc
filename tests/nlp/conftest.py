"""Fixtures for the NLP tests: one shared pipeline (resources load once per test session)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the package is not installed in the dev venv; import it from the checkout
    sys.path.insert(0, str(ROOT))

from nlp import BrandContext, NlpInput, NlpResult, Pipeline, get_pipeline  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return get_pipeline()


@pytest.fixture(scope="session")
def analyze(pipeline: Pipeline):
    """analyze(text, **NlpInput fields, brands=...) -> NlpResult."""

    def run(text: str, brands: dict[str, BrandContext] | None = None, **fields) -> NlpResult:
        return pipeline.analyze(NlpInput(text, **fields), brands)

    return run
