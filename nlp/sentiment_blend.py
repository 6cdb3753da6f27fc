"""The rule score and the trained model combined: one score in [-1, 1] whose label is the model's class.

The trained model (nlp.sentiment_model) takes the rule score as one of its features, so its most
probable class already weighs the rules against the words; on the real held-out tweets that class is
right more often than any threshold on a blended score (English macro recall 0.665 against 0.63,
Turkish tweets 0.79 against 0.76: see nlp/README.md). The score keeps the rules' intensity
(``a * rules + (1 - a) * (p_pos - p_neg)``) and is then moved just inside the band edge of the model's
class when it lies outside it, so ``label(score)`` always is that class. Explicit rules beat the model:
with a complaint, praise or question rule the band on the blended score decides, as before, and where
VADER's negation disagrees with a model that is unsure (:data:`NEGATION_UNSURE`).
"""

from __future__ import annotations

from collections.abc import Mapping

from nlp.sentiment_model import FEATURES, PARTS, model
from nlp.text import fold_tr

DEFAULT_BAND = (-0.05, 0.05)
QUESTION_DAMPING = 0.05
MAX_MODEL_DRIVERS = 6
EDGE = 0.001  # how far inside the band a neutral score is moved
RULED = frozenset({"complaint", "praise", "question"})
# the rules' negation (VADER's) beats the model only where the model is unsure: on real tweets the
# model's class is right more often than VADER's negation when the two disagree (4-fold
# cross-validation over train + dev, 45k tweets: macro recall 0.663 with the rule always winning,
# 0.667 with it winning below 0.45, 0.667 never; see nlp/README.md), but "Not bad at all" (model
# 0.41 negative) stays VADER's
NEGATION_UNSURE = 0.45


def band(language: str) -> tuple[float, float]:
    """The neutral band ``(negative at or below, positive at or above)`` fitted for ``language``'s model."""
    m = model(language) if language in FEATURES else None
    if m is None:
        return DEFAULT_BAND
    return m.params["neg"], m.params["pos"]


def agree(score: float, label: str, neg: float, pos: float) -> float:
    """``score`` moved the least so that the band ``(neg, pos)`` labels it ``label``."""
    if label == "positive":
        return max(score, pos)
    if label == "negative":
        return min(score, neg)
    return min(max(score, neg + EDGE), pos - EDGE)


def blend(
    language: str,
    text: str,
    rules: float,
    rule_drivers: list[dict],
    overrides: Mapping[str, float] | None = None,
) -> tuple[float, list[dict]]:
    """Score and drivers of ``text``: the rule score blended with the trained model's polarity.

    score = a * rules + (1 - a) * (p_positive - p_negative), ``a`` fitted per language, then moved into
    the model's most probable class (see the module docstring). Explicit patterns beat the model: with
    a complaint rule the score is never above the rules' score, with a praise rule ("would order again")
    never below it; in a one-sentence customer question the model's polarity counts x QUESTION_DAMPING
    (questions ask, they rarely judge); in those three cases the band labels the score, and so it does
    where the rules' negation flips a word the model sees negated, the two disagree and the model is
    unsure (its class below NEGATION_UNSURE). A word of the brand's own lexicon (``overrides``) leaves
    the text to the rules. Drivers are the words and n-grams that moved the score most (rule valence
    / 4 * a plus model logit / 4 * (1 - a), merged per word), then the rules.
    """
    m = model(language)
    if m is None:
        return rules, rule_drivers
    a = m.params["blend"]
    unigrams, tokens = PARTS[language](text)
    if overrides and not overrides.keys().isdisjoint(FEATURES[language](text)):
        return rules, rule_drivers  # the brand's own lexicon says what its words mean here
    probs, hits = m.predict_parts(unigrams, tokens, rules)
    named = [d for d in rule_drivers if "rule" in d]
    kinds = {d["rule"].split(":", 1)[0] for d in named}
    damp = QUESTION_DAMPING if "question" in kinds else 1.0
    score = a * rules + (1 - a) * damp * (probs["positive"] - probs["negative"])
    if "complaint" in kinds:
        score = min(score, rules)
    elif "praise" in kinds:
        score = max(score, rules)
    if score == 0.0:
        score = rules or (probs["positive"] - probs["negative"])
    if kinds.isdisjoint(RULED):
        neg, pos = m.params["neg"], m.params["pos"]
        top = max(probs, key=probs.__getitem__)
        opposed = rules >= pos if top == "negative" else rules <= neg if top == "positive" else False
        if not (opposed and probs[top] < NEGATION_UNSURE and _negated_rule_word(unigrams, rule_drivers)):
            score = agree(score, top, neg, pos)
    return score, _drivers(language, a, rule_drivers, hits, named)


def _negated_rule_word(unigrams: list[str], rule_drivers: list[dict]) -> bool:
    """True when a word the rules scored stands in a negation scope ("not bad at all"): the rules'
    negation handling (VADER's) beats the model's, which rarely saw the negated word in training."""
    negated = {f[4:] for f in unigrams if f.startswith("not_")}
    return bool(negated) and any(d.get("term", "").lower() in negated for d in rule_drivers)


def _strength(entry: list) -> float:
    return -abs(entry[1])


def _drivers(
    language: str, a: float, rule_drivers: list[dict], hits: list[tuple], named: list[dict]
) -> list[dict]:
    terms: dict[str, list] = {}
    fold = fold_tr if language == "tr" else str.lower
    for d in rule_drivers:
        term = d.get("term")
        if term is not None:
            key = fold(term)
            entry = terms.get(key)
            if entry is None:
                terms[key] = [term, a * d["weight"]]
            else:
                entry[1] += a * d["weight"]
    scale = (1 - a) / 4
    moved = [r[-1] for r in hits if r[-1] is not None]
    if len(moved) > MAX_MODEL_DRIVERS:
        moved.sort(reverse=True)  # (|polarity|, polarity, name): strongest first
        del moved[MAX_MODEL_DRIVERS:]
    for _, w, name in moved:
        entry = terms.get(name)
        if entry is None:
            terms[name] = [name, w * scale]
        else:
            entry[1] += w * scale
    ranked = sorted(terms.values(), key=_strength)[:MAX_MODEL_DRIVERS]
    drivers = [{"term": t, "weight": round(w, 3)} for t, w in ranked if w >= 0.0005 or w <= -0.0005]
    return drivers + named
