"""English sentiment: VADER on the text as VADER expects it, plus complaint patterns and overrides.

The valence list is computed exactly as ``SentimentIntensityAnalyzer.polarity_scores`` does (same
emoji handling, SentiText, booster/"kind of" skips, ``sentiment_valence`` and the "but" rule), so a
text without complaints or brand overrides gets VADER's own compound. What we add:
- the words behind the score (``drivers``),
- complaint rules (nlp.complaints) as extra negative valence; in a complaint, positive words count
  x0.4 ("please help", "thanks", sarcastic "great job"),
- per-brand lexicon overrides ({"sick": 2.5}) through a copy of the analyzer with an updated lexicon,
- questions ("Is delivery free over $50?") ask rather than judge: words under |2.5| count x0.3,
- a complaint that the text reports as fixed ("thanks for fixing the outage so quickly") is dropped,
- praise patterns VADER misses (:data:`PRAISE`): repurchase intent, "went above and beyond",
  "just works", "saves me time", "can't wait for my next order",
- a few domain adjustments (:data:`DOMAIN_LEXICON`, numbers): in brand mentions "support", "credit", "dear",
  "promised" name things ("Acme support", "credit card", "Dear Acme", "they promised a refund")
  rather than praise them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, SentiText

from nlp import resources
from nlp.complaints import find_complaints
from nlp.vader_fast import FastSentiText, FastVader, lower_words

log = logging.getLogger(__name__)

MAX_DRIVERS = 6
POLITENESS_IN_COMPLAINT = 0.4
DOMAIN_LEXICON = {
    "support": 0.0,
    "credit": 0.0,
    "dear": 0.0,
    "promise": 0.0,
    "promised": 0.0,
    "care": 0.4,
    "help": 0.6,
    "please": 0.3,
}
_analyzers: dict[frozenset, SentimentIntensityAnalyzer] = {}
QUESTION_SCALAR = 0.0
_INTERROGATIVES = frozenset(
    {
        "how",
        "what",
        "when",
        "where",
        "which",
        "who",
        "do",
        "does",
        "did",
        "is",
        "are",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "has",
        "have",
        "any",
        "anyone",
        "whats",
        "what's",
        "where's",
        "hows",
    }
)
_RESOLVED = re.compile(
    r"\b(?<!not )(?<!never )(?<!n't )(?<!still )(?<!be )(?:fixed|fixing|resolved|sorted|solved|restored"
    r"|back up|back online|working again)\b"
)
# (driver name, anchor substring that must occur, pattern, valence)
PRAISE: list[tuple[str, tuple[str, ...], re.Pattern[str], float]] = [
    (
        "praise:repurchase",
        ("again", "star"),
        re.compile(
            r"\b(?<!never )(?<!not )(?<!n't )(?:would|will|'ll|definitely|gonna|can'?t wait"
            r" to) (?:\w+ )?(?:order|buy|shop|book|fly|stay|come|go|use|recommend|be back)"
            r"\w*(?: \w+){0,2} again\b|\b(?:five|5) stars?\b"
        ),
        1.8,
    ),
    ("praise:above_and_beyond", ("beyond",), re.compile(r"\babove and beyond\b"), 2.5),
    ("praise:just_works", ("works",), re.compile(r"\b(?:just|finally|actually|always|simply) works\b"), 1.6),
    (
        "praise:saves_time",
        ("save",),
        re.compile(r"\bsaves? (?:me|us) (?:so much |a lot of |loads of |tons of )?(?:time|money)\b"),
        1.8,
    ),
    ("praise:looking_forward", ("wait",), re.compile(r"\b(?:can'?t|cannot) wait (?:for|to)\b"), 1.5),
]


def analyzer_for(overrides: Mapping[str, float] | None) -> SentimentIntensityAnalyzer:
    """A cached copy of the VADER analyzer with :data:`DOMAIN_LEXICON` and ``overrides`` applied.

    Number-only lexicon entries ("143", "1432": texting codes) are neutral here: in brand mentions
    numbers are order numbers, prices and dates.
    """
    key = frozenset((k.lower(), float(v)) for k, v in overrides.items()) if overrides else frozenset()
    found = _analyzers.get(key)
    if found is None:
        if len(_analyzers) > 256:
            _analyzers.clear()
        base = resources.vader()
        found = FastVader(base)
        numbers = {k: 0.0 for k in base.lexicon if k.isdigit()}
        found.lexicon = {**base.lexicon, **numbers, **DOMAIN_LEXICON, **dict(key)}
        _analyzers[key] = found
    return found


def vader_valences(sia: SentimentIntensityAnalyzer, text: str) -> tuple[list[str], list[float], str]:
    """Words, their valences and the emoji-expanded text, exactly as VADER's polarity_scores builds them."""
    emojis = sia.emojis
    if not emojis.keys().isdisjoint(text):
        parts = []
        prev_space = True
        for ch in text:
            if ch in emojis:
                if not prev_space:
                    parts.append(" ")
                parts.append(emojis[ch])
                prev_space = False
            else:
                parts.append(ch)
                prev_space = ch == " "
        text = "".join(parts)
    text = text.strip()
    fast = isinstance(sia, FastVader)
    sentitext = FastSentiText(text) if fast else SentiText(text)
    words = sentitext.words_and_emoticons
    lower = lower_words(words)
    lexicon = sia.lexicon
    last = len(words) - 1
    # a word outside the lexicon has valence 0 (valence_at's first test): only lexicon words are visited
    sentiments: list[float] = [0] * len(words) if fast else []
    for i in [i for i, low in enumerate(lower) if low in lexicon] if fast else range(len(words)):
        low = lower[i]
        if low in BOOSTER_DICT or (low == "kind" and i < last and lower[i + 1] == "of"):
            if not fast:
                sentiments.append(0)
            continue
        if fast:
            sentiments[i] = sia.valence_at(lower, sentitext, words[i], i)
        else:
            sentiments = sia.sentiment_valence(0, sentitext, words[i], i, sentiments)
    if "but" in lower:  # VADER's _but_check lower-cases every word again to look for it
        sentiments = sia._but_check(words, sentiments)
    return words, sentiments, text


