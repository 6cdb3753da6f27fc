from __future__ import annotations

import json
import threading
import time

import nlp.pipeline as module
from nlp import LABELS, BrandContext, NlpInput, NlpResult, Pipeline, get_pipeline


def test_get_pipeline_is_cached():
    assert get_pipeline() is get_pipeline()


def test_threads_asking_at_once_get_one_pipeline_built_once(monkeypatch) -> None:
    """A worker's collection threads and the server's thread pool ask for the pipeline at the same
    moment on a fresh process: one is built (each costs hundreds of MiB), all get it."""
    built: list[object] = []

    class Slow:
        def __init__(self) -> None:
            time.sleep(0.2)  # a real build takes a second or more: everyone arrives meanwhile
            built.append(self)

    monkeypatch.setattr(module, "Pipeline", Slow)
    module.get_pipeline.cache_clear()
    module._built.cache_clear()
    try:
        start = threading.Barrier(8)
        got: list[object] = []

        def ask() -> None:
            start.wait()
            got.append(module.get_pipeline())

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(built) == 1
        assert got == built * 8
    finally:
        module.get_pipeline.cache_clear()
        module._built.cache_clear()


def test_run_is_lazy_and_keeps_order():
    pipe = Pipeline()
    texts = [f"order {i} arrived, love it" if i % 2 else f"sipariş {i} hâlâ gelmedi" for i in range(50)]
    results = pipe.run((NlpInput(t) for t in texts), batch_size=7)
    assert not isinstance(results, list)
    labels = [r.sentiment.label for r in results]
    assert labels == ["negative" if i % 2 == 0 else "positive" for i in range(50)]


def test_result_shape_and_versions(pipeline):
    result = pipeline.analyze(NlpInput("Love it"))
    assert isinstance(result, NlpResult)
    data = result.to_dict()
    assert set(data) == {
        "language",
        "language_confidence",
        "sentiment",
        "topics",
        "entities",
        "crisis_terms",
        "keyphrases",
        "brand_sentiment",
        "versions",
    }
    assert set(data["versions"]) == {"language", "sentiment", "topics", "entities", "keyphrases"}
    assert data["versions"] == pipeline.versions
    assert data["sentiment"]["label"] in LABELS
    json.dumps(data)


def test_title_counts(pipeline):
    assert (
        pipeline.analyze(NlpInput("It arrived yesterday.", title="Terrible quality")).sentiment.label
        == "negative"
    )


def test_empty_text_is_unscored(pipeline):
    result = pipeline.analyze(NlpInput(""))
    assert result.sentiment.label == "unscored"


def test_spacy_vocabulary_is_bounded_by_reloading():
    pipe = Pipeline(reload_every=1_000)
    for _ in pipe.run(NlpInput(f"new word zq{i}x and #tag{i} love it") for i in range(3_500)):
        pass
    assert pipe.reloads == 3
    assert len(pipe._nlp_en.vocab.strings) < 20_000


def test_brand_context_compares_by_identity():
    a, b = BrandContext("Acme"), BrandContext("Acme")
    assert a != b and a == a
    assert len({a, b}) == 2
