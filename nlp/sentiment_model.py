"""Trained linear sentiment models: features shared with training, and light inference over a weight file.

The models are logistic regressions trained by ``tools/train_sentiment.py`` on real labelled tweets and
reviews (see nlp/README.md); this module turns a text into the same features the training saw and
scores them with pure Python/numpy over ``nlp/data/sentiment_<lang>.npz`` (loaded once per process).

Features (both languages): word unigrams and bigrams of the normalised text, words in a negation scope
marked with ``not_`` (English) or a negation-suffix marker (Turkish), and the rule/lexicon scorer's
normalised score as a dense feature ``=rules`` (so the model learns how far to trust the rules).
Turkish text is lower-cased the Turkish way and folded to ASCII, so "cok guzel" and "çok güzel" give
the same features; each word also gives its first five letters (``~guzel``), the truncation stem that
works well for Turkish retrieval (Can et al., 2008), so "güzeldi", "güzelmiş" share evidence.
"""

from __future__ import annotations

import logging
import math
import re
from functools import cache
from importlib import resources
from operator import itemgetter

import numpy as np

from nlp.resources import stopwords
from nlp.text import ELONGATED_RE, fold_tr

log = logging.getLogger(__name__)

_URL = re.compile(r"(?:https?://|www\.)\S+")
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_DIGITS = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")
_ASCII_ELONGATED = re.compile(r"([a-z])\1\1")
_EN_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|0|[!?]|[^\w\s'.,;:\"()\-]")
_TR_TOKEN = re.compile(r"[a-z]+|0|[!?]|[^\w\s'.,;:\"()\-]")
_CLAUSE_END = frozenset("!?.,;:")
EN_NEGATORS = frozenset(
    {"not", "no", "never", "nothing", "nobody", "none", "nor", "cannot", "without", "neither", "nowhere"}
)
_NEG_SCOPE = 4
# verbal negation right after a stem (gel-me-di, beğen-mi-yor, al-ma-yın) in folded Turkish
_TR_NEG = re.compile(r"^\w{2,}?(?:m[ae](?:d[iu]|z|m|y|s[iu]n)|m[iu]yor|m[ae]m[iu]s)")
TR_NEGATORS = frozenset({"degil", "degildi", "degilim", "degiliz", "yok", "yoktu", "hic", "asla"})
TR_PREFIX = 5


def _base(text: str, elongated: re.Pattern[str] = ELONGATED_RE) -> str:
    if "http" in text or "www." in text:
        text = _URL.sub(" url ", text)
    if "@" in text:
        text = _HANDLE.sub(" @user ", text)
    if _DIGIT.search(text):
        text = _DIGITS.sub("0", text)
    if elongated.search(text):
        text = ELONGATED_RE.sub(r"\1\1", text)
    return text


def en_tokens(text: str) -> list[str]:
    """Normalised English tokens: lower case, URLs/handles/numbers replaced, letter runs squeezed to 2."""
    low = text.lower().replace("\u2019", "'")
    # only ASCII letters make tokens, so only their runs need squeezing (a third of the regex's time)
    return _EN_TOKEN.findall(_base(low, _ASCII_ELONGATED))


def tr_tokens(text: str) -> list[str]:
    """Normalised Turkish tokens: Turkish lower case folded to ASCII, URLs/handles/numbers replaced."""
    return _TR_TOKEN.findall(fold_tr(_base(text)))


def _bigrams(toks: list[str]) -> list[str]:
    return list(map(" ".join, zip(toks, toks[1:], strict=False)))


def en_parts(text: str) -> tuple[list[str], list[str]]:
    """Unigram features of an English text (words in a negation scope marked ``not_``) and the tokens
    its bigrams are made of."""
    toks = en_tokens(text)
    if EN_NEGATORS.isdisjoint(toks) and not any("n't" in t for t in toks):
        return toks, toks  # no negation scope
    feats = []
    scope = 0
    for tok in toks:
        if tok in _CLAUSE_END:
            scope = 0
            feats.append(tok)
            continue
        if scope:
            feats.append("not_" + tok)
            scope -= 1
        else:
            feats.append(tok)
        if tok in EN_NEGATORS or tok.endswith("n't"):
            scope = _NEG_SCOPE
    return feats, toks


def tr_parts(text: str) -> tuple[list[str], list[str]]:
    """Unigram features of a Turkish text (words, 5-letter stems, negation markers) and its tokens."""
    toks = tr_tokens(text)
    feats = list(toks)
    for i, tok in enumerate(toks):
        if len(tok) > TR_PREFIX:
            feats.append("~" + tok[:TR_PREFIX])
        if _TR_NEG.match(tok) or tok in TR_NEGATORS:
            feats.append("<neg>")
            if i:
                feats.append("not_" + toks[i - 1][:TR_PREFIX])
    return feats, toks


def en_features(text: str) -> list[str]:
    """Feature names of an English text (unigrams with negation scope, bigrams)."""
    unigrams, toks = en_parts(text)
    return unigrams + _bigrams(toks)


def tr_features(text: str) -> list[str]:
    """Feature names of a Turkish text (unigrams, 5-letter stems, bigrams, negation markers)."""
    unigrams, toks = tr_parts(text)
    return unigrams + _bigrams(toks)


FEATURES = {"en": en_features, "tr": tr_features}
# what inference reads: the bigrams are looked up pair by pair (LinearModel.predict_parts)
PARTS = {"en": en_parts, "tr": tr_parts}


class LinearModel:
    """A multinomial (or binary) logistic regression over named features, from a compact ``.npz`` file.

    File arrays: ``features`` (names), ``weights`` (features x classes, float16), ``bias``, ``classes``,
    ``params`` (blend weight and neutral band, see nlp.sentiment), ``rules_weight`` (weight row of the
    dense ``=rules`` feature). Inference sums a few dozen weights per text in plain Python.
    """

    def __init__(
        self,
        features: list[str],
        weights: np.ndarray,
        bias: np.ndarray,
        classes: list[str],
        rules_weight: np.ndarray,
        params: dict[str, float],
    ) -> None:
        self.index = {f: i for i, f in enumerate(features)}
        # float16 is what the file stores; every such weight is a whole number of 2**-24 (see _pack)
        self.weights = np.asarray(weights, dtype=np.float16).astype(np.float32)
        self.bias = [float(b) for b in np.ravel(bias)]
        self.classes = list(classes)
        self.rules_weight = [float(w) for w in np.ravel(rules_weight)]
        self.params = dict(params)
        self.columns = [self.weights[:, k].tolist() for k in range(self.weights.shape[1])]
        if len(self.classes) == 2:  # binary: one column, the positive class's logit
            self.polarity = self.columns[0]
        else:
            pos, neg = self.classes.index("positive"), self.classes.index("negative")
            self.polarity = (self.weights[:, pos] - self.weights[:, neg]).tolist()
        # what a feature shows as a driver (None: placeholders, stop words, stems, punctuation)
        self.shown = [_shown(f) for f in features]
        # one lookup per feature: (packed class weights, driver); the class weights live in one int
        # (see _pack), so a text's logits are one C-level sum over a few dozen ints instead of a
        # float object per class and feature (the table is probed cold: fewer objects, fewer cache
        # misses; see benchmarks/README.md); the driver (|polarity|, polarity, shown) or None sorts
        # by strength as it is
        self.rows = {
            f: (packed, (abs(pol), pol, shown) if shown is not None else None)
            for f, packed, pol, shown in zip(
                features, _pack(self.weights), self.polarity, self.shown, strict=True
            )
        }
        # one probe per token at inference: word -> (its row or None, {second word: bigram row} or None)
        followers: dict[str, dict[str, tuple]] = {}
        for f, row in self.rows.items():
            first, space, second = f.partition(" ")
            if space:
                followers.setdefault(first, {})[second] = row
        self.entries = {f: (row, followers.get(f)) for f, row in self.rows.items() if " " not in f}
        self.entries.update((f, (None, after)) for f, after in followers.items() if f not in self.entries)
        self._probs = self._make_probs()

    @classmethod
    def load(cls, path) -> LinearModel:
        """Read a model saved by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            names = [str(x) for x in data["params_names"]]
            params = dict(zip(names, (float(v) for v in data["params"]), strict=True))
            return cls(
                [str(f) for f in data["features"]],
                data["weights"],
                data["bias"],
                [str(c) for c in data["classes"]],
                data["rules_weight"],
                params,
            )

    def save(self, path, features: list[str]) -> None:
        """Write the compact weight file (float16 weights, compressed)."""
        names = sorted(self.params)
        np.savez_compressed(
            path,
            features=np.array(features),
            weights=self.weights.astype(np.float16),
            bias=np.array(self.bias),
            classes=np.array(self.classes),
            rules_weight=np.array(self.rules_weight),
            params=np.array([self.params[n] for n in names], dtype=np.float64),
            params_names=np.array(names),
        )

    def predict(self, feats: list[str], rules: float) -> tuple[dict[str, float], list[tuple]]:
        """Class probabilities and the rows ``(class weights..., driver)`` of the features present
        (each feature counted once)."""
        get = self.rows.get
        return self._probs([r for r in map(get, dict.fromkeys(feats)) if r is not None], rules)

    def predict_parts(
        self, unigrams: list[str], tokens: list[str], rules: float
    ) -> tuple[dict[str, float], list[tuple]]:
        """:meth:`predict` of ``unigrams`` plus the bigrams of ``tokens`` (``*_parts`` output), the same
        result without building bigram strings: one dict probe per token gives the word's row and
        the rows of the bigrams it starts (a small dict); ``unigrams is tokens`` reads both at once."""
        entries = self.entries.get
        aligned = unigrams is tokens
        uni: dict[str, tuple] = {}  # a repeated feature counts once, in its first place
        bi: dict[int, tuple] = {}  # keyed by row identity
        after = None
        for tok in tokens:
            if after is not None:
                r = after.get(tok)
                if r is not None:
                    bi[id(r)] = r
            entry = entries(tok)
            if entry is None:
                after = None
                continue
            row, after = entry
            if aligned and row is not None:
                uni[tok] = row
        if not aligned:
            get = self.rows.get
            uni = {id(r): r for r in map(get, unigrams) if r is not None}
        return self._probs([*uni.values(), *bi.values()], rules)

    def _make_probs(self):
        """The logits-to-probabilities step, unrolled for this model's one or three classes (the same
        arithmetic in the same order as a loop over classes, so the same floats)."""
        first = itemgetter(0)
        scale, shift, mask, offset, exp = _SCALE, _SHIFT, _MASK, _OFFSET, math.exp
        if len(self.classes) == 2:
            (b0,), (r0,) = self.bias, self.rules_weight
            c0, c1 = self.classes

            def binary(hits: list[tuple], rules: float) -> tuple[dict[str, float], list[tuple]]:
                if hits:
                    logit = b0 + r0 * rules + (sum(map(first, hits)) - len(hits) * offset) / scale
                else:
                    logit = b0 + r0 * rules
                p = 1.0 / (1.0 + exp(-max(-60.0, min(60.0, logit))))
                return {c0: p, c1: 1.0 - p}, hits

            return binary
        if len(self.classes) != 3:
            raise ValueError("a model has two classes (one logit) or three")
        b0, b1, b2 = self.bias
        r0, r1, r2 = self.rules_weight
        c0, c1, c2 = self.classes
        shift2 = 2 * shift

        def three(hits: list[tuple], rules: float) -> tuple[dict[str, float], list[tuple]]:
            if hits:  # one sum of packed ints, then each class's field (exactly the float sums: _pack)
                total = sum(map(first, hits))
                off = len(hits) * offset
                l0 = b0 + r0 * rules + ((total & mask) - off) / scale
                l1 = b1 + r1 * rules + (((total >> shift) & mask) - off) / scale
                l2 = b2 + r2 * rules + ((total >> shift2) - off) / scale
            else:
                l0, l1, l2 = b0 + r0 * rules, b1 + r1 * rules, b2 + r2 * rules
            top = max(l0, l1, l2)
            e0, e1, e2 = exp(l0 - top), exp(l1 - top), exp(l2 - top)
            norm = e0 + e1 + e2
            return {c0: e0 / norm, c1: e1 / norm, c2: e2 / norm}, hits

        return three


# Packed class weights: a float16 weight is a whole number of 2**-24 (its smallest step), below 2**40
# in size, so weight * 2**24 is an exact int; each class gets a 64-bit field holding it plus an offset
# (kept non-negative), and a sum of packed rows sums every field at once without carries while fewer
# than 2**19 rows are added. Sums of such weights are exact in float64 too, so the logits equal the
# plain float sums bit for bit (tests/nlp/test_nlp_sentiment_en.py checks it against numpy).
_SCALE = float(2**24)
_SHIFT = 64
_OFFSET = 1 << 44
_MASK = (1 << _SHIFT) - 1


def _pack(weights: np.ndarray) -> list[int]:
    """Each row of float16-valued ``weights`` as one int: class k's weight * 2**24 + _OFFSET in bits
    64k..64k+63."""
    units = weights.astype(np.float64) * _SCALE
    if not (np.all(units == np.round(units)) and np.all(np.abs(units) < _OFFSET)):
        raise ValueError("weights must be float16 values")
    columns = [(units[:, k].astype(np.int64) + _OFFSET).tolist() for k in range(units.shape[1])]
    packed = columns[0]
    for k, column in enumerate(columns[1:], start=1):
        packed = [p | (c << (_SHIFT * k)) for p, c in zip(packed, column, strict=True)]
    return packed


def _shown(feature: str) -> str | None:
    if feature.startswith(("=", "<", "~")):
        return None
    shown = "not " + feature[4:] if feature.startswith("not_") else feature
    return shown if _telling(shown) else None


@cache
def model(language: str) -> LinearModel | None:
    """The packaged model for ``language`` (``en`` or ``tr``), loaded once; None when absent."""
    ref = resources.files("nlp").joinpath("data", f"sentiment_{language}.npz")
    if not ref.is_file():
        log.warning("no trained sentiment model for %s; rules only", language)
        return None
    with resources.as_file(ref) as path:
        return LinearModel.load(path)


_SKIP = frozenset({"url", "@user", "0"})
_PUNCT = frozenset("!?$%&*+/<=>@#^_`|~[]{}")


def _telling(feature: str) -> bool:
    """A feature worth showing as a driver: some word in it is neither a stop word nor a placeholder
    (emoji and emoticons count as words; digits and punctuation do not)."""
    stop = stopwords()
    for word in feature.split():
        if word in _SKIP or word in stop or word.replace("not", "") == "":
            continue
        if all(ch in _PUNCT or ch.isdigit() for ch in word):
            continue
        return True
    return False
