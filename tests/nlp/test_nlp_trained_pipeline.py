"""A trained spaCy pipeline named in settings replaces the blank one (here: a pipeline saved to a
folder, as `spacy package` or a training run leaves it; nothing is downloaded)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import spacy

from nlp import NlpInput, Pipeline
from nlp.resources import configure_models


def _saved_pipeline(tmp_path: Path) -> Path:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.meta["name"] = "team_test_pipeline"
    path = tmp_path / "en_team_test"
    nlp.to_disk(path)
    return path


def test_configured_pipeline_is_loaded_and_matches_topics(tmp_path):
    path = _saved_pipeline(tmp_path)
    configure_models({"en": str(path)})
    try:
        pipe = Pipeline()
        assert pipe._nlp_en.meta["name"] == "team_test_pipeline"
        assert pipe._nlp_en.disabled == ["sentencizer"], "only its tokenizer and vocabulary are used"
        result = pipe.analyze(NlpInput("My parcel never arrived and the refund is late", language="en"))
        assert {"delivery", "billing_refund"} <= set(result.topics)
    finally:
        configure_models({})
    assert Pipeline()._nlp_en.meta["name"] != "team_test_pipeline"


def test_a_missing_pipeline_is_a_configuration_error(tmp_path):
    listener = Path(sys.executable).parent / "listener"
    env = {
        **os.environ,
        "LISTENER_SPACY_MODELS": '{"en": "en_not_installed_model"}',
        "LISTENER_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
    }
    out = subprocess.run([str(listener), "config"], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 2 and "en_not_installed_model" in out.stderr and "not installed" in out.stderr
