"""The Turkish polarity lexicon (nlp/data/tr_lexicon.tsv) indexed for suffix-tolerant lookup.

Entries are folded (Turkish lower case -> ASCII); a token takes the valence of the longest stem it
starts with, also across consonant softening ("eksiği" -> eksik); ``=`` entries match whole tokens;
multi-word entries match token runs and are reversed when their last word is negated.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import cache

from nlp import resources
from nlp.text import fold_tr

log = logging.getLogger(__name__)

N_SCALAR = -0.74
MIN_STEM = 3
_SOFTENED = {"g": "k", "b": "p", "d": "t"}
# verbal negation right after the stem, optionally after a voice suffix (temiz-le-n-me-miş):
# -mA-d/-z/-m/-yAcAk/-yIn/-yAn, -mIyor; not the nominal -mA ("gecikme", "gecikmeyle")
NEG = r"(?:m[ae](?:[dzm]|y[ae]c|y[ae]n|y[iu]n|yip|y[ae]l[iu]m)|m[iu]yor)"
NEG_SUFFIX = re.compile(rf"^(?:[iu]?l[ae]?[nst]?|[iu]?[nl]|t)?{NEG}")


class TurkishLexicon:
    """The folded lexicon split for fast lookup: exact words, prefix stems, multi-word phrases."""

    __slots__ = ("exact", "prefix", "phrases", "max_len", "by_head")

    def __init__(self, entries: Mapping[str, float]) -> None:
        self.exact: dict[str, float] = {}
        self.prefix: dict[str, float] = {}
        self.phrases: dict[str, list[tuple[tuple[str, ...], float, str]]] = {}
        for raw, valence in entries.items():
            only_exact = raw.startswith("=")
            key = fold_tr(raw.lstrip("="))
            words = key.split()
            if len(words) > 1:
                self.phrases.setdefault(words[0], []).append((tuple(words[1:]), valence, key))
            elif only_exact:
                self.exact[key] = valence
            else:
                self.prefix[key] = valence
        for options in self.phrases.values():
            options.sort(key=lambda o: (-len(o[0]), -len(o[2])))
        self.max_len = max((len(k) for k in self.prefix), default=0)
        # stems by their first MIN_STEM letters, longest first: a token checks only its own bucket
        self.by_head: dict[str, list[tuple[str, float]]] = {}
        for stem, valence in sorted(self.prefix.items(), key=lambda kv: -len(kv[0])):
            self.by_head.setdefault(stem[:MIN_STEM], []).append((stem, valence))

    def lookup(self, tok: str) -> tuple[float, int] | None:
        """``(valence, stem length)`` for a folded token, or None."""
        if tok in self.exact:
            return self.exact[tok], len(tok)
        for stem, valence in self.by_head.get(tok[:MIN_STEM], ()):
            if tok.startswith(stem):
                return valence, len(stem)
            n = len(stem)
            # consonant softening: eksiği -> eksik, kitabı -> kitap
            if (
                n > MIN_STEM
                and len(tok) >= n
                and _SOFTENED.get(tok[n - 1]) == stem[-1]
                and tok.startswith(stem[:-1])
            ):
                return valence, n
        return None

    def phrase(self, toks: list[str], i: int) -> tuple[float, int, str] | None:
        """``(valence, token count, phrase)`` for a multi-word entry starting at ``toks[i]``; the valence
        is reversed when the last word carries a negation suffix ("tekrar gelmeyeceğiz")."""
        for rest, valence, key in self.phrases.get(toks[i], ()):
            if i + len(rest) >= len(toks):
                continue
            if all(_word_matches(toks[i + 1 + k], w) for k, w in enumerate(rest)):
                tail = toks[i + len(rest)][len(rest[-1]) :]
                if tail and NEG_SUFFIX.match(tail):
                    valence *= N_SCALAR
                return valence, 1 + len(rest), key
        return None


def _word_matches(tok: str, word: str) -> bool:
    return tok == word or (len(word) >= MIN_STEM and tok.startswith(word))


@cache
def default_lexicon() -> TurkishLexicon:
    """The packaged Turkish lexicon, folded and indexed (once per process)."""
    return TurkishLexicon(resources.tr_lexicon())


@cache
def emoji_valences() -> dict[str, float]:
    """Emoji and (lower-cased) emoticon valences from ``nlp/data/emoji.tsv``."""
    table: dict[str, float] = {}
    for line in resources.data_text("emoji.tsv").splitlines():
        if line and not line.startswith("#") and "\t" in line:
            key, value = line.split("\t", 1)
            table[key] = float(value)
    return table
