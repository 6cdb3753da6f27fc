"""Language identification: py3langid restricted to a set of languages, with hint fallback.

Short texts (fewer than :data:`MIN_WORDS` words once URLs, handles and hashtags are removed)
say too little about their language: they take the platform's hint, else the brand's default
language. A low-confidence guess also yields to the hint.

Fast path (half of the stage's cost on English-heavy streams): a text written in ASCII letters only
that uses at least :data:`EN_MIN_MARKERS` distinct English function words found in no other
candidate language ("the", "and", "you", "this", "with" ...) is English with confidence
:data:`FAST_CONFIDENCE`, without running the classifier. Only the first :data:`MAX_CHARS`
characters are classified. Likewise a text with a letter only Turkish uses among the candidates
(ğ, ı, ş, İ) and at least one Turkish function word ("ve", "bir", "çok", "bu", "için" ...) is Turkish.
"""

from __future__ import annotations

import logging
import re

from nlp import resources
from nlp.lexicon_tr import default_lexicon
from nlp.text import fold_tr, language_text, tr_lower

log = logging.getLogger(__name__)

MIN_WORDS = 3
MAX_CHARS = 240
EN_MIN_MARKERS = 2
FAST_CONFIDENCE = 0.97
# fmt: off
# English function words no other candidate language uses (count 1) ...
EN_MARKERS = frozenset({
    "the", "and", "you", "your", "this", "that", "with", "have", "not", "but", "just", "it's", "i'm",
    "don't", "can't", "what", "why", "they", "their", "been", "would", "will", "our", "are", "from",
    "has", "still", "about", "again", "after", "never", "hasn't", "haven't", "doesn't", "didn't",
    "isn't", "won't", "very", "really", "too", "can", "does", "did", "who", "which", "there", "here",
    "some", "any", "only", "than", "when", "where", "because", "into", "were", "had", "she", "him",
    "them", "these", "those", "its", "i've", "should", "could", "please", "thanks", "thank", "got",
    "get", "how", "now", "then", "all",
    # English-only words frequent in tweets ("Going to see it tomorrow night")
    "tomorrow", "tonight", "today", "going", "night", "want", "like", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday",
})
# ... and words shared with one (count half): "was" is German, "is" Dutch, "me" Spanish
EN_SHARED = frozenset({
    "was", "is", "my", "for", "it", "to", "of", "a", "i", "so", "on", "in", "at", "be", "me", "we",
    "he", "her", "am", "an", "up", "out", "over",
})
# function words of the other candidate languages: any of them and the fast path is off
FOREIGN_MARKERS = frozenset({
    "die", "de", "en", "het", "und", "ist", "le", "la", "el", "il", "che", "que", "och", "att", "nie",
    "na", "je", "ve", "bir", "bu", "der", "das", "les", "des", "est", "une", "los", "las", "por",
    "una", "non", "per", "um", "não", "nao", "een", "niet", "ein", "eine", "nicht", "mit", "sie",
    "wir", "det", "är", "jest", "się", "ich", "et", "du", "y", "con", "è", "ne", "ile", "ama", "için",
})
# fmt: on
TR_MARKERS = frozenset(
    {
        "ve",
        "bir",
        "çok",
        "bu",
        "için",
        "ama",
        "de",
        "da",
        "mi",
        "mı",
        "ile",
        "daha",
        "gibi",
        "hiç",
        "ne",
        "ben",
        "sen",
        "biz",
        "siz",
        "o",
        "şu",
        "değil",
        "yok",
        "var",
        "hala",
        "hâlâ",
        "artık",
        "kadar",
        "neden",
        "niye",
        "nasıl",
        "her",
        "en",
        "ki",
        "ya",
        "diye",
    }
)
# fmt: off
# Turkish function words no other candidate language uses (with and without Turkish letters)
TR_ONLY_MARKERS = frozenset({
    "ve", "bir", "çok", "cok", "bu", "için", "icin", "ile", "daha", "gibi", "hiç", "hic", "değil",
    "degil", "yok", "hala", "hâlâ", "artık", "artik", "kadar", "neden", "nasıl", "nasil", "diye",
    "bana", "sana", "bize", "size", "benim", "senin", "bizim", "sizin", "çünkü", "cunku", "şey", "sey",
    "bunu", "onu", "sadece", "zaten", "olarak", "olan", "oldu", "yani", "aynen", "tamam", "evet",
    "hayır", "hayir", "lan", "abi", "valla", "vallahi", "cidden", "niye", "sonra", "önce", "once",
    "hep", "şu", "su", "ben",
})
# fmt: on
_TR_LETTERS_RE = re.compile(r"[ğışİĞŞ]")
_WORD_SPLIT_RE = re.compile(r"[^\W\d_]+")
_LETTERS_RE = re.compile(r"[^\W\d_]{2,}")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
_CONTRACTED_RE = re.compile(r"[^\W\d_]+'[^\W\d_]+|[^\W\d_]{2,}")
MIN_CONFIDENCE = 0.6
HINT_CONFIDENCE = 0.5
LEXICAL_CONFIDENCE = 0.5
DEFAULT_CONFIDENCE = 0.3


