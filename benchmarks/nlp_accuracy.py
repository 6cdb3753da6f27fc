"""Accuracy of the NLP pipeline beside raw VADER: real held-out data first, then the team's sets.

    .venv/bin/python benchmarks/nlp_accuracy.py [--part heldout|dev] [--data tests/nlp/data]

Real data (``../shared/data/sentiment``, split by tools/sentiment_data.py; the models are trained on
``train`` and calibrated on ``dev``, never on ``heldout``), each figure beside raw VADER (compound,
label at +-0.05) and beside our rules alone (the scorer the model takes as input), in the same run:
- English tweets (SemEval 2013-2016): macro-averaged recall over 3 classes (the SemEval-2017 measure),
  macro-F1, accuracy, Pearson r of the score with the label (-1/0/1); the same on a complaint-style
  subset (tweets that address an @account and name a service word: order, flight, refund ...);
- Turkish tweets and movie reviews (P/N): accuracy (neutral counts as wrong) and share of score 0.

Team sets (tab-separated, ``#`` comments):
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
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlp import NlpInput, Pipeline  # noqa: E402
from nlp.base import label_for  # noqa: E402
from nlp.resources import vader  # noqa: E402

CLASSES = ("positive", "negative", "neutral")
SYSTEMS = ("ours", "vader", "rules")


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


_SERVICE = re.compile(
    r"\b(?:order|orders|delivery|deliver|flight|flights|refund|service|support|customer|account|app|bill"
    r"|charged|package|shipping|store|staff|booking|ticket|wifi|internet|phone|battery|update)\b",
    re.IGNORECASE,
)


def _three(gold: list[str], pred: list[str], scores: list[float]) -> dict[str, float]:
    value = {"positive": 1.0, "neutral": 0.0, "negative": -1.0}
    return {
        "n": len(gold),
        "recall": macro_recall(gold, pred),
        "f1": macro_f1(gold, pred),
        "acc": accuracy(gold, pred),
        "r": pearson(scores, [value[g] for g in gold]),
    }


def macro_recall(gold: list[str], pred: list[str]) -> float:
    """Macro-averaged recall over positive / negative / neutral (SemEval-2017 Task 4A's measure)."""
    recalls = []
    for c in CLASSES:
        n = sum(1 for g in gold if g == c)
        recalls.append(sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p == c) / n if n else 0.0)
    return sum(recalls) / len(recalls)


def evaluate_real(part: str = "heldout", pipeline: Pipeline | None = None) -> dict[str, dict[str, float]]:
    """Figures on the shared real data: ``{"en_tweets"|"en_complaint_style"|"tr_tweets"|"tr_reviews":
    {"<system>_<metric>": value}}`` for systems ours / vader / rules."""
    from nlp.sentiment import rules_score
    from tools import sentiment_data

    pipe = pipeline or Pipeline()
    sia = vader()
    out: dict[str, dict[str, float]] = {}
    rows = sentiment_data.english()[part]
    gold = [g for _, g in rows]
    ours = [r.sentiment for r in pipe.run(NlpInput(t, language="en") for t, _ in rows)]
    raw = [sia.polarity_scores(t)["compound"] for t, _ in rows]
    rules = [rules_score(t, "en")[0] for t, _ in rows]
    systems = {
        "ours": ([s.label for s in ours], [s.score or 0.0 for s in ours]),
        "vader": ([label_for(x) for x in raw], raw),
        "rules": ([label_for(x) for x in rules], rules),
    }
    complaint = [i for i, (t, _) in enumerate(rows) if "@" in t and _SERVICE.search(t)]
    for name, subset in (("en_tweets", range(len(rows))), ("en_complaint_style", complaint)):
        figures: dict[str, float] = {}
        for system, (labels, scores) in systems.items():
            sub = _three([gold[i] for i in subset], [labels[i] for i in subset], [scores[i] for i in subset])
            figures.update({f"{system}_{k}": v for k, v in sub.items() if k != "n"})
            figures["n"] = sub["n"]
        out[name] = figures
    data = sentiment_data.turkish()
    for name in ("tweets", "reviews"):
        rows = data[name][part]
        gold = [g for _, g in rows]
        ours = [r.sentiment for r in pipe.run(NlpInput(t, language="tr") for t, _ in rows)]
        raw = [sia.polarity_scores(t)["compound"] for t, _ in rows]
        rules = [rules_score(t, "tr")[0] for t, _ in rows]
        out[f"tr_{name}"] = {
            "n": len(rows),
            "ours_acc": accuracy(gold, [s.label for s in ours]),
            "ours_zero": sum(1 for s in ours if not s.score) / len(rows),
            "vader_acc": accuracy(gold, [label_for(x) for x in raw]),
            "vader_zero": sum(1 for x in raw if not x) / len(rows),
            "rules_acc": accuracy(gold, [label_for(x) for x in rules]),
            "rules_zero": sum(1 for x in rules if not round(x, 4)) / len(rows),
        }
    return out


