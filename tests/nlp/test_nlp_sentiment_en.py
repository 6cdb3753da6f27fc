from __future__ import annotations

import pytest

from nlp import BrandContext
from nlp.resources import vader


def rules(result) -> list[str]:
    return [d["rule"] for d in result.sentiment.drivers if "rule" in d]


def terms(result) -> list[str]:
    return [d["term"].lower() for d in result.sentiment.drivers if "term" in d]


def test_complaint_without_negative_words_is_negative_with_a_complaint_driver(analyze):
    result = analyze("still waiting for my refund")
    assert result.sentiment.label == "negative"
    assert result.sentiment.score <= -0.05
    assert "complaint:waiting" in rules(result)


def test_polite_complaint_stays_negative(analyze):
    result = analyze("Hi, still waiting for my refund, thanks so much!")
    assert result.sentiment.label == "negative"


def test_plain_text_keeps_vaders_score(analyze):
    for text in [
        "I love this phone! :)",
        "The plot was good, but the characters are uncompelling.",
        "Not bad at all",
        "This is TERRIBLE!!!",
    ]:
        assert analyze(text).sentiment.score == pytest.approx(
            vader().polarity_scores(text)["compound"], abs=1e-4
        )


def test_drivers_name_the_words_that_moved_the_score(analyze):
    result = analyze("The app is useless and support is rude")
    assert result.sentiment.label == "negative"
    assert {"useless", "rude"} <= set(terms(result))
    assert all(d["weight"] < 0 for d in result.sentiment.drivers if d.get("term", "").lower() == "useless")


def test_html_entities_and_markup_are_undone_before_scoring(analyze):
    result = analyze("<p>I &lt;3 this &amp; it&#39;s <b>great</b></p>")
    assert result.sentiment.label == "positive"


def test_neutral_customer_question_is_not_praise(analyze):
    assert analyze("Is delivery free over 50 dollars?").sentiment.label == "neutral"
    assert analyze("Do you offer gift wrapping?").sentiment.label == "neutral"


def test_fixed_problem_is_not_a_complaint(analyze):
    assert analyze("Thanks for fixing the outage so quickly").sentiment.label == "positive"


def test_brand_lexicon_override(analyze):
    skate = BrandContext("Shredco", lexicon={"sick": 2.5})
    assert analyze("This board is sick").sentiment.label == "negative"
    result = analyze("This board is sick", brand="Shredco", brands={"Shredco": skate})
    assert result.sentiment.label == "positive"


def test_other_languages_are_unscored_never_neutral(analyze):
    result = analyze("Das Produkt ist wirklich großartig, ich bin sehr zufrieden")
    assert result.language == "de"
    assert result.sentiment.label == "unscored"
    assert result.sentiment.score is None
