"""Cues in a mention's text that ranking uses beyond the NLP analysis. Pure.

- :func:`has_terms`: whether any of a template's ``terms`` occurs in the text, at the start of a
  word, after a loose Turkish-aware fold (``API'niz`` matches ``api``, ``Şifre`` matches ``sifre``).
- :func:`confirmed_crisis_terms`: drops "öldü" found in "oldu" (the matcher folds diacritics).
- :func:`sarcasm_cues`: the cues that mark praise as sarcasm. A strong cue alone (🙄, ``(!)``,
  "yeah right", "thanks for nothing") is enough; praise words ("great job", "teşekkürler") count
  only together with a repeat-or-wait marker ("again", "third time", "yine", "hâlâ") in a text
  that reads negative, so "Thanks again!" stays thanks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_FOLD = str.maketrans("İIıŞşĞğÇçÖöÜüÂâÎîÛû", "iiissggccoouuaaiiuu")

STRONG = {
    "en": ("🙄", "😒", "🙃", "/s", "yeah right", "thanks for nothing", "slow clap", "what a surprise",
           "just great", "oh great", "oh wonderful"),
    "tr": ("🙄", "😒", "🙃", "(!)", "ne sürpriz", "çok sağ olun (!)"),
}  # fmt: skip
PRAISE = {
    "en": ("great job", "well done", "thanks", "thank you", "great", "amazing", "love", "awesome", "bravo",
           "brilliant", "fantastic", "perfect", "good job"),
    "tr": ("teşekkürler", "teşekkür ederim", "harika", "harikasınız", "süper", "mükemmel", "bravo",
           "tebrikler", "helal", "eyvallah", "sağ olun", "aferin"),
}  # fmt: skip
REPEAT = {
    "en": ("again", "third time", "second time", "every time", "still", "yet again", "as always",
           "as usual", "for weeks", "for days", "for hours", "hours on hold"),
    "tr": ("yine", "tekrar", "hâlâ", "hala", "üçüncü kez", "ikinci kez", "her seferinde", "haftadır",
           "gündür", "saattir"),
}  # fmt: skip


# Turkish crisis terms whose spelling without diacritics is an everyday word: "oldu" (it happened)
# is not "öldü" (died), "olum" (mate) is not "ölüm" (death). The topic matcher folds diacritics
# away, so for replies these count only when the text spells them with their letters.
AMBIGUOUS_WITHOUT_DIACRITICS = frozenset({"öldü", "ölüm", "öldürdü"})


def confirmed_crisis_terms(text: str, terms: Iterable[str]) -> tuple[str, ...]:
    """``terms`` without the ambiguous ones the text does not spell with their diacritics."""
    lowered = text.replace("I", "ı").replace("İ", "i").lower()
    return tuple(
        t
        for t in terms
        if not text or t not in AMBIGUOUS_WITHOUT_DIACRITICS or re.search(rf"(?<!\w){re.escape(t)}", lowered)
    )


def fold(text: str) -> str:
    """Lower case with Turkish letters folded to ASCII (loose on purpose: both sides are folded)."""
    return text.translate(_FOLD).lower()


@lru_cache(maxsize=512)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    parts = sorted({re.escape(fold(t).strip()) for t in terms if t.strip()}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")") if parts else re.compile(r"(?!)")


def has_terms(text: str, terms: Iterable[str]) -> list[str]:
    """The terms (folded) that occur in ``text`` at the start of a word; empty when none."""
    return sorted(set(_pattern(tuple(terms)).findall(fold(text))))


def sarcasm_cues(text: str, language: str | None, *, negative: bool) -> tuple[str, ...]:
    """The cues that mark ``text`` as sarcastic (empty: not sarcastic). Praise with a repeat marker
    counts only when the text reads ``negative`` ("Thanks again!" is thanks)."""
    lang = language if language in STRONG else "en"
    strong = [c for c in STRONG[lang] if not c[0].isalnum() and c in text]
    strong += has_terms(text, [c for c in STRONG[lang] if c[0].isalnum()])
    if strong:
        return tuple(strong)
    praise = has_terms(text, PRAISE[lang])
    repeat = has_terms(text, REPEAT[lang])
    return tuple(praise + repeat) if negative and praise and repeat else ()