def evaluate(data: Path, pipeline: Pipeline | None = None) -> dict[str, dict[str, float]]:
    """Figures on the team's sets as ``{set: {metric: value}}``; used by the tests as regression guards."""
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
            "ours_polar_acc": accuracy(
                [g for g in gold if g != "neutral"],
                [p for g, p in zip(gold, pred, strict=True) if g != "neutral"],
            ),
            "detected_lang": sum(1 for r in results if r.language == language) / len(results),
        }
    return out


def main() -> None:
    """Print the figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent / "tests/nlp/data")
    ap.add_argument("--part", choices=["heldout", "dev"], default="heldout", help="part of the real data")
    args = ap.parse_args()
    pipe = Pipeline()
    from tools import sentiment_data

    if sentiment_data.available():
        real = evaluate_real(args.part, pipe)
        print(f"Real data, {args.part} part (ours | raw VADER | our rules alone):")
        for name in ("en_tweets", "en_complaint_style"):
            r = real[name]
            print(
                f"  {name:18s} (n={r['n']:.0f}) macro recall "
                + " | ".join(f"{r[s + '_recall']:.3f}" for s in SYSTEMS)
                + "  macro-F1 "
                + " | ".join(f"{r[s + '_f1']:.3f}" for s in SYSTEMS)
                + "  acc "
                + " | ".join(f"{r[s + '_acc']:.3f}" for s in SYSTEMS)
                + "  r "
                + " | ".join(f"{r[s + '_r']:.3f}" for s in SYSTEMS)
            )
        for name in ("tr_tweets", "tr_reviews"):
            r = real[name]
            print(
                f"  {name:18s} (n={r['n']:.0f}) accuracy "
                + " | ".join(f"{r[s + '_acc']:.3f}" for s in SYSTEMS)
                + "  score 0 "
                + " | ".join(f"{r[s + '_zero']:.1%}" for s in SYSTEMS)
            )
    else:
        print(f"(shared real data not found at {sentiment_data.DATA}: real-data figures skipped)")
    res = evaluate(args.data, pipe)
    print("Team sets (tests/nlp/data):")
    g = res["en_general"]
    print(
        f"  EN general    (n={g['n']:.0f}) Pearson r vs human rating: "
        f"ours {g['ours_r']:.3f}  raw VADER {g['vader_r']:.3f}"
    )
    for name in ("en_complaints", "tr_labelled", "tr_heldout"):
        r = res[name]
        print(
            f"  {name:13s} (n={r['n']:.0f}) accuracy: ours {r['ours_acc']:.3f}  "
            f"raw VADER {r['vader_acc']:.3f} | "
            f"macro-F1: ours {r['ours_f1']:.3f}  raw VADER {r['vader_f1']:.3f} | scored {r['scored']:.0%}"
        )


if __name__ == "__main__":
    main()
