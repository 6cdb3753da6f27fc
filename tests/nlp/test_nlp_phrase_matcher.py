"""The plain English phrase matcher finds what spaCy's PhraseMatcher found on the same taxonomy."""

from __future__ import annotations

import spacy

from nlp import resources
from nlp.topics import TaxonomyMatcher, phrase_tokens

TEXTS = [
    "My parcel hasn't arrived and the refunds are late!!",
    "Data breach today. Our data was 'safe and encrypted'.",
    "The app won't load since the update #fail",
    "Works fine... 50% ads",
    "Great customer service, would recommend to anyone",
    "Charged twice for one order, still waiting for a refund (3 weeks)",
    "Deliveries are always late, support never answers my e-mails",
    "Outage? Site down again, login broken",
]


def test_plain_matcher_agrees_with_spacy_on_the_packaged_taxonomy():
    tax = resources.default_taxonomy()
    en, tr = spacy.blank("en"), spacy.blank("tr")
    plain = TaxonomyMatcher(tax, en, tr, plain=True)
    spacy_based = TaxonomyMatcher(tax, en, tr, plain=False)
    found_any = False
    for text in TEXTS:
        topics, crisis = plain(phrase_tokens(text), "en")
        ref_topics, ref_crisis = spacy_based(en(text), "en")
        assert (set(topics), set(crisis)) == (set(ref_topics), set(ref_crisis)), text
        found_any = found_any or bool(topics or crisis)
    assert found_any


def test_phrases_match_whole_tokens_only():
    tax = {"topics": {"billing": {"en": ["refund", "service fee"]}}, "crisis": {"en": ["data breach"]}}
    m = TaxonomyMatcher(tax, spacy.blank("en"), spacy.blank("tr"))
    assert m(phrase_tokens("Where is my REFUND? Also a $3 service fee."), "en") == (["billing"], [])
    assert m(phrase_tokens("refundable fees, servicefee"), "en") == ([], [])
    assert m(phrase_tokens("a data-breach? no: data breach!"), "en") == ([], ["data breach"])
