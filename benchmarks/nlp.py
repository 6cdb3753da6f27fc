"""Throughput of the whole NLP pipeline beside raw VADER on the same texts, same run.

    .venv/bin/python benchmarks/nlp.py                       # real tweets from ../shared/data/sentiment
    .venv/bin/python benchmarks/nlp.py --generated [--english 100000 --turkish 20000] [--seed 7]
    .venv/bin/python benchmarks/nlp.py --vocab-growth 200000 [--reload-every 50000]
    .venv/bin/python benchmarks/nlp.py --maintainer            # the acceptance measurement, as run by
                                                                # ../shared/tools/perf_listener.sh

The default corpus is real tweets: every English SemEval tweet and every Turkish tweet of the shared
data (about 49,000 + 1,200), repeated ``--repeat`` times for the memory figure over many texts.
``--generated`` uses the reproducible generated corpus below instead (no shared data needed).
Prints texts/s for raw VADER ``polarity_scores`` on every text, for the pipeline (all stages), the
ratio, and peak memory (tracemalloc peak of a pipeline pass over the corpus, and the process's max
RSS). VADER and the pipeline alternate on chunks of the corpus so that machine drift affects both
alike; both are timed by the wall clock and by this process's CPU time (on a machine other jobs share,
the CPU-time ratio is the steadier one; the load average is printed). Target: pipeline >= 0.35x raw
VADER's speed per core. ``--vocab-growth N`` instead measures
spaCy's vocabulary and RSS growth over N texts of new words (run it once per ``--reload-every``).
``--maintainer`` repeats the maintainer's check exactly (``perf_listener.sh``, its "nlp" part): the first
20,000 lines of the SemEval files in file order, read as that script reads them, ``Pipeline().run`` on
``NlpInput(text=t)`` (no language hint) after a 500-text warm-up, best of ``--rounds`` (3) rounds
against a fresh ``SentimentIntensityAnalyzer().polarity_scores``, VADER first in each round.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import string
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlp import NlpInput, Pipeline  # noqa: E402
from nlp.resources import vader  # noqa: E402

EN_SUBJECTS = [
    "my order",
    "the app",
    "customer service",
    "the new update",
    "delivery",
    "my refund",
    "the battery",
    "support",
    "the checkout",
    "this phone",
    "the flight",
    "my package",
    "the staff",
    "their pizza",
]
EN_PRED = [
    "is amazing",
    "is terrible",
    "works great",
    "is SO slow",
    "hasn't arrived",
    "keeps crashing",
    "was fine I guess",
    "is not bad at all",
    "was super helpful",
    "is a total scam",
    "is okay",
    "is really not good",
    "made my day",
    "is BROKEN again",
    "was delivered early",
    "is overpriced",
]
EN_EXTRA = [
    "still waiting for my refund",
    "on hold for 2 hours",
    "charged twice!!",
    "no response to my emails",
    "thanks @{h}",
    "love it 😍",
    "never again 😡",
    ":(",
    ":)",
    "lol",
    "#fail",
    "#{h}love",
    "https://t.co/{n}",
    "wtf",
    "what a joke",
    "10/10 would recommend",
    "DO NOT BUY",
    "meh",
    "",
]
TR_SUBJECTS = [
    "kargom",
    "siparişim",
    "uygulama",
    "müşteri hizmetleri",
    "ürün",
    "paket",
    "iade",
    "kurye",
    "internet",
    "fatura",
    "yemek",
    "kulaklık",
]
TR_PRED = [
    "harika",
    "berbat",
    "hâlâ gelmedi",
    "çok güzeldi",
    "hiç beğenmedim",
    "güzel değil",
    "rezalet",
    "çalışmıyor",
    "sorunsuz geldi",
    "idare eder",
    "tam bir hayal kırıklığı",
    "bayıldım",
    "kötü değil",
    "ÇOK YAVAŞ",
    "beklediğimden iyi",
    "3 gündür bekliyorum",
]
TR_EXTRA = [
    "teşekkürler @{h}",
    "😍",
    "😡",
    "#{h}",
    "https://t.co/{n}",
    "kimse dönmüyor",
    "iade yapılmadı",
    "tavsiye ederim",
    "asla almayın",
    "helal olsun",
    "",
    "!!!",
    "yazıklar olsun",
    ":)",
]
HANDLES = ["acme", "globex", "AcmeHelp", "initech", "umbrella_corp", "hooli", "trendyolyardim", "turkcell"]


def generate(english: int, turkish: int, seed: int = 7) -> list[str]:
    """A reproducible corpus of tweet-like mentions (emoji, hashtags, handles, URLs, negations, caps)."""
    rnd = random.Random(seed)
    out = []
    for lang, count in (("en", english), ("tr", turkish)):
        subjects, preds, extras = (
            (EN_SUBJECTS, EN_PRED, EN_EXTRA) if lang == "en" else (TR_SUBJECTS, TR_PRED, TR_EXTRA)
        )
        for _ in range(count):
            parts = [rnd.choice(subjects), rnd.choice(preds)]
            if rnd.random() < 0.5:
                parts += [
                    rnd.choice(["and", "but", "ve", "ama"]) if lang == "tr" else rnd.choice(["and", "but"]),
                    rnd.choice(subjects),
                    rnd.choice(preds),
                ]
            for _ in range(rnd.randint(0, 3)):
                parts.append(rnd.choice(extras).format(h=rnd.choice(HANDLES), n=rnd.getrandbits(40)))
            text = " ".join(p for p in parts if p)
            if rnd.random() < 0.1:
                text = text.upper()
            out.append(text[0].upper() + text[1:])
    rnd.shuffle(out)
    return out


def real_tweets() -> list[str] | None:
    """English and Turkish tweets of the shared data (all parts), or None when it is absent."""
    from tools import sentiment_data

    if not sentiment_data.available():
        return None
    english = [t for rows in sentiment_data.english().values() for t, _ in rows]
    turkish = [t for rows in sentiment_data.turkish()["tweets"].values() for t, _ in rows]
    texts = english + turkish
    random.Random(7).shuffle(texts)
    return texts


def maintainer_texts(limit: int = 20_000) -> list[str] | None:
    """The texts ``perf_listener.sh`` times: the first ``limit`` SemEval lines in sorted file order, texts
    with ``\\u`` escapes decoded the way that script decodes them (``unicode_escape``)."""
    from tools import sentiment_data

    folder = sentiment_data.DATA / "en-semeval"
    if not folder.is_dir():
        return None
    texts = []
    with warnings.catch_warnings():  # the codec warns about tweets' stray backslashes ("\\m")
        warnings.simplefilter("ignore", DeprecationWarning)
        for path in sorted(folder.glob("*.tsv")):
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    p = line.rstrip("\n").split("\t")
                    if len(p) >= 3:
                        t = p[2]
                        texts.append(t.encode().decode("unicode_escape", "ignore") if "\\u" in t else t)
    return texts[:limit]


def maintainer(rounds: int = 3) -> None:
    """The maintainer's measurement (see the module docstring), printed as the script prints it."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    texts = maintainer_texts()
    if texts is None:
        sys.exit("the shared data is not there")
    pipe = Pipeline()
    list(pipe.run([NlpInput(text=t) for t in texts[:500]]))
    sia = SentimentIntensityAnalyzer()
    best_vader = best_pipe = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        [sia.polarity_scores(t) for t in texts]
        best_vader = min(best_vader, time.perf_counter() - t0)
        t0 = time.perf_counter()
        list(pipe.run([NlpInput(text=t) for t in texts]))
        best_pipe = min(best_pipe, time.perf_counter() - t0)
    n = len(texts)
    print(
        f"texts {n}: raw VADER {n / best_vader:,.0f}/s, pipeline {n / best_pipe:,.0f}/s, "
        f"ratio {best_vader / best_pipe:.2f}x (load average {os.getloadavg()[0]:.1f})"
    )


