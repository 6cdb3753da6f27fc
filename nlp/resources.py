"""Process-wide cached loaders for heavy or packaged resources (loaded once, never per call).

Everything here reads only files shipped inside installed packages (``nlp/data`` via
importlib.resources, the VADER lexicon, the py3langid model): no network, no model download.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from importlib import resources
from typing import Any

import spacy
from py3langid.langid import MODEL_FILE, LanguageIdentifier
from spacy.language import Language
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

log = logging.getLogger(__name__)

# Languages the identifier chooses between (restricting it makes it ~3x faster and avoids
# exotic false positives on short social text). Extend with care and re-run benchmarks/nlp.py.
LANGUAGES = ("en", "tr", "de", "fr", "es", "it", "pt", "nl", "sv", "pl", "ru", "ar", "ja", "zh", "ko")


def data_text(name: str) -> str:
    """Text of a packaged data file in ``nlp/data``."""
    return resources.files("nlp").joinpath("data", name).read_text(encoding="utf-8")


@cache
def language_identifier() -> LanguageIdentifier:
    """py3langid identifier with normalised probabilities, restricted to :data:`LANGUAGES`."""
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(LANGUAGES))
    return ident


@cache
def vader() -> SentimentIntensityAnalyzer:
    """The shared VADER analyzer (its lexicon is never mutated; overrides use copies)."""
    return SentimentIntensityAnalyzer()


_MODELS: dict[str, str] = {}


def configure_models(models: dict[str, str]) -> None:
    """Use installed trained spaCy pipelines (a package name or a path) instead of blank ones, per
    language, e.g. ``{"en": "en_core_web_sm"}``. Called once by each entry point from settings
    (``LISTENER_SPACY_MODELS``); nothing is ever downloaded."""
    _MODELS.clear()
    _MODELS.update({lang: name for lang, name in models.items() if name})


def has_trained(lang: str) -> bool:
    """Whether a trained spaCy pipeline is configured for ``lang`` (then its tokenizer is used)."""
    return bool(_MODELS.get(lang))


def blank(lang: str) -> Language:
    """A fresh spaCy pipeline for ``lang``: the configured trained one (only its tokenizer and
    vocabulary are used by the matchers; its other components are disabled for speed) or a blank
    one. Not cached: the pipeline reloads it to bound memory."""
    name = _MODELS.get(lang)
    if name:
        nlp = spacy.load(name)
        for component in list(nlp.pipe_names):
            nlp.disable_pipe(component)
        return nlp
    return spacy.blank(lang)


@cache
def default_taxonomy() -> dict[str, Any]:
    """The packaged taxonomy: ``{"topics": {topic: {lang: [phrases]}}, "crisis": {lang: [terms]}}``."""
    return json.loads(data_text("taxonomy.json"))


@cache
def tr_lexicon() -> dict[str, float]:
    """Turkish polarity lexicon: stem (Turkish lower case) -> valence on VADER's -4..4 scale."""
    lex: dict[str, float] = {}
    for line in data_text("tr_lexicon.tsv").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            log.warning("tr_lexicon: bad line %r", line)
            continue
        lex[parts[0].strip()] = float(parts[1])
    return lex


@cache
def tr_fold_words() -> frozenset[str]:
    """ASCII spellings of Turkish taxonomy stems that are themselves other dictionary words ("oldu" for
    "öldü"): ``nlp/data/tr_fold_words.tsv`` (``ascii<TAB>stem<TAB>word|free``), only ``word`` rows."""
    found = set()
    for line in data_text("tr_fold_words.tsv").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and not line.startswith("#") and parts[2].strip() == "word":
            found.add(parts[0].strip())
    return frozenset(found)


@cache
def stopwords() -> frozenset[str]:
    """English and Turkish stop words (lower case) used by keyphrase extraction."""
    words: set[str] = set()
    for name in ("stopwords_en.txt", "stopwords_tr.txt"):
        words.update(w.strip() for w in data_text(name).split() if w.strip())
    return frozenset(words)
