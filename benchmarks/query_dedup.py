"""Throughput of brand-query matching and near-duplicate clustering, beside same-run baselines.

    .venv/bin/python benchmarks/query_dedup.py [--mentions 20000] [--repeat 3]

Prints mentions/s for: a plain ``str.lower()`` + ``in`` check of every query's terms (baseline),
``QueryMatcher.match`` with 50 queries, and 50 separate ``CompiledQuery.matches`` calls; then
texts/s and bytes per remembered text for ``NearDuplicateIndex.add``, and for datasketch's
MinHash + MinHashLSH when it is importable (it is not a dependency). One core; the machine drifts
10-25% between runs, so compare only figures printed by one run. Synthetic but tweet-like data.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from listener.pipeline.dedup import (  # noqa: E402
    NearDuplicateIndex,
    normalise_for_dedup,
    shingle_jaccard,
    shingles,
)
from listener.pipeline.query import MatchInput, QueryMatcher, compile_query  # noqa: E402

BRANDS = [
    "acme",
    "globex",
    "initech",
    "umbrella",
    "hooli",
    "vandelay",
    "wonka",
    "stark",
    "wayne",
    "tyrell",
    "cyberdyne",
    "soylent",
    "oscorp",
    "gringotts",
    "monarch",
    "duff",
    "krusty",
    "nakatomi",
    "weyland",
    "aperture",
    "massive",
    "dunder",
    "sterling",
    "piedpiper",
    "veridian",
]
TEMPLATES = (
    '("{b}" OR @{b} OR #{b}) AND NOT (job OR hiring) lang:en',
    '{b} (refund* OR broken OR "customer service") -hiring',
    '"{b}" NEAR/3 (support OR refund*) platform:twitter OR {b} rating:<=2',
    "{b}* AND NOT site:{b}.com",
    "(@{b} OR #{b}) OR ({b} AND (lang:en OR lang:tr))",
)
EXTRA = [
    "refund",
    "refunds",
    "broken",
    "support",
    "customer",
    "service",
    "job",
    "hiring",
    "great",
    "love",
    "hate",
    "slow",
    "app",
    "update",
]


def make_queries() -> list[tuple[tuple[str, str], str]]:
    queries = []
    for i, brand in enumerate(BRANDS):
        queries.append(((brand, "own"), TEMPLATES[i % 5].format(b=brand)))
        rival = BRANDS[(i + 7) % len(BRANDS)]
        queries.append(((brand, "competitor"), TEMPLATES[(i + 2) % 5].format(b=rival)))
    return queries


def make_texts(n: int, rng: random.Random) -> list[str]:
    """Two thirds English-like ASCII texts, one third with Turkish letters (the slower folding path)."""
    ascii_vocab = [
        "".join(rng.choice("abcdefghijklmnoprstuvwyz") for _ in range(rng.randint(2, 9))) for _ in range(3000)
    ] + EXTRA * 20
    turkish_vocab = [
        "".join(rng.choice("abcdefghijklmnoprstuvyzçğışöü") for _ in range(rng.randint(2, 9)))
        for _ in range(3000)
    ] + EXTRA * 20
    texts = []
    for _ in range(n):
        vocab = ascii_vocab if rng.random() < 2 / 3 else turkish_vocab
        words = rng.choices(vocab, k=rng.randint(8, 35))
        if rng.random() < 0.5:
            brand = rng.choice(BRANDS)
            form = rng.choice([brand.capitalize(), "@" + brand, "#" + brand, brand.upper() + "'s", brand])
            words.insert(rng.randrange(len(words)), form)
        if rng.random() < 0.2:
            words.append(f"https://t.co/{rng.randrange(10**8):x}")
        if rng.random() < 0.2:
            words.append("#" + rng.choice(vocab))
        texts.append(" ".join(words).capitalize() + rng.choice([".", "!", "?", ""]))
    return texts


def make_items(texts: list[str], rng: random.Random) -> list[MatchInput]:
    return [
        MatchInput(
            text=t,
            language=rng.choice(["en", "en", "tr", "de"]),
            platform=rng.choice(["twitter", "reddit", "rss", "appstore"]),
            author_handle=rng.choice(BRANDS + ["someone"] * 50),
            url=f"https://www.{rng.choice(BRANDS)}.com/x/{i}",
            kind=rng.choice(["post", "comment", "review", "news"]),
            rating=rng.choice([None, None, 1.0, 2.0, 5.0]),
        )
        for i, t in enumerate(texts)
    ]


def rate(fn: Callable[[], object], n: int, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return n / statistics.median(times)


def dedup_texts(n: int, rng: random.Random) -> list[str]:
    base = make_texts(n, rng)
    out: list[str] = []
    for i, text in enumerate(base):
        r = rng.random()
        if out and r < 0.2:
            out.append(f"RT @{rng.choice(BRANDS)}: {rng.choice(out[-2000:])}")
        elif out and r < 0.3:
            out.append(rng.choice(out[-2000:]) + rng.choice([" - Reuters", " | BBC News", " via @ap"]))
        else:
            out.append(text + f" {i}")
    return out


def bench_dedup(texts: list[str], make_index: Callable[[], object], add: Callable, repeat: int):
    def run() -> object:
        index = make_index()
        t0 = datetime(2026, 11, 1, tzinfo=UTC)
        for i, text in enumerate(texts):
            add(index, i, text, t0 + timedelta(seconds=i))
        return index

    speed = rate(run, len(texts), repeat)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index = run()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del index
    return speed, (after - before) / len(texts)


def datasketch_bench(texts: list[str], repeat: int) -> tuple[float, float] | None:
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        return None

    template = MinHash(num_perm=64)
    perms, scheme = template.permutations, template.scheme

    class Window:  # the same bounded-window behaviour around datasketch's LSH
        def __init__(self) -> None:
            self.lsh = MinHashLSH(threshold=0.8, num_perm=64)
            self.keys: list[int] = []

        def add(self, key: int, text: str, at: datetime) -> object:
            norm = normalise_for_dedup(text)
            m = MinHash(num_perm=64, permutations=perms, scheme=scheme)  # shared: faster than per text
            m.update_batch([s.encode() for s in shingles(norm)])
            found = self.lsh.query(m)
            self.lsh.insert(key, m)
            self.keys.append(key)
            if len(self.keys) > 50_000:
                self.lsh.remove(self.keys.pop(0))
            return min(found) if found else None

    return bench_dedup(texts, Window, lambda idx, k, t, at: idx.add(k, t, at), repeat)


def threshold_curve(pairs: int = 6000) -> None:
    """Share of pairs clustered by exact 3-shingle Jaccard (the table in docs/queries.md)."""
    rng = random.Random(1)
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    found: dict[float, list[bool]] = {}
    for trial in range(pairs):
        n = rng.choice([20, 40, 100])
        words = [f"w{trial}_{i}" for i in range(n)]
        changed = list(words)
        for i in rng.sample(range(n), rng.randint(1, max(1, n // 6))):
            changed[i] = f"x{rng.random()}"
        sim = shingle_jaccard(" ".join(words), " ".join(changed))
        index = NearDuplicateIndex()
        index.add("a", " ".join(words), t0)
        found.setdefault(round(sim * 20) / 20, []).append(index.add("b", " ".join(changed), t0) == "a")
    cells = [f"{sim:.2f}: {sum(v) / len(v):.0%}" for sim, v in sorted(found.items())]
    print("  clustered share by exact Jaccard  " + "  ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    queries = make_queries()
    items = make_items(make_texts(args.mentions, rng), rng)
    n = len(items)

    plain = [(key, [t.lower() for t in compile_query(expr).terms()]) for key, expr in queries]
    matcher = QueryMatcher(queries)
    compiled = [(key, compile_query(expr)) for key, expr in queries]

    def baseline() -> None:
        for item in items:
            low = item.text.lower()
            [key for key, terms in plain if any(t.rstrip("*") in low for t in terms)]

    def with_matcher() -> None:
        for item in items:
            matcher.match(item)

    def one_by_one() -> None:
        for item in items[: n // 10]:
            [key for key, q in compiled if q.matches(item)]

    hits = sum(len(matcher.match(item)) for item in items)
    print(f"query matching: {len(queries)} queries, {n:,} mentions, {hits / n:.2f} matches per mention")
    print(f"  baseline str.lower() + in     {rate(baseline, n, args.repeat):>10,.0f} mentions/s")
    print(f"  QueryMatcher.match            {rate(with_matcher, n, args.repeat):>10,.0f} mentions/s")
    print(f"  50 x CompiledQuery.matches    {rate(one_by_one, n // 10, args.repeat):>10,.0f} mentions/s")

    texts = dedup_texts(n, random.Random(11))
    speed, per_item = bench_dedup(
        texts, NearDuplicateIndex, lambda idx, k, t, at: idx.add(k, t, at), args.repeat
    )
    dups = 0
    index = NearDuplicateIndex()
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    for i, text in enumerate(texts):
        dups += index.add(i, text, t0) is not None
    print(f"dedup: {n:,} texts, {dups / n:.0%} clustered as near-duplicates (about 30% are copies)")
    print(f"  NearDuplicateIndex.add        {speed:>10,.0f} texts/s  {per_item:>7,.0f} bytes/text")
    other = datasketch_bench(texts, args.repeat)
    if other is None:
        print("  datasketch                    not installed (optional comparison)")
    else:
        print(f"  datasketch MinHash+LSH        {other[0]:>10,.0f} texts/s  {other[1]:>7,.0f} bytes/text")
    threshold_curve()


if __name__ == "__main__":
    main()
