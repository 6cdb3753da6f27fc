"""TopicStage: taxonomy topics and crisis terms with spaCy PhraseMatcher on blank pipelines.

English (and any language the taxonomy lists besides Turkish) matches on the LOWER attribute.
Turkish suffixes are handled by normalising each token to the longest taxonomy stem it starts with
(ASCII-folded Turkish lower case, stems of 4+ letters; shorter stems match whole tokens) and matching
on NORM: "kargom", "kargoya", "kargodan" all match "kargo"; "müşteri hizmetlerine" matches
"müşteri hizmetleri". Taxonomy shape: ``{"topics": {topic: {lang: [phrases]}}, "crisis": {lang: [terms]}}``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from nlp.text import fold_tr

log = logging.getLogger(__name__)

MIN_PREFIX_STEM = 4
_WORD_RE = re.compile(r"[^\W_]+")
_TOPIC = "t\x1f"
_CRISIS = "c\x1f"


def taxonomy_version(taxonomy: Mapping[str, Any]) -> str:
    """A short content hash, so edited taxonomies re-tag stored mentions."""
    blob = json.dumps(taxonomy, sort_keys=True, ensure_ascii=False).encode()
    return "taxonomy-" + hashlib.sha1(blob).hexdigest()[:10]


def normalize_taxonomy(taxonomy: Mapping[str, Any]) -> dict[str, Any]:
    """Accept ``{"topics": ..., "crisis": ...}`` or a bare ``{topic: {lang: [phrases]}}`` mapping."""
    if "topics" in taxonomy or "crisis" in taxonomy:
        return {"topics": dict(taxonomy.get("topics", {})), "crisis": dict(taxonomy.get("crisis", {}))}
    return {"topics": dict(taxonomy), "crisis": {}}


class TurkishStemmer:
    """Maps folded Turkish tokens to the longest known stem they start with."""

    __slots__ = ("stems", "by_head")

    def __init__(self, phrases: Iterable[str]) -> None:
        self.stems = {w for p in phrases for w in fold_tr(p).split()}
        self.by_head: dict[str, list[str]] = {}
        for stem in sorted(self.stems, key=len, reverse=True):
            if len(stem) >= MIN_PREFIX_STEM:
                self.by_head.setdefault(stem[:MIN_PREFIX_STEM], []).append(stem)

    def find(self, folded: str) -> str | None:
        """The longest stem ``folded`` is or starts with (stems under 4 letters match whole), or None."""
        if folded in self.stems:
            return folded
        for stem in self.by_head.get(folded[:MIN_PREFIX_STEM], ()):
            if folded.startswith(stem):
                return stem
        return None


class TaxonomyMatcher:
    """PhraseMatchers (one per language) for topics and crisis terms of one taxonomy."""

    def __init__(self, taxonomy: Mapping[str, Any], nlp_en: Language, nlp_tr: Language) -> None:
        tax = normalize_taxonomy(taxonomy)
        by_lang: dict[str, list[tuple[str, str]]] = {}
        for topic, langs in tax["topics"].items():
            for lang, phrases in langs.items():
                by_lang.setdefault(lang, []).extend((_TOPIC + topic, p) for p in phrases)
        for lang, terms in tax["crisis"].items():
            by_lang.setdefault(lang, []).extend((_CRISIS + t, t) for t in terms)
        self.stemmer = TurkishStemmer(p for _, p in by_lang.get("tr", ()))
        # first words of every non-Turkish phrase: a text containing none of them cannot match
        self.first_words = frozenset(
            words[0]
            for entries in (v for k, v in by_lang.items() if k != "tr")
            for _, p in entries
            if (words := _WORD_RE.findall(p.lower()))
        )
        self.matchers: dict[str, PhraseMatcher] = {}
        for lang, entries in by_lang.items():
            if lang == "tr":
                matcher = PhraseMatcher(nlp_tr.vocab, attr="NORM")
                make = nlp_tr.make_doc
            else:
                matcher = PhraseMatcher(nlp_en.vocab, attr="LOWER")
                make = nlp_en.make_doc
            grouped: dict[str, list[Doc]] = {}
            for key, phrase in entries:
                doc = make(phrase.lower() if lang != "tr" else fold_tr(phrase))
                if lang == "tr":
                    self.normalize_tr(doc)
                grouped.setdefault(key, []).append(doc)
            for key, docs in grouped.items():
                matcher.add(key, docs)
            self.matchers[lang] = matcher

    def may_match(self, text_lower: str) -> bool:
        """False when no phrase of a non-Turkish language can match (cheap pre-filter before spaCy)."""
        return not self.first_words.isdisjoint(_WORD_RE.findall(text_lower))

    def normalize_tr(self, doc: Doc) -> None:
        """Set the NORM of each token that starts with a taxonomy stem to that stem.

        The Turkish doc holds folded text (``fold_tr``); other tokens keep their default NORM (the text),
        which cannot equal a stem they do not start with.
        """
        find = self.stemmer.find
        for token in doc:
            stem = find(token.text)
            if stem is not None:
                token.norm_ = stem

    def __call__(self, doc: Doc, language: str) -> tuple[list[str], list[str]]:
        """``(topics, crisis_terms)`` found in ``doc`` (already NORM-normalised when Turkish)."""
        matcher = self.matchers.get(language)
        if matcher is None or doc is None:
            return [], []
        topics: list[str] = []
        crisis: list[str] = []
        strings = doc.vocab.strings
        for match_id, _start, _end in matcher(doc):
            key = strings[match_id]
            if key.startswith(_TOPIC):
                name = key[len(_TOPIC) :]
                if name not in topics:
                    topics.append(name)
            else:
                term = key[len(_CRISIS) :]
                if term not in crisis:
                    crisis.append(term)
        return topics, crisis


class TopicStage:
    """Topics and crisis terms from the global taxonomy plus an optional brand taxonomy."""

    name = "topics"

    def __init__(self, taxonomy: Mapping[str, Any]) -> None:
        self.taxonomy = normalize_taxonomy(taxonomy)
        self.version = taxonomy_version(self.taxonomy)