class LanguageStage:
    """ISO 639-1 code and a confidence in [0, 1] for a text."""

    name = "language"
    version = f"py3langid-{len(resources.LANGUAGES)}lang-1"

    def __init__(self) -> None:
        self._ident = resources.language_identifier()

    def __call__(self, text: str, hint: str | None, default: str | None) -> tuple[str, float]:
        """Return ``(language, confidence)``; ``hint`` and ``default`` are used for short texts."""
        hint = _norm_code(hint)
        words = language_text(text)
        low = words.lower()
        tokens = _LETTERS_RE.findall(low)
        if len(tokens) < MIN_WORDS:
            if hint:
                return hint, HINT_CONFIDENCE
            if not tokens:
                return (default or "en"), DEFAULT_CONFIDENCE
            lang, conf = self._ident.classify(words)
            if conf >= 0.9:
                return lang, round(conf, 3)
            guess = _lexical_guess(tokens)
            if guess:
                return guess, LEXICAL_CONFIDENCE
            if default:
                return default, DEFAULT_CONFIDENCE
            return lang, round(conf, 3)
        ascii_letters = low.isascii() or not _has_non_ascii_letter(low)
        if ascii_letters and (
            _looks_english(tokens) or (("'" in low or "’" in low) and _looks_english(_contracted(low)))
        ):
            return "en", FAST_CONFIDENCE
        if _looks_turkish(words):
            return "tr", FAST_CONFIDENCE
        lang, conf = self._ident.classify(words[:MAX_CHARS])
        if conf < MIN_CONFIDENCE and hint and hint != lang:
            return hint, HINT_CONFIDENCE
        if conf < MIN_CONFIDENCE and lang not in ("en", "tr"):
            guess = _lexical_guess(tokens)
            if guess:
                return guess, LEXICAL_CONFIDENCE
        if (
            lang != "en"
            and conf < 0.95
            and len(tokens) <= 8
            and ascii_letters
            and _english_vocabulary(tokens)
        ):
            return "en", round(max(conf, MIN_CONFIDENCE), 3)
        return lang, round(conf, 3)


def _norm_code(code: str | None) -> str | None:
    """``"en-US"`` -> ``"en"``; empty -> None."""
    if not code:
        return None
    return code.strip().lower().replace("_", "-").split("-")[0] or None


def _looks_english(tokens: list[str]) -> bool:
    """Two English-only function words (a word shared with another candidate language counts half) and
    no function word of another language, among lower-case ``tokens``."""
    found = 0
    seen = set()
    for w in tokens:
        if w in seen:
            continue
        seen.add(w)
        if w in EN_MARKERS:
            found += 2
        elif w in EN_SHARED:
            found += 1
        elif w in FOREIGN_MARKERS:
            return False
        if found >= 2 * EN_MIN_MARKERS:
            return FOREIGN_MARKERS.isdisjoint(tokens)
    return False


def _contracted(low: str) -> list[str]:
    """Words with English contractions kept whole ("i've", "don't"): split at the apostrophe they would
    give "ve", a Turkish function word, and miss the markers "i'm", "don't"."""
    return _CONTRACTED_RE.findall(low.replace("’", "'"))


def _looks_turkish(words: str) -> bool:
    """A letter only Turkish uses among the candidates (ğ ı ş İ) and a Turkish function word, or two
    Turkish-only function words and no English one (also for Turkish typed without Turkish letters)."""
    tokens = set(_WORD_SPLIT_RE.findall(tr_lower(words)))
    if _TR_LETTERS_RE.search(words):
        return not TR_MARKERS.isdisjoint(tokens)
    return len(TR_ONLY_MARKERS & tokens) >= 2 and EN_MARKERS.isdisjoint(tokens)


def _lexical_guess(tokens: list[str]) -> str | None:
    """For a few words py3langid is unsure about: "tr" or "en" when one of our sentiment lexicons knows
    more of the words than the other ("berbat", "xd cok komik"), else None."""
    tr_lex = default_lexicon()
    en_lex = resources.vader().lexicon
    tr_hits = en_hits = 0
    for tok in tokens:
        folded = fold_tr(tok)
        found = tr_lex.lookup(folded)
        if folded in TR_ONLY_MARKERS or (found is not None and found[0]):
            tr_hits += 1
        if tok in EN_MARKERS or tok in en_lex:
            en_hits += 1
    if tr_hits > en_hits:
        return "tr"
    if en_hits > tr_hits:
        return "en"
    return None


def _has_non_ascii_letter(text: str) -> bool:
    return any(ch.isalpha() for run in _NON_ASCII_RE.findall(text) for ch in run)


def _english_vocabulary(tokens: list[str]) -> bool:
    """Two or more words of VADER's English lexicon (4+ letters) among lower-case ASCII ``tokens``:
    py3langid is unreliable on a handful of words ("Excellent quality, fits perfectly")."""
    lexicon = resources.vader().lexicon
    return len({w for w in tokens if len(w) >= 4 and w in lexicon}) >= 2