def score_en(text: str, overrides: Mapping[str, float] | None = None) -> tuple[float, list[dict]]:
    """English valence sum (VADER scale, with punctuation emphasis, before normalisation) and drivers."""
    sia = analyzer_for(overrides)
    words, sentiments, expanded = vader_valences(sia, text)
    low = text.lower()
    if "\u2019" in low:
        low = low.replace("\u2019", "'")
    rules = [(f"complaint:{c}", v) for c, v in find_complaints(low, "en")]
    if rules and _RESOLVED.search(low) and not any(r == "complaint:broken_promise" for r, _ in rules):
        rules = []  # "thanks for fixing the outage so quickly"
    complaint = bool(rules)
    for name, anchors, regex, v in PRAISE:
        if (anchors[0] in low or (len(anchors) > 1 and anchors[1] in low)) and regex.search(low):
            rules.append((name, v))
    question = _is_question(text, words)
    total = 0.0
    moved: list[tuple[float, str]] = []
    for word, valence in zip(words, sentiments, strict=False):
        if not valence:
            continue
        if complaint and valence > 0:
            valence *= POLITENESS_IN_COMPLAINT
        if question and abs(valence) < 2.5:
            valence *= QUESTION_SCALAR
            if not valence:
                continue
        total += valence
        moved.append((valence, word))
    total += sum(v for _, v in rules)
    if total and not question:
        emphasis = sia._punctuation_emphasis(expanded)
        total += emphasis if total > 0 else -emphasis
    if len(moved) > 1:
        moved.sort(key=lambda m: -abs(m[0]))
    drivers = [{"term": word, "weight": round(v / 4, 3)} for v, word in moved[:MAX_DRIVERS]]
    drivers += [{"rule": name, "weight": round(v / 4, 3)} for name, v in rules]
    if question:
        drivers.append({"rule": "question", "weight": 0.0})  # mild words ignored; the model damped too
    return total, drivers


def _is_question(text: str, words: list[str]) -> bool:
    """A one-sentence question that starts like one ("Do you ship to Canada?")."""
    stripped = text.rstrip()
    if not stripped.endswith("?") or not words:
        return False
    if any(p in stripped[:-1] for p in ".!?"):
        return False
    return words[0].lower() in _INTERROGATIVES
