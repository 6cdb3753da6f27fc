"""The shared real sentiment data (``../shared/data/sentiment``) split into train / dev / held-out.

Used by ``tools/train_sentiment.py`` (trains on ``train``, fits the blend and neutral band on ``dev``)
and ``benchmarks/nlp_accuracy.py`` (reports on ``heldout``, which nothing is trained or tuned on).
The split is a fixed function of each text (CRC32 of the normalised text with a fixed salt), so it is
the same on every machine and in every run, and duplicates of one text always land in the same part.

English: SemEval 2013-2016 Task 4 subtask A tweets (positive / neutral / negative), duplicates removed.
Turkish: tweets and movie reviews (P / N); the held-out and dev parts are tweets and reviews alike,
reported separately because the acceptance set is tweets.
"""

from __future__ import annotations

import csv
import re
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "sentiment"
SALT = b"listener-sentiment-split-1"
HELDOUT_SHARE = 0.10
DEV_SHARE = 0.10
TR_TWEET_HELDOUT = 0.20  # the Turkish tweets are few: a larger share keeps the figure meaningful
TR_TWEET_DEV = 0.15
LABELS = {
    "positive": "positive",
    "negative": "negative",
    "neutral": "neutral",
    "P": "positive",
    "N": "negative",
}
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def available() -> bool:
    """True when the shared data folder is there."""
    return (DATA / "en-semeval").is_dir() and (DATA / "tr").is_dir()


def part(text: str, heldout: float, dev: float) -> str:
    """``heldout``, ``dev`` or ``train`` for a text (stable across runs and machines)."""
    key = " ".join(text.lower().split()).encode("utf-8")
    u = zlib.crc32(SALT + key) / 2**32
    if u < heldout:
        return "heldout"
    if u < heldout + dev:
        return "dev"
    return "train"


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "\\u" in text else text


def english() -> dict[str, list[tuple[str, str]]]:
    """``{part: [(text, label)]}`` of the SemEval tweets (first label wins for duplicated texts)."""
    seen: set[str] = set()
    out: dict[str, list[tuple[str, str]]] = {"train": [], "dev": [], "heldout": []}
    for path in sorted((DATA / "en-semeval").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) < 3 or fields[1] not in LABELS:
                continue
            text = _unescape("\t".join(fields[2:])).strip()
            key = " ".join(text.lower().split())
            if not text or key in seen or text == "Not Available":
                continue
            seen.add(key)
            out[part(text, HELDOUT_SHARE, DEV_SHARE)].append((text, LABELS[fields[1]]))
    return out


def turkish() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """``{"tweets"|"reviews": {part: [(text, label)]}}`` of the Turkish data."""
    out: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for name, filename, shares in (
        ("tweets", "twitter_train.csv", (TR_TWEET_HELDOUT, TR_TWEET_DEV)),
        ("reviews", "movie_reviews.csv", (HELDOUT_SHARE, DEV_SHARE)),
    ):
        parts: dict[str, list[tuple[str, str]]] = {"train": [], "dev": [], "heldout": []}
        seen: set[str] = set()
        with open(DATA / "tr" / filename, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                text = (row.get("Text") or "").strip()
                label = LABELS.get((row.get("Sentiment") or "").strip())
                key = " ".join(text.lower().split())
                if not text or label is None or key in seen:
                    continue
                seen.add(key)
                parts[part(text, *shares)].append((text, label))
        out[name] = parts
    return out