def vocab_growth(n: int, reload_every: int) -> tuple[int, float]:
    """Strings left in spaCy's vocab and max-RSS growth (MiB) after ``n`` texts with three new words each."""
    rnd = random.Random(1)

    def word() -> str:
        return "".join(rnd.choices(string.ascii_lowercase, k=rnd.randint(5, 9)))

    pipe = Pipeline(reload_every=reload_every)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    texts = (
        NlpInput(f"my order from {word()} arrived, the app {word()} is great {word()}") for _ in range(n)
    )
    for _ in pipe.run(texts):
        pass
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return len(pipe._nlp_en.vocab.strings), grown


def main() -> None:
    """Run the benchmark and print a small report."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--english", type=int, default=100_000)
    ap.add_argument("--turkish", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--generated", action="store_true", help="generated corpus instead of real tweets")
    ap.add_argument("--repeat", type=int, default=10, help="passes over the corpus for the memory figure")
    ap.add_argument("--batch-size", type=int, default=512)
    ap.add_argument("--chunk", type=int, default=5000, help="texts per VADER/pipeline turn")
    ap.add_argument("--vocab-growth", type=int, default=0, metavar="N", help="only: N texts of new words")
    ap.add_argument("--reload-every", type=int, default=50_000)
    ap.add_argument("--maintainer", action="store_true", help="only: the acceptance measurement (see above)")
    ap.add_argument("--rounds", type=int, default=3, help="with --maintainer: best of this many rounds")
    ap.add_argument(
        "--no-memory", dest="memory", action="store_false", help="skip the (slow) tracemalloc pass"
    )
    args = ap.parse_args()
    if args.maintainer:
        maintainer(args.rounds)
        return
    if args.vocab_growth:
        strings, grown = vocab_growth(args.vocab_growth, args.reload_every)
        print(
            f"{args.vocab_growth:,} texts, reload every {args.reload_every:,}: {strings:,} strings in vocab, "
            f"max RSS grew {grown:.0f} MiB"
        )
        return
    texts = None if args.generated else real_tweets()
    if texts is None:
        texts = generate(args.english, args.turkish, args.seed)
        print(f"corpus: {len(texts):,} generated texts ({args.english:,} English, {args.turkish:,} Turkish)")
    else:
        print(f"corpus: {len(texts):,} real tweets (SemEval English + Turkish, shared data)")
    sia = vader()
    pipeline = Pipeline()
    list(pipeline.run([NlpInput("warm up"), NlpInput("ısınma turu harika")]))
    # VADER and the pipeline take turns on the same chunks, so machine drift hits both alike
    # wall clock and this process's CPU time: on a shared machine the CPU time is what one core does
    vader_s = pipe_s = vader_cpu = pipe_cpu = 0.0
    labels: dict[str, int] = {}
    for i in range(0, len(texts), args.chunk):
        chunk = texts[i : i + args.chunk]
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        for text in chunk:
            sia.polarity_scores(text)
        vader_s += time.perf_counter() - t0
        vader_cpu += time.process_time() - c0
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        for result in pipeline.run((NlpInput(t) for t in chunk), batch_size=args.batch_size):
            labels[result.sentiment.label] = labels.get(result.sentiment.label, 0) + 1
        pipe_s += time.perf_counter() - t0
        pipe_cpu += time.process_time() - c0
    n = len(texts)
    print(f"load average at the end    : {os.getloadavg()[0]:.1f} (1 min)")
    print(f"raw VADER polarity_scores  : {n / vader_s:9,.0f} texts/s wall, {n / vader_cpu:9,.0f} per CPU s")
    print(f"pipeline (all stages)      : {n / pipe_s:9,.0f} texts/s wall, {n / pipe_cpu:9,.0f} per CPU s")
    print(
        f"ratio pipeline / VADER     : {vader_s / pipe_s:10.2f}x wall, {vader_cpu / pipe_cpu:10.2f}x CPU "
        "(target >= 0.35x)"
    )
    print(
        f"spaCy reloads: {pipeline.reloads} (every {pipeline.reload_every:,} texts), "
        f"strings in vocab now: {len(pipeline._nlp_en.vocab.strings):,}; labels: {labels}"
    )
    if args.memory:
        gc.collect()
        tracemalloc.start()
        pipe = Pipeline()
        for n in range(args.repeat):
            for _ in pipe.run((NlpInput(t) for t in texts), batch_size=args.batch_size):
                pass
            current, peak = tracemalloc.get_traced_memory()
            print(f"  after {(n + 1) * len(texts):9,} texts: traced memory {current / 2**20:6.1f} MiB")
        tracemalloc.stop()
        print(f"peak traced memory of a fresh pipeline over {args.repeat} passes: {peak / 2**20:.1f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS of the process: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
