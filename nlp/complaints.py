"""Customer-service complaint patterns: negative signals that carry no negative word.

"still waiting for my refund", "on hold for 2 hours", "flight delayed again", "order hasn't arrived
after 3 weeks", "no response to my emails", "charged twice" — VADER sees nothing negative in these.
Each rule below is a regular expression over the lower-cased text (Turkish: Turkish lower case folded
to ASCII, so "hâlâ gelmedi" and "hala gelmedi" match alike). A match adds a negative valence on VADER's
scale (-4..4) to the text's sum, and is reported as a driver ``{"rule": "complaint:<category>"}``.
Each category counts once per text; at most :data:`MAX_RULES` categories count.

Categories (English / Turkish examples; full table in nlp/README.md):
- waiting: still waiting, waiting for my refund, on hold, yet to receive / hâlâ gelmedi, 3 gündür bekliyorum
- delivery: hasn't arrived, where is my order, marked as delivered / sipariş gelmedi, teslim edildi görünüyor
- billing: charged twice, overcharged, hidden fees, can't cancel / iki kez çekildi, iade yapılmadı
- no_response: no response, nobody answers, never heard back / kimse dönmüyor, cevap yok
- repeated_contact: called 5 times, transferred again, same canned answer / defalarca aradım, aktarıldım
- outage: app is down, no signal, can't log in, keeps crashing / uygulama çalışmıyor, giriş yapamıyorum
- broken_promise: supposed to arrive, promised by Monday, still not fixed / söz verildi, gelecekti
- lost_item: lost my luggage, deleted my saved cards / kargom kayboldu, bavulum kayıp
- cancellation: cancelled my flight, technician never showed up / uçuş iptal edildi
- defect (Turkish): ilk yıkamada çekti, bir haftada bozuldu, ezilmiş halde geldi
- inability (Turkish, weak): -(y)AmIyorum / -(y)AmAdIm forms ("ödeyemiyorum")

Patterns are general (no brand or product names) and cover retail, telecom, banking, travel, food
delivery and apps. They live in nlp/complaint_rules_en.py and nlp/complaint_rules_tr.py. To add one:
append ``(category, regex)`` to the language's list, its pre-filter words to the matching list, and a
test case in tests/nlp/test_complaints.py.
"""

from __future__ import annotations

import logging
import re

from nlp.complaint_rules_en import EN_RULES, EN_TRIGGERS
from nlp.complaint_rules_tr import TR_ANCHORS, TR_RULES

log = logging.getLogger(__name__)

MAX_RULES = 3
WEIGHTS = {  # VADER-scale valence per category ("bad" is -2.5, "terrible" -2.5, "disappointed" -2.1)
    "waiting": -2.0,
    "delivery": -2.0,
    "billing": -2.2,
    "no_response": -2.0,
    "repeated_contact": -2.0,
    "outage": -2.0,
    "broken_promise": -1.6,
    "lost_item": -2.2,
    "cancellation": -1.6,
    "inability": -1.2,
    "defect": -2.0,
}


# "can't wait", "sabırsızlıkla bekliyorum": excitement, not complaints
_EN_EXCLUDE = re.compile(r"\b(?:can'?t|cannot) wait\b|\bwait(?:ing)? (?:is|was) (?:worth|over)\b")
_TR_EXCLUDE_WORDS = frozenset(
    {
        "bekleyemiyorum",
        "sabredemiyorum",
        "dayanamiyorum",
        "inanamiyorum",
        "doyamiyorum",
        "vazgecemiyorum",
        "tarif edemem",
        "anlatamam",
    }
)


_INNER_ANCHORS = frozenset(
    {
        "dir",
        "dur",
        "tir",
        "tur",
        "amiyor",
        "emiyor",
        "amadi",
        "emedi",
        "ecekti",
        "acakti",
        "ecektim",
        "acaktim",
    }
)
_TR_WORD_RE = re.compile(r"[a-z0-9]+")


class _RuleSet:
    """Compiled rules of one language with an index from trigger word / anchor to rule numbers."""

    __slots__ = ("rules", "index", "keys", "inner", "by_head")

    def __init__(self, rules: list[tuple[str, str]], triggers: list[tuple[str, ...]]) -> None:
        if len(rules) != len(triggers):
            raise RuntimeError(f"complaint rules and triggers out of sync: {len(rules)} != {len(triggers)}")
        self.rules = [(category, re.compile(pattern)) for category, pattern in rules]
        self.index: dict[str, list[int]] = {}
        for number, words in enumerate(triggers):
            for word in words:
                self.index.setdefault(word, []).append(number)
        self.keys = frozenset(self.index)
        # Turkish anchors: most start a word (checked through a bucket per first three letters); the
        # ones that sit inside a word ("gündür" -> "dur") or span words are checked as substrings
        self.inner = tuple(a for a in self.index if " " in a or a in _INNER_ANCHORS)
        self.by_head: dict[str, list[str]] = {}
        for a in self.index:
            if a not in self.inner:
                self.by_head.setdefault(a[:3], []).append(a)

    def anchors_in(self, text: str) -> set[str]:
        """Anchors that occur in ``text`` (word-start anchors at a word start)."""
        present = {a for a in self.inner if a in text}
        by_head = self.by_head
        for tok in set(_TR_WORD_RE.findall(text)):
            for a in by_head.get(tok[:3], ()):
                if tok.startswith(a):
                    present.add(a)
        return present

    def candidates(self, present: set[str]) -> list[int]:
        """Numbers (in rule order) of the rules whose trigger is in ``present``."""
        found: set[int] = set()
        index = self.index
        for word in present & self.keys:  # set & frozenset walks the smaller side
            found.update(index[word])
        return sorted(found)


_EN = _RuleSet(EN_RULES, EN_TRIGGERS)
_EN_TOKEN_RE = re.compile(r"[a-z0-9'-]+")
_TR = _RuleSet(TR_RULES, TR_ANCHORS)


def find_complaints(text_lower: str, language: str) -> list[tuple[str, float]]:
    """Complaint categories found in lower-cased text (Turkish: ASCII-folded) as ``(category, valence)``.

    Returns at most :data:`MAX_RULES` categories, each once, in order of first appearance.
    """
    if language == "tr":
        ruleset = _TR
    elif language == "en":
        ruleset = _EN
        if "wait" in text_lower and _EN_EXCLUDE.search(text_lower):
            text_lower = _EN_EXCLUDE.sub(" ", text_lower)
    else:
        return []
    text_lower += " "
    present = set(_EN_TOKEN_RE.findall(text_lower)) if language == "en" else ruleset.anchors_in(text_lower)
    hits: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for number in ruleset.candidates(present):
        category, regex = ruleset.rules[number]
        if category in seen:
            continue
        m = regex.search(text_lower)
        if m is None:
            continue
        if language == "tr" and m.group(0).split()[-1] in _TR_EXCLUDE_WORDS:
            continue
        start, end = m.span()
        if any(start < e and s < end for s, e, _ in hits):
            continue  # one phrase ("hala gelmedi") is one complaint, whatever rules it fits
        seen.add(category)
        hits.append((start, end, category))
    hits.sort()
    found = {category: WEIGHTS[category] for _, _, category in hits[: MAX_RULES + 1]}
    if language == "tr" and "inability" in found and len(found) > 1:
        del found["inability"]  # a specific rule already explains it
    return list(found.items())[:MAX_RULES]
