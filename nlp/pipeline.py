"""The NLP pipeline: language -> sentiment -> topics/entities -> crisis terms -> keyphrases.

Stages are pure; heavy resources are loaded once (nlp.resources); Turkish texts are tokenised in
batches with spaCy ``nlp.pipe`` on a blank pipeline (for stem-normalised topic matching), other texts
with the plain phrase tokeniser of nlp.topics. spaCy's string store keeps every new string it sees
(URLs, handles, typos), so the blank pipelines and their matchers are rebuilt every
``reload_every`` texts to keep long-running workers at constant memory.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from itertools import islice
from typing import Any

from nlp import resources
from nlp.base import UNSCORED, BrandContext, NlpInput, NlpResult, Sentiment
from nlp.entities import BrandMatcher, EntityStage
from nlp.keyphrases import KeyphraseStage
from nlp.language import LanguageStage
from nlp.sentiment import SentimentStage, blend_rating, brand_sentiments, pull_crisis
from nlp.text import clean, strip_links
from nlp.topics import TaxonomyMatcher, TopicStage, evidenced_topics, phrase_tokens, tr_text

log = logging.getLogger(__name__)

RELOAD_EVERY = 50_000
_CACHE_LIMIT = 1024
_NAMED = ("brand", "competitor", "product")


class Pipeline:
    """Runs every stage over a stream of :class:`NlpInput`; ``versions`` maps stage -> version."""

    def __init__(self, taxonomy: Mapping[str, Any] | None = None, reload_every: int = RELOAD_EVERY) -> None:
        self.language = LanguageStage()
        self.sentiment = SentimentStage()
        self.entities = EntityStage()
        self.keyphrases = KeyphraseStage()
        self.topics = TopicStage(taxonomy if taxonomy is not None else resources.default_taxonomy())
        self.reload_every = reload_every
        self.versions: dict[str, str] = {
            "language": self.language.version,
            "sentiment": self.sentiment.version,
            "topics": self.topics.version,
            "entities": self.entities.version,
            "keyphrases": self.keyphrases.version,
        }
        self._brands: dict[int, tuple[BrandContext, BrandMatcher]] = {}
        self.reloads = -1
        self._load_spacy()

    def _load_spacy(self) -> None:
        self._nlp_en = resources.blank("en")
        self._nlp_tr = resources.blank("tr")
        # the plain phrase tokeniser unless a trained English pipeline is configured (its tokenizer decides)
        self._plain = not resources.has_trained("en")
        self._taxonomy = TaxonomyMatcher(self.topics.taxonomy, self._nlp_en, self._nlp_tr, self._plain)
        self._brand_taxonomies: dict[int, tuple[BrandContext, TaxonomyMatcher]] = {}
        self._seen = 0
        self.reloads += 1

    def run(
        self,
        items: Iterable[NlpInput],
        brands: Mapping[str, BrandContext] | None = None,
        batch_size: int = 256,
    ) -> Iterator[NlpResult]:
        """Analyse ``items`` lazily, in batches, preserving order."""
        it = iter(items)
        while batch := list(islice(it, max(1, batch_size))):
            if self._seen >= self.reload_every:
                log.debug("reloading spaCy pipelines after %d texts", self._seen)
                self._load_spacy()
            self._seen += len(batch)
            yield from self._run_batch(batch, brands or {})

    def detect_language(
        self, text: str | None, title: str | None, hint: str | None, default: str | None = None
    ) -> str:
        """The language the pipeline would store for this text and title (no other stage runs)."""
        return self.language(analysed_text(text, title), hint, default)[0]

    def analyze(self, item: NlpInput, brands: Mapping[str, BrandContext] | None = None) -> NlpResult:
        """Analyse one item (convenience wrapper around :meth:`run`)."""
        return next(self.run([item], brands, batch_size=1))

    def _run_batch(self, batch: list[NlpInput], brands: Mapping[str, BrandContext]) -> Iterator[NlpResult]:
        texts: list[str] = []
        contexts: list[BrandContext | None] = []
        langs: list[tuple[str, float]] = []
        for item in batch:
            text = analysed_text(item.text, item.title)
            ctx = brands.get(item.brand) if item.brand else None
            texts.append(text)
            contexts.append(ctx)
            langs.append(self.language(text, item.language, ctx.default_language if ctx else None))
        tr_idx = [i for i, (lang, _) in enumerate(langs) if lang == "tr"]
        # other languages: tokenise only texts that contain the first word of some phrase (or whose brand
        # has its own topics); the others cannot match and skip spaCy altogether
        en_idx = [
            i
            for i, (lang, _) in enumerate(langs)
            if lang != "tr"
            and (
                (contexts[i] is not None and contexts[i].topics) or self._taxonomy.may_match(texts[i].lower())
            )
        ]
        docs: list[Any] = [None] * len(batch)
        # URLs and handles never match a topic: leaving them out saves time and keeps the vocab small
        if self._plain:
            for i in en_idx:
                docs[i] = phrase_tokens(strip_links(texts[i]))
        else:
            for i, doc in zip(en_idx, self._nlp_en.pipe(strip_links(texts[i]) for i in en_idx), strict=True):
                docs[i] = doc
        for i, doc in zip(
            tr_idx, self._nlp_tr.pipe(tr_text(strip_links(texts[i])) for i in tr_idx), strict=True
        ):
            self._taxonomy.normalize_tr(doc)
            docs[i] = doc
        for item, text, ctx, (lang, conf), doc in zip(batch, texts, contexts, langs, docs, strict=True):
            yield self._analyze(item, text, ctx, lang, conf, doc)

    def _analyze(
        self, item: NlpInput, text: str, ctx: BrandContext | None, lang: str, conf: float, doc: Any
    ) -> NlpResult:
        matcher = self._brand_matcher(ctx) if ctx is not None else None
        entities, mentions = self.entities(text, matcher)
        topics, crisis = self._taxonomy(doc, lang)
        if ctx is not None and ctx.topics:
            extra_topics, extra_crisis = self._brand_taxonomy(ctx)(doc, lang)
            topics += [t for t in extra_topics if t not in topics]
            crisis += [t for t in extra_crisis if t not in crisis]
        overrides = matcher.lexicons.get(ctx.name) if matcher is not None and ctx is not None else None
        try:
            sentiment = pull_crisis(self.sentiment(text, lang, item.rating, overrides), crisis, lang)
        except Exception:  # a failing stage leaves its field unscored, never the whole item
            log.exception("sentiment stage failed")
            sentiment = UNSCORED
        brand_sentiment: dict[str, Sentiment] = {}
        if ctx is not None and matcher is not None:
            brand_sentiment = self._brand_sentiment(text, lang, item, ctx, matcher, mentions, sentiment)
        topics = evidenced_topics(topics, sentiment)
        hashtags = [e["value"] for e in entities if e["type"] == "hashtag"]
        exclude = {e["text"].lower().lstrip("@#") for e in entities if e["type"] in _NAMED}
        keyphrases = self.keyphrases(text, hashtags, exclude, lang)
        return NlpResult(
            lang, conf, sentiment, topics, entities, crisis, keyphrases, brand_sentiment, self.versions
        )

    def _brand_sentiment(
        self,
        text: str,
        lang: str,
        item: NlpInput,
        ctx: BrandContext,
        matcher: BrandMatcher,
        mentions: list[tuple[int, int, str]],
        overall: Sentiment,
    ) -> dict[str, Sentiment]:
        if not mentions:
            return {ctx.name: overall}
        if len({m[2] for m in mentions}) == 1:
            return {mentions[0][2]: overall}
        text_only = self.sentiment(text, lang, None, matcher.lexicons.get(ctx.name))
        result = brand_sentiments(text, lang, mentions, text_only, matcher.lexicons)
        if ctx.name in result and item.rating is not None:
            result[ctx.name] = blend_rating(result[ctx.name], item.rating, lang)
        return result

    def _brand_matcher(self, ctx: BrandContext) -> BrandMatcher:
        hit = self._brands.get(id(ctx))
        if hit is None or hit[0] is not ctx:
            if len(self._brands) >= _CACHE_LIMIT:
                self._brands.clear()
            hit = (ctx, BrandMatcher(ctx))
            self._brands[id(ctx)] = hit
        return hit[1]

    def _brand_taxonomy(self, ctx: BrandContext) -> TaxonomyMatcher:
        hit = self._brand_taxonomies.get(id(ctx))
        if hit is None or hit[0] is not ctx:
            if len(self._brand_taxonomies) >= _CACHE_LIMIT:
                self._brand_taxonomies.clear()
            hit = (ctx, TaxonomyMatcher({"topics": ctx.topics}, self._nlp_en, self._nlp_tr, self._plain))
            self._brand_taxonomies[id(ctx)] = hit
        return hit[1]


def analysed_text(text: str | None, title: str | None) -> str:
    """What the stages read: ``"title. text"`` (the title alone when there is no text), cleaned."""
    body = clean(text or "")
    if not title:
        return body
    head = clean(title).rstrip()
    return f"{head}{'' if head[-1:] in '.!?' else '.'} {body}" if body else head


_BUILDING = threading.Lock()


@cache
def get_pipeline() -> Pipeline:
    """The process-wide default :class:`Pipeline` (packaged taxonomy), built on first use, once:
    threads that ask at the same time (a worker's collection runs, the server's thread pool) wait
    for the one being built instead of each building their own (a few hundred MiB each)."""
    with _BUILDING:
        return _built()


@cache
def _built() -> Pipeline:
    return Pipeline()
