"""Listener NLP: language, sentiment (English and Turkish), topics, entities, crisis terms, keyphrases.

Pure stages, no database and no HTTP; resources are loaded once per process. See nlp/README.md.
"""

from nlp.base import LABELS, BrandContext, NlpInput, NlpResult, Sentiment
from nlp.pipeline import Pipeline, get_pipeline

__all__ = ["LABELS", "BrandContext", "NlpInput", "NlpResult", "Pipeline", "Sentiment", "get_pipeline"]
