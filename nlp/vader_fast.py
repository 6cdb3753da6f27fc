"""VADER's per-word rules with identical results, without re-lowering the whole sentence per word.

``SentimentIntensityAnalyzer.sentiment_valence`` lower-cases every word of the sentence again in
``_negation_check`` and ``_special_idioms_check`` for each sentiment-laden word (quadratic in the
sentence length) and tests negation against a list. ``FastVader`` keeps VADER's lexicon, constants
and rules exactly and reads a lower-cased word list computed once per text
(:func:`lower_words`). ``tests/nlp/test_vader_fast.py`` checks it against the original word by word.
"""

from __future__ import annotations

import string
from typing import Any

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    scalar_inc_dec,
)

_NEGATE = frozenset(NEGATE)


def _negated(word: str) -> bool:
    """VADER's ``negated([word])`` for an already lower-cased word."""
    return word in _NEGATE or "n't" in word


def lower_words(words: list[str]) -> list[str]:
    """The lower-cased word list VADER's rules compare against."""
    return [w.lower() for w in words]


class FastSentiText:
    """VADER's ``SentiText`` (words with surrounding punctuation stripped unless that leaves two
    characters or fewer, and whether only some words are ALL CAPS) without a method call per word."""

    __slots__ = ("text", "words_and_emoticons", "is_cap_diff")

    def __init__(self, text: str) -> None:
        self.text = text
        punct = string.punctuation
        words = [w if len(s := w.strip(punct)) <= 2 else s for w in text.split()]
        self.words_and_emoticons = words
        caps = sum(map(str.isupper, words))
        self.is_cap_diff = 0 < len(words) - caps < len(words)


class FastVader(SentimentIntensityAnalyzer):
    """Drop-in VADER analyzer; call :meth:`valence_at` with the sentence's lower-cased words."""

    def __init__(self, base: SentimentIntensityAnalyzer) -> None:  # share tables, never reload
        self.__dict__.update(base.__dict__)

    def valence_at(self, lower: list[str], sentitext: Any, item: str, i: int) -> float:
        """The valence VADER's ``sentiment_valence`` would append for word ``i``."""
        lexicon = self.lexicon
        words = sentitext.words_and_emoticons
        item_lowercase = lower[i]
        if item_lowercase not in lexicon:
            return 0
        valence = lexicon[item_lowercase]
        if item_lowercase == "no" and i != len(words) - 1 and lower[i + 1] in lexicon:
            valence = 0.0
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))
        ):
            valence = lexicon[item_lowercase] * N_SCALAR
        if item.isupper() and sentitext.is_cap_diff:
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        for start_i in range(0, 3):
            if i > start_i and lower[i - (start_i + 1)] not in lexicon:
                s = scalar_inc_dec(words[i - (start_i + 1)], valence, sentitext.is_cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = _negation_check(valence, lower, start_i, i)
                if start_i == 2:
                    valence = _special_idioms_check(valence, lower, i)
        return self._least_check_lower(valence, lower, i)

    def _least_check_lower(self, valence: float, lower: list[str], i: int) -> float:
        lexicon = self.lexicon
        if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
            if lower[i - 2] != "at" and lower[i - 2] != "very":
                valence = valence * N_SCALAR
        elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
            valence = valence * N_SCALAR
        return valence


def _negation_check(valence: float, lower: list[str], start_i: int, i: int) -> float:
    if start_i == 0 and _negated(lower[i - 1]):
        valence = valence * N_SCALAR
    if start_i == 1:
        if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
            valence = valence * 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _negated(lower[i - 2]):
            valence = valence * N_SCALAR
    if start_i == 2:
        if (lower[i - 3] == "never" and (lower[i - 2] == "so" or lower[i - 2] == "this")) or (
            lower[i - 1] == "so" or lower[i - 1] == "this"
        ):
            valence = valence * 1.25
        elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
            pass
        elif _negated(lower[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _special_idioms_check(valence: float, lower: list[str], i: int) -> float:
    onezero = f"{lower[i - 1]} {lower[i]}"
    twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
    twoone = f"{lower[i - 2]} {lower[i - 1]}"
    threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
    threetwo = f"{lower[i - 3]} {lower[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(lower) - 1 > i:
        zeroone = f"{lower[i]} {lower[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lower) - 1 > i + 1:
        zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence
