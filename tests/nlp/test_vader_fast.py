"""FastVader gives VADER's valences exactly, word by word, on varied English text."""

from __future__ import annotations

import random
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer, SentiText

from nlp.sentiment_en import vader_valences
from nlp.vader_fast import FastSentiText, FastVader, lower_words

DATA = Path(__file__).parent / "data"
WORDS = [
    "not",
    "never",
    "no",
    "nor",
    "or",
    "without",
    "doubt",
    "so",
    "this",
    "least",
    "at",
    "very",
    "kind",
    "of",
    "sort",
    "good",
    "bad",
    "great",
    "terrible",
    "isn't",
    "don't",
    "wasn't",
    "love",
    "hate",
    "the",
    "a",
    "service",
    "delivery",
    "is",
    "was",
    "really",
    "extremely",
    "barely",
    "GREAT",
    "AWFUL",
    "cut",
    "me",
    "some",
    "slack",
    "the",
    "bomb",
    "yeah",
    "right",
    "kiss",
    "of",
    "death",
    "bad",
    "ass",
    "hand",
    "to",
    "mouth",
    ":)",
    ":(",
    "😍",
    "!",
    "?",
    "but",
]


def _texts() -> list[str]:
    texts = []
    for name in ("en_general.tsv", "en_complaints.tsv"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                texts.append(line.split("\t", 1)[-1])
    rng = random.Random(11)
    texts += [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 25))) for _ in range(3000)]
    return texts


def test_fast_vader_matches_the_original_word_by_word():
    original = SentimentIntensityAnalyzer()
    fast = FastVader(original)
    checked = 0
    for text in _texts():
        sentitext = SentiText(text)
        words = sentitext.words_and_emoticons
        lower = lower_words(words)
        expected: list[float] = []
        for i, item in enumerate(words):
            expected = original.sentiment_valence(0, sentitext, item, i, expected)
            assert fast.valence_at(lower, sentitext, item, i) == expected[-1], (text, item, i)
            checked += 1
    assert checked > 20_000


def test_fast_sentitext_and_the_whole_rule_part_match_vader():
    original = SentimentIntensityAnalyzer()
    texts = _texts() + ["WOW this is GREAT!!! :D", "...", "  ", "ok.. :-) ;) <3 I LOVE IT", "a-b-c!! x"]
    for text in texts:
        fast_text, slow_text = FastSentiText(text), SentiText(text)
        assert fast_text.words_and_emoticons == slow_text.words_and_emoticons, text
        assert fast_text.is_cap_diff == slow_text.is_cap_diff, text
    # the rule scorer on plain text is VADER's compound (FastSentiText and the lexicon shortcut included)
    for text in texts[:400]:
        words, valences, _ = vader_valences(fast := FastVader(original), text)
        assert fast.score_valence(valences, text) == original.polarity_scores(text), text
        assert len(words) == len(valences)
