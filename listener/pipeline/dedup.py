"""Near-duplicate clustering of mentions: reposts, quote-copies and syndicated news (docs/queries.md).

Two mentions are near-duplicates when the Jaccard similarity of the sets of word 3-shingles of
their normalised texts is at least ``threshold`` (0.8 by default), as estimated by MinHash with
``num_perm`` permutations; candidates come from LSH banding and are then checked against the
threshold. Texts with fewer than ``MIN_TOKENS`` words after normalisation are duplicates only of an
identical normalised text.

The index remembers a bounded window: at most ``max_items`` mentions, none older than ``max_age``
relative to the newest ``at`` seen. Pure and in-memory; one index per process (or per brand), not
thread-safe.

Why 3-shingles and 0.8: a retweet or syndicated copy shares nearly all shingles (≥ 0.9 after
normalisation), whereas two people complaining about the same thing rarely share 3 consecutive
words beyond the brand name (< 0.3). With 64 permutations the estimate has a standard error of
about 0.05 at 0.8, so pairs at ≥ 0.9 are clustered, pairs at ≤ 0.65 are not, in between it varies.
"""

from __future__ import annotations

import re
import zlib
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np

from listener.pipeline.query.text import fold

__all__ = ["MIN_TOKENS", "NearDuplicateIndex", "normalise_for_dedup", "shingle_jaccard", "shingles"]

MIN_TOKENS = 5
SHINGLE = 3

_URL = re.compile(r"(?:https?://|www\.)\S+")
_LEADING = re.compile(r"^(?:(?:rt|mt)\b[\s:]*)?(?:@\w+[\s:,]*)+")  # "RT @bob: ", "@a @b " replies
_VIA = re.compile(r"\b(?:via|h/t|by) +@\w+")  # brackets around it go with the punctuation
_SEPARATORS = frozenset("-–—|·")  # "... - Reuters", "... | BBC News"
_SUFFIX_CHARS = 40
_WORD = re.compile(r"[^\W_]+")
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_SHIFT = np.uint64(61)


def normalise_for_dedup(text: str) -> str:
    """Fold and strip what differs between copies of one text: URLs, a leading ``RT @x:`` or
    ``@x @y`` reply block, ``via @x``, a trailing ``- Source`` / ``| Source`` suffix (texts over 80
    characters), a trailing block of #hashtags, punctuation and extra whitespace."""
    s = _URL.sub(" ", fold(text))
    if "@" in s:
        s = _VIA.sub(" ", _LEADING.sub("", s.lstrip()))
    words = s.split()
    _drop_trailing_tags(words)
    if sum(map(len, words)) + len(words) > 80:
        # the last separator among the final words, with at most _SUFFIX_CHARS after it
        tail = 0
        for i in range(len(words) - 1, 0, -1):
            if words[i] in _SEPARATORS:
                del words[i:]
                _drop_trailing_tags(words)
                break
            tail += len(words[i]) + 1
            if tail > _SUFFIX_CHARS:
                break
    return " ".join(_WORD.findall(" ".join(words)))


def _drop_trailing_tags(words: list[str]) -> None:
    """Remove trailing #hashtags and punctuation-only words, in place."""
    while words and (words[-1][0] == "#" or not _WORD.search(words[-1])):
        words.pop()


def shingles(normalised: str, size: int = SHINGLE) -> set[str]:
    words = normalised.split()
    if len(words) < size:
        return {normalised} if normalised else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def shingle_jaccard(a: str, b: str) -> float:
    """Exact Jaccard similarity of the word 3-shingles of two texts (after normalisation)."""
    sa, sb = shingles(normalise_for_dedup(a)), shingles(normalise_for_dedup(b))
    return len(sa & sb) / len(sa | sb) if sa or sb else 1.0


@lru_cache(maxsize=32)
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """LSH bands x rows: the fewest bands for which a pair exactly at the threshold becomes a
    candidate with probability >= 0.95 (candidates are then checked against the threshold, so an
    extra candidate costs one comparison while a missed one is a missed duplicate)."""
    for b in range(1, num_perm + 1):
        r = num_perm // b
        if 1 - (1 - threshold**r) ** b >= 0.95:
            return b, r
    return num_perm, 1


