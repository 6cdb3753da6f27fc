"""KeyphraseStage: hashtags and salient n-grams per mention, for emerging-topic alerts.

Candidates are runs of content words (alphabetic, 3+ letters, not an English or Turkish stop word,
not a brand name) between punctuation, URLs, handles, hashtags or stop words. Adjacent content words
give bigrams (at most :data:`MAX_BIGRAMS`), then single content words follow; hashtags come first.
Languages without a stop list (anything but English and Turkish) give hashtags and words of 5+
letters only. At most :data:`MAX_PHRASES`, lower case (Turkish lower case for Turkish).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection

from nlp import resources
from nlp.text import fold_ascii, fold_tr, tr_lower

log = logging.getLogger(__name__)

MAX_PHRASES = 8
MAX_BIGRAMS = 3
# a word, or anything that breaks a run: punctuation, digits, URLs, @handles, #hashtags
# content words (3+ letters) are captured; everything else (punctuation, digits, short words, URLs,
# @handles, #hashtags) matches without a capture and breaks the current run
_TOKEN_RE = re.compile(
    r"(?:https?://|www\.)\S+|[@#]\w+|([^\W\d_]{3,}(?:['’][^\W\d_]+)?)|[^\W\d_]{1,2}(?:['’][^\W\d_]+)?|[^\w\s]|\d+"
)


class KeyphraseStage:
    """Keyphrases of one text."""

    name = "keyphrases"
    version = "ngram-2"

    def __init__(self) -> None:
        words = resources.stopwords()
        self.stop = frozenset(words) | frozenset(fold_tr(w) for w in words)

    def __call__(
        self, text: str, hashtags: list[str], exclude: Collection[str] = (), language: str = "en"
    ) -> list[str]:
        """Hashtags (``#tag``) followed by bigrams and words of ``text``, lower case, no duplicates."""
        out: dict[str, None] = {"#" + h: None for h in hashtags}
        stop = self.stop
        low = tr_lower(text) if language == "tr" else text.lower()
        tokens = _TOKEN_RE.findall(low)
        # each token as itself when it is a content word, else None (a break between runs)
        if language == "tr":  # folding maps letters to letters: the folded tokens line up
            folded = _TOKEN_RE.findall(fold_ascii(low))
            if len(folded) != len(tokens):
                folded = [fold_tr(t) for t in tokens]
            marks = [
                tok if tok and tok not in stop and fold not in stop and tok not in exclude else None
                for tok, fold in zip(tokens, folded, strict=True)
            ]
        else:
            marks = [tok if tok and tok not in stop and tok not in exclude else None for tok in tokens]
        if language not in ("en", "tr"):
            singles = [w for w in marks if w is not None and len(w) >= 5]
        else:
            # bigrams: adjacent content words (within one run), the first MAX_BIGRAMS of them
            pairs = [
                (a, b) for a, b in zip(marks, marks[1:], strict=False) if a is not None and b is not None
            ]
            for a, b in pairs[:MAX_BIGRAMS]:
                out[f"{a} {b}"] = None
            singles = [w for w in marks if w is not None]
        for w in singles:
            if len(out) >= MAX_PHRASES:
                break
            out[w] = None
        return list(out)[:MAX_PHRASES]
