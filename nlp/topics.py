"""TopicStage: taxonomy topics and crisis terms: a plain phrase matcher over lower-case word tokens for
English (and any language the taxonomy lists besides Turkish), spaCy's PhraseMatcher for Turkish stems.

English phrases and texts are split by one tokeniser (:func:`phrase_tokens`) and matched token for
token (spaCy's tokenizer took a seventh of the pipeline's time for the same result here); each
phrase also matches with its last word in the plural ("refund" -> "refunds", "delivery" ->
"deliveries"); verb forms are listed in the taxonomy ("order", "ordered").
Turkish suffixes are handled by normalising each token to the longest taxonomy stem it starts with
(stems of 4+ letters; shorter stems match whole tokens) and matching on NORM: "kargom", "kargoya",
"kargodan" all match "kargo"; "müşteri hizmetlerine" matches "müşteri hizmetleri".
Turkish letters count (issue 20): a text written with Turkish letters is matched letter for letter
("her şey yolunda oldu" has no "öldü"); only a text written entirely without them is folded to ASCII,
and then a stem whose ASCII spelling is a different dictionary word ("oldu", "olum", "kil") is left out
(``nlp/data/tr_fold_words.tsv``, written by tools/tr_fold_check.py).
Taxonomy shape: ``{"topics": {topic: {lang: [phrases]}}, "crisis": {lang: [terms]}}``.
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

from nlp import resources
from nlp.text import fold_ascii, has_tr_letters, tr_norm

log = logging.getLogger(__name__)

MIN_PREFIX_STEM = 4
_WORD_RE = re.compile(r"[^\W_]+")
_TOPIC = "t\x1f"
_CRISIS = "c\x1f"
_ASCII_TR = "tr\x1fascii"
_TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*|\S")


def phrase_tokens(text: str) -> list[str]:
    """Lower-case tokens the plain phrase matcher compares: letter/digit runs (with inner apostrophes,
    "hasn't"), every other non-space character on its own."""
    return _TOKEN_RE.findall(text.lower())


class PhraseIndex:
    """All phrases of one language keyed by their first token; matches are token-for-token."""

    __slots__ = ("by_first",)

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for key, phrase in entries:
            toks = tuple(phrase_tokens(phrase))
            if toks:
                self.by_first.setdefault(toks[0], []).append((toks, key))

    def __call__(self, tokens: list[str]) -> list[str]:
        """Keys of the phrases found in ``tokens``, in order of their first occurrence."""
        found: list[str] = []
        by_first = self.by_first
        for i in [i for i, tok in enumerate(tokens) if tok in by_first]:  # most tokens start no phrase
            for toks, key in by_first[tokens[i]]:
                n = len(toks)
                if (n == 1 or tuple(tokens[i : i + n]) == toks) and key not in found:
                    found.append(key)
        return found


def plural(word: str) -> str | None:
    """The regular English plural of a lower-case word, or None where it would not be one."""
    if len(word) < 3 or not word.isalpha() or word.endswith(("s", "ed", "ing", "ly")):
        return None
    if word.endswith(("x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def en_variants(phrase: str) -> list[str]:
    """``phrase`` (lower case) and, for topics, the phrase with its last word in the plural."""
    words = phrase.split()
    plural_last = plural(words[-1]) if words else None
    return [phrase] if plural_last is None else [phrase, " ".join([*words[:-1], plural_last])]


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
    """Maps Turkish tokens to the longest known stem they start with."""

    __slots__ = ("stems", "by_head")

    def __init__(self, stems: Iterable[str]) -> None:
        self.stems = set(stems)
        self.by_head: dict[str, list[str]] = {}
        for stem in sorted(self.stems, key=len, reverse=True):
            if len(stem) >= MIN_PREFIX_STEM:
                self.by_head.setdefault(stem[:MIN_PREFIX_STEM], []).append(stem)

    def find(self, token: str) -> str | None:
        """The longest stem ``token`` is or starts with (stems under 4 letters match whole), or None."""
        if token in self.stems:
            return token
        for stem in self.by_head.get(token[:MIN_PREFIX_STEM], ()):
            if token.startswith(stem):
                return stem
        return None


def tr_text(text: str) -> str:
    """What the Turkish matcher sees: Turkish lower case with its letters, or ASCII when written so."""
    return tr_norm(text)


class TaxonomyMatcher:
    """PhraseMatchers (one per language) for topics and crisis terms of one taxonomy."""

    def __init__(
        self, taxonomy: Mapping[str, Any], nlp_en: Language, nlp_tr: Language, plain: bool = True
    ) -> None:
        """``plain``: match non-Turkish phrases over :func:`phrase_tokens` lists; otherwise over docs of
        ``nlp_en`` (a configured trained pipeline whose tokenizer should decide)."""
        tax = normalize_taxonomy(taxonomy)
        by_lang: dict[str, list[tuple[str, str]]] = {}
        for topic, langs in tax["topics"].items():
            for lang, phrases in langs.items():
                for p in phrases:
                    variants = en_variants(p.lower()) if lang == "en" else [p]
                    by_lang.setdefault(lang, []).extend((_TOPIC + topic, v) for v in variants)
        for lang, terms in tax["crisis"].items():
            by_lang.setdefault(lang, []).extend((_CRISIS + t, t) for t in terms)
        tr_phrases = [(key, tr_norm(p)) for key, p in by_lang.pop("tr", ())]
        words = {w for _, p in tr_phrases for w in p.split()}
        other_words = resources.tr_fold_words()
        # ASCII spellings of stems written with Turkish letters, unless that spelling is another word
        unsafe = {w for w in words if fold_ascii(w) != w and fold_ascii(w) in other_words}
        self.stemmer = TurkishStemmer(words)
        self.ascii_stemmer = TurkishStemmer(fold_ascii(w) for w in words - unsafe)
        # first words of every non-Turkish phrase: a text containing none of them cannot match
        self.first_words = frozenset(
            words[0]
            for entries in by_lang.values()
            for _, p in entries
            if (words := _WORD_RE.findall(p.lower()))
        )
        self.matchers: dict[str, PhraseMatcher] = {}
        self.plain = {lang: PhraseIndex(entries) for lang, entries in by_lang.items()} if plain else {}
        for lang, entries in by_lang.items() if not plain else ():
            self.matchers[lang] = self._matcher(nlp_en, "LOWER", [(k, p.lower()) for k, p in entries], None)
        if tr_phrases:
            self.matchers["tr"] = self._matcher(nlp_tr, "NORM", tr_phrases, self.stemmer)
            ascii_phrases = [(k, fold_ascii(p)) for k, p in tr_phrases if unsafe.isdisjoint(p.split())]
            self.matchers[_ASCII_TR] = self._matcher(nlp_tr, "NORM", ascii_phrases, self.ascii_stemmer)

    @staticmethod
    def _matcher(
        nlp: Language, attr: str, entries: list[tuple[str, str]], stemmer: TurkishStemmer | None
    ) -> PhraseMatcher:
        matcher = PhraseMatcher(nlp.vocab, attr=attr)
        grouped: dict[str, list[Doc]] = {}
        for key, phrase in entries:
            doc = nlp.make_doc(phrase)
            if stemmer is not None:
                _set_norms(doc, stemmer)
            grouped.setdefault(key, []).append(doc)
        for key, docs in grouped.items():
            matcher.add(key, docs)
        return matcher

    def may_match(self, text_lower: str) -> bool:
        """False when no phrase of a non-Turkish language can match (cheap pre-filter before spaCy)."""
        return not self.first_words.isdisjoint(_WORD_RE.findall(text_lower))

    def normalize_tr(self, doc: Doc) -> None:
        """Set the NORM of each token that starts with a taxonomy stem to that stem.

        The Turkish doc holds :func:`tr_text`: with Turkish letters the stems are compared letter for
        letter; a text without any is compared with the ASCII spellings that are no other word.
        """
        _set_norms(doc, self.stemmer if has_tr_letters(doc.text) else self.ascii_stemmer)

    def __call__(self, doc: Doc | list[str] | None, language: str) -> tuple[list[str], list[str]]:
        """``(topics, crisis_terms)`` found in ``doc``: a spaCy doc (already NORM-normalised) for Turkish,
        the :func:`phrase_tokens` of the text for other languages."""
        if isinstance(doc, list):
            index = self.plain.get(language)
            return _split(index(doc)) if index is not None else ([], [])
        if language == "tr" and doc is not None and not has_tr_letters(doc.text):
            language = _ASCII_TR
        matcher = self.matchers.get(language)
        if matcher is None or doc is None:
            return [], []
        strings = doc.vocab.strings
        return _split(strings[match_id] for match_id, _start, _end in matcher(doc))


def _split(keys: Iterable[str]) -> tuple[list[str], list[str]]:
    """``(topics, crisis_terms)`` of matched keys, each once, in order."""
    topics: list[str] = []
    crisis: list[str] = []
    for key in keys:
        if key.startswith(_TOPIC):
            name = key[len(_TOPIC) :]
            if name not in topics:
                topics.append(name)
        else:
            term = key[len(_CRISIS) :]
            if term not in crisis:
                crisis.append(term)
    return topics, crisis


def _set_norms(doc: Doc, stemmer: TurkishStemmer) -> None:
    find = stemmer.find
    for token in doc:
        stem = find(token.text)
        if stem is not None:
            token.norm_ = stem


# topics that state an opinion need the sentiment to agree: "Hiç memnun değilim" is not praise
NEEDS_NOT_NEGATIVE = frozenset({"praise_recommendation"})
# a complaint rule is evidence of its topic ("Siparişim 2 haftadır gelmedi", "charged twice")
COMPLAINT_TOPICS = {
    "complaint:delivery": "delivery",
    "complaint:billing": "billing_refund",
    "complaint:outage": "app_bug_outage",
    "complaint:no_response": "customer_service",
    "complaint:repeated_contact": "customer_service",
    "complaint:defect": "product_quality",
}


def evidenced_topics(topics: list[str], sentiment: Any) -> list[str]:
    """``topics`` without those the sentiment contradicts (praise in a negative text), plus the topics
    of the complaint rules that fired."""
    drivers = getattr(sentiment, "drivers", ())
    found = [
        t for t in topics if t not in NEEDS_NOT_NEGATIVE or getattr(sentiment, "label", "") != "negative"
    ]
    for d in drivers:
        topic = COMPLAINT_TOPICS.get(d.get("rule", ""))
        if topic is not None and topic not in found:
            found.append(topic)
    return found


class TopicStage:
    """Topics and crisis terms from the global taxonomy plus an optional brand taxonomy."""

    name = "topics"

    def __init__(self, taxonomy: Mapping[str, Any]) -> None:
        self.taxonomy = normalize_taxonomy(taxonomy)
        self.version = taxonomy_version(self.taxonomy)