class NearDuplicateIndex:
    """A bounded window of recent mentions; :meth:`add` returns the cluster root a text duplicates."""

    def __init__(
        self,
        *,
        threshold: float = 0.8,
        num_perm: int = 64,
        max_items: int = 50_000,
        max_age: timedelta = timedelta(days=3),
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if num_perm < 8 or max_items < 1:
            raise ValueError("num_perm must be >= 8 and max_items >= 1")
        self.threshold, self.num_perm, self.max_items, self.max_age = threshold, num_perm, max_items, max_age
        self.bands, self.rows = _bands(threshold, num_perm)
        rng = np.random.RandomState(1)  # fixed: signatures are comparable across index instances
        self._a = rng.randint(1, int(_MERSENNE), size=num_perm, dtype=np.uint64)
        self._b = rng.randint(0, int(_MERSENNE), size=num_perm, dtype=np.uint64)
        # serial -> (key, root, at, exact hash, signature bytes or None), oldest first
        self._items: OrderedDict[int, tuple[Hashable, Hashable, datetime, int, bytes | None]] = OrderedDict()
        self._exact: dict[int, int] = {}  # hash of normalised text -> latest serial
        self._tables: list[dict[int, int | list[int]]] = [{} for _ in range(self.bands)]
        self._serial = 0
        self._newest: datetime | None = None

    def __len__(self) -> int:
        return len(self._items)

    def signature(self, normalised: str) -> np.ndarray:
        """MinHash signature (uint32[num_perm]) of the text's word 3-shingles."""
        grams = shingles(normalised)
        hv = np.fromiter(map(zlib.crc32, map(str.encode, grams)), dtype=np.uint64, count=len(grams))
        mixed = (hv[:, None] * self._a + self._b) % _MERSENNE & _MAX_HASH
        return mixed.min(axis=0).astype(np.uint32)

    def signatures(self, normalised: Sequence[str]) -> np.ndarray:
        """:meth:`signature` of many texts at once (uint32[len, num_perm]), each with at least one
        shingle: one hash-and-mix over all their shingles and one ``minimum.reduceat``, not a few
        small NumPy calls per text (the same values)."""
        grams = [shingles(n) for n in normalised]
        sizes = np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))
        flat = [g for gs in grams for g in gs]
        hv = np.fromiter(map(zlib.crc32, map(str.encode, flat)), dtype=np.uint64, count=len(flat))
        # one row per permutation (each row's segments are contiguous for reduceat), and x mod
        # 2**61 - 1 as (x & M) + (x >> 61), less M once if still >= M: no 64-bit division
        mixed = self._a[:, None] * hv[None, :]
        mixed += self._b[:, None]
        low = mixed & _MERSENNE
        mixed >>= _SHIFT
        low += mixed
        low -= _MERSENNE * (low >= _MERSENNE)
        low &= _MAX_HASH
        starts = np.zeros(len(grams), dtype=np.int64)
        np.cumsum(sizes[:-1], out=starts[1:])
        return np.minimum.reduceat(low, starts, axis=1).T.astype(np.uint32)

    def _band_keys(self, sig: bytes) -> list[int]:
        width = self.rows * 4
        return [hash(sig[i * width : (i + 1) * width]) for i in range(self.bands)]

    def add(self, key: Hashable, text: str, at: datetime) -> Hashable | None:
        """Remember ``text``; return the root key of the earlier mention it duplicates, else None."""
        norm = normalise_for_dedup(text)
        sig = self.signature(norm) if norm.count(" ") + 1 >= MIN_TOKENS else None
        return self._add(key, norm, sig, at)

    def add_many(self, items: Sequence[tuple[Hashable, str, datetime]]) -> list[Hashable | None]:
        """:meth:`add` each ``(key, text, at)`` in order; the same roots as one call each, with the
        texts normalised and their signatures computed together first (:meth:`signatures`)."""
        norms = [normalise_for_dedup(text) for _, text, _ in items]
        long = [i for i, n in enumerate(norms) if n.count(" ") + 1 >= MIN_TOKENS]
        sigs: list[np.ndarray | None] = [None] * len(items)
        if long:
            for i, sig in zip(long, self.signatures([norms[i] for i in long]), strict=True):
                sigs[i] = sig
        return [
            self._add(key, norm, sig, at) for (key, _, at), norm, sig in zip(items, norms, sigs, strict=True)
        ]

    def _add(self, key: Hashable, norm: str, sig_arr: np.ndarray | None, at: datetime) -> Hashable | None:
        if self._newest is None or at > self._newest:
            self._newest = at
        self._expire()
        exact = hash(norm)
        cutoff = self._newest - self.max_age
        root: Hashable | None = None
        serial = self._exact.get(exact)
        if serial is not None and norm:
            _, root, seen_at, _, _ = self._items[serial]
            if seen_at < cutoff:
                root = None
        sig: bytes | None = None
        if sig_arr is not None:
            sig = sig_arr.tobytes()
            band_keys = self._band_keys(sig)
            if root is None:
                root = self._best_candidate(sig_arr, band_keys, cutoff)
        self._serial += 1
        self._items[self._serial] = (key, key if root is None else root, at, exact, sig)
        self._exact[exact] = self._serial
        if sig is not None:
            for table, bk in zip(self._tables, band_keys, strict=True):
                held = table.get(bk)
                if held is None:
                    table[bk] = self._serial
                elif isinstance(held, int):
                    table[bk] = [held, self._serial]
                else:
                    held.append(self._serial)
        return root

    def _best_candidate(self, sig: np.ndarray, band_keys: list[int], cutoff: datetime) -> Hashable | None:
        seen: set[int] = set()
        for table, bk in zip(self._tables, band_keys, strict=True):
            held = table.get(bk)
            if held is not None:
                seen.update((held,) if isinstance(held, int) else held)
        best, best_sim = None, -1.0
        for serial in sorted(seen):  # oldest first: ties go to the earliest mention
            _, root, seen_at, _, other = self._items[serial]
            if other is None or seen_at < cutoff:
                continue
            sim = float(np.count_nonzero(np.frombuffer(other, dtype=np.uint32) == sig)) / self.num_perm
            if sim >= self.threshold and sim > best_sim:
                best, best_sim = root, sim
        return best

    def _expire(self) -> None:
        items = self._items
        cutoff = self._newest - self.max_age if self._newest is not None else None
        while items:
            serial, (_, _, at, exact, sig) = next(iter(items.items()))
            if len(items) < self.max_items and (cutoff is None or at >= cutoff):
                break
            del items[serial]
            if self._exact.get(exact) == serial:
                del self._exact[exact]
            if sig is not None:
                for table, bk in zip(self._tables, self._band_keys(sig), strict=True):
                    held = table[bk]
                    if isinstance(held, int):
                        del table[bk]
                    else:
                        held.remove(serial)
                        if len(held) == 1:
                            table[bk] = held[0]
