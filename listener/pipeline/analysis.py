"""The bridge from storage to ``nlp/``: brand contexts from Brand rows, analysis columns from results.

Every stored mention is analysed on the way in (API ingest, import, collectors) and again by
``listener reanalyze``; a manual sentiment override is never overwritten.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from listener.storage.base import utcnow
from listener.storage.models import Brand, Taxonomy
from nlp import BrandContext, NlpInput, NlpResult, Pipeline, get_pipeline
from nlp.resources import configure_models, default_taxonomy
from nlp.topics import taxonomy_version

log = logging.getLogger(__name__)

_PIPELINES: dict[str, Pipeline] = {}


def brand_contexts(brands: Iterable[Brand]) -> dict[str, BrandContext]:
    """``{brand name: BrandContext}`` for the NLP stages, competitors included."""

    def plain(b: Brand) -> BrandContext:
        return BrandContext(
            name=b.name,
            aliases=tuple(b.aliases or ()),
            products=tuple(b.products or ()),
            lexicon=dict(b.lexicon or {}),
            default_language=b.default_language or "en",
            topics=dict(b.topics or {}),
        )

    out: dict[str, BrandContext] = {}
    for b in brands:
        base = plain(b)
        out[b.name] = BrandContext(
            name=base.name,
            aliases=base.aliases,
            products=base.products,
            lexicon=base.lexicon,
            default_language=base.default_language,
            topics=base.topics,
            competitors=tuple(plain(c) for c in b.competitors),
        )
    return out


def configure_nlp(settings: Any) -> None:
    """Point the NLP stage at the trained spaCy pipelines named in ``settings.spacy_models``;
    ValueError naming the first one that is neither an installed package nor a pipeline folder."""
    import spacy.util  # heavy, and needed only when trained pipelines are configured

    for lang, name in settings.spacy_models.items():
        if not (spacy.util.is_package(name) or (Path(name) / "config.cfg").is_file()):
            raise ValueError(
                f"spaCy pipeline {name!r} for {lang!r} is not installed (pip install it, or give its folder)"
            )
    configure_models(settings.spacy_models)


def current_taxonomy(session: Session) -> tuple[str, dict[str, Any]]:
    """``("custom", data)`` when the taxonomy was edited through the API, else ``("default", …)``."""
    row = session.get(Taxonomy, 1)
    return ("custom", row.data) if row is not None else ("default", default_taxonomy())


def pipeline_for(session: Session) -> Pipeline:
    """The pipeline for the stored taxonomy: the process-wide default one, or one built for the
    custom taxonomy and kept while that taxonomy stays the same."""
    source, data = current_taxonomy(session)
    if source == "default":
        return get_pipeline()
    version = taxonomy_version(data)
    if version not in _PIPELINES:
        _PIPELINES.clear()
        _PIPELINES[version] = Pipeline(taxonomy=data)
    return _PIPELINES[version]


def analysis_columns(result: NlpResult, brand: str | None) -> dict[str, Any]:
    """The mention columns filled from one result. The sentiment is the one aimed at the mention's
    brand when the text names several brands, the whole text's otherwise."""
    sentiment = result.sentiment
    if brand and brand in result.brand_sentiment:
        sentiment = result.brand_sentiment[brand]
    return {
        "language": result.language,
        "language_confidence": round(result.language_confidence, 4),
        "sentiment_score": sentiment.score,
        "sentiment_label": sentiment.label,
        "sentiment_drivers": sentiment.drivers[:20],
        "topics": result.topics,
        "entities": result.entities[:50],
        "crisis_terms": result.crisis_terms,
        "keyphrases": result.keyphrases[:20],
        "analysis_versions": result.versions,
        "analyzed_at": utcnow(),
    }


def analyze(
    items: Sequence[Mapping[str, Any]], contexts: Mapping[str, BrandContext], pipeline: Pipeline | None = None
) -> Iterator[dict[str, Any]]:
    """Analysis columns for each mention-shaped mapping (``text``, ``title``, ``language`` hint,
    ``rating``, ``platform``, ``kind``, ``brand`` name), in order."""
    inputs = [
        NlpInput(
            text=item.get("text") or "",
            title=item.get("title"),
            language=item.get("language"),
            rating=item.get("rating"),
            platform=item.get("platform"),
            brand=item.get("brand"),
            kind=item.get("kind"),
        )
        for item in items
    ]
    for item, result in zip(items, (pipeline or get_pipeline()).run(inputs, contexts), strict=True):
        yield analysis_columns(result, item.get("brand"))
