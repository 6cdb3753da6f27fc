"""Accuracy of the NLP pipeline against raw VADER on the team's labelled sets.

    .venv/bin/python benchmarks/nlp_accuracy.py [--data tests/nlp/data]

Sets (tab-separated, ``#`` comments):
- ``en_general.tsv``    rating (-4..4) and text: Pearson correlation of the score with the rating;
- ``en_complaints.tsv`` label and text: 3-class accuracy and macro-F1 (complaints without negative
  words, praise, neutral questions/news);
- ``tr_labelled.tsv``   label and text: accuracy, macro-F1 and share scored. Raw VADER is run on
  the Turkish text as a reference only (it has no Turkish lexicon);
- ``tr_heldout.tsv``    60 Turkish posts written after the rules were tuned (generalisation check).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlp import NlpInput, Pipeline  # noqa: E402
from nlp.base import label_for  # noqa: E402
from nlp.resources import vader  # noqa: E402

CLASSES = ("positive", "negative", "neutral")


def read_tsv(path: Path) -> list[tuple[str, str]]:
    """``(first column, text)`` rows of a labelled set, comments and blank lines skipped."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            first, text = line.split("\t", 1)
            rows.append((first.strip(), text.strip()))
    return rows


def macro_f1(gold: list[str], pred: list[str]) -> float:
    """Macro-averaged F1 over positive / negative / neutral (unscored counts as a miss)."""
    scores = []
    for c in CLASSES:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p != c)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def accuracy(gold: list[str], pred: list[str]) -> float:
    """Share of exact label matches."""
    return sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / len(gold)


def pearson(xs: list[float], ys: list[float]) -> float:
    """Pearson correlation coefficient."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    vx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    vy = math.sqrt(sum((y - my) ** 2 for y in ys))
    return cov / (vx * vy) if vx and vy else 0.0


def evaluate(data: Path, pipeline: Pipeline | None = None) -> dict[str, dict[str, float]]:
    """All figures as ``{set: {metric: value}}``; used by the tests as regression guards."""
    pipe = pipeline or Pipeline()
    sia = vader()
    out: dict[str, dict[str, float]] = {}

    general = read_tsv(data / "en_general.tsv")
    ratings = [float(r) for r, _ in general]
    ours = [r.sentiment.score or 0.0 for r in pipe.run(NlpInput(t, language="en") for _, t in general)]
    raw = [sia.polarity_scores(t)["compound"] for _, t in general]
    out["en_general"] = {
        "n": len(general),
        "ours_r": pearson(ours, ratings),
        "vader_r": pearson(raw, ratings),
    }

    for name, language in (("en_complaints", "en"), ("tr_labelled", "tr"), ("tr_heldout", "tr")):
        rows = read_tsv(data / f"{name}.tsv")
        gold = [g for g, _ in rows]
        results = list(pipe.run(NlpInput(t) for _, t in rows))  # no hint: language id is part of the test
        pred = [r.sentiment.label for r in results]
        raw_pred = [label_for(sia.polarity_scores(t)["compound"]) for _, t in rows]
        out[name] = {
            "n": len(rows),
            "ours_acc": accuracy(gold, pred),
            "ours_f1": macro_f1(gold, pred),
            "vader_acc": accuracy(gold, raw_pred),
            "vader_f1": macro_f1(gold, raw_pred),
            "scored": sum(1 for p in pred if p != "unscored") / len(pred),
            "detected_lang": sum(1 for r in results if r.language == language) / len(results),
        }
    return out


def main() -> None:
    """Print the figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent / "tests/nlp/data")
    args = ap.parse_args()
    res = evaluate(args.data)
    g = res["en_general"]
    print(
        f"EN general    (n={g['n']:.0f}) Pearson r vs human rating: "
        f"ours {g['ours_r']:.3f}  raw VADER {g['vader_r']:.3f}"
    )
    for name in ("en_complaints", "tr_labelled", "tr_heldout"):
        r = res[name]
        print(
            f"{name:13s} (n={r['n']:.0f}) accuracy: ours {r['ours_acc']:.3f}  "
            f"raw VADER {r['vader_acc']:.3f} | "
            f"macro-F1: ours {r['ours_f1']:.3f}  raw VADER {r['vader_f1']:.3f} | scored {r['scored']:.0%}"
        )


if __name__ == "__main__":
    main()
