"""Near-duplicate clustering: reposts and syndicated copies cluster, distinct complaints do not."""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # runnable without an installed package

from listener.pipeline.dedup import (  # noqa: E402
    NearDuplicateIndex,
    normalise_for_dedup,
    shingle_jaccard,
)

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
NEWS = (
    "Acme recalls 10,000 electric kettles after reports that the base can overheat and catch fire, "
    "the company said on Monday, urging customers to stop using them"
)
COMPLAINT = "Ordered an Acme kettle three weeks ago and it still has not arrived, support just keeps stalling"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RT @bob: Acme lost my parcel https://t.co/xyz", "acme lost my parcel"),
        ("@acme @acmehelp my parcel is late!!", "my parcel is late"),
        ("Acme lost my parcel (via @reuters)", "acme lost my parcel"),
        ("Acme lost my parcel h/t @ann, see thread", "acme lost my parcel see thread"),
        ("Acme lost my #parcel again #fail", "acme lost my parcel again"),  # tags inside are words
        ("Acme lost my parcel #fail #acme #delivery", "acme lost my parcel"),
        ("Çok   kötü,  ACME’NİN kargosu…", "cok kotu acme nin kargosu"),
        ("Acme recalls kettles - Reuters", "acme recalls kettles reuters"),  # short: suffix kept
    ],
)
def test_normalise_for_dedup(text: str, expected: str) -> None:
    assert normalise_for_dedup(text) == expected


def test_source_suffix_is_stripped_from_long_texts() -> None:
    assert normalise_for_dedup(NEWS + " - Reuters") == normalise_for_dedup(NEWS + " | BBC News")


def test_retweet_clusters_with_the_original() -> None:
    index = NearDuplicateIndex()
    assert index.add("orig", COMPLAINT, T0) is None
    assert index.add("rt", f"RT @bob: {COMPLAINT} https://t.co/abc", T0 + timedelta(minutes=5)) == "orig"
    assert index.add("quote", f"@acme {COMPLAINT}!! #fail #acme", T0 + timedelta(minutes=9)) == "orig"


def test_syndicated_news_with_a_different_source_suffix_clusters() -> None:
    index = NearDuplicateIndex()
    assert index.add("reuters", NEWS + " - Reuters", T0) is None
    assert index.add("bbc", NEWS + " | BBC News https://bbc.co.uk/x", T0) == "reuters"
    edited = NEWS.replace("using them", "using it").replace("10,000", "10 000")  # a sub-editor's touch
    assert 0.9 <= shingle_jaccard(NEWS, edited) < 1
    assert index.add("local", edited + " — Leeds Evening Post", T0) == "reuters"


def test_different_complaints_about_the_same_topic_do_not_cluster() -> None:
    index = NearDuplicateIndex()
    other = "My Acme kettle never arrived either, three weeks waiting and support keeps making excuses"
    assert shingle_jaccard(COMPLAINT, other) < 0.2
    assert index.add(1, COMPLAINT, T0) is None
    assert index.add(2, other, T0) is None
    assert (
        index.add(3, "Acme support is useless, my kettle is three weeks late and nobody answers", T0) is None
    )


def test_chain_returns_the_cluster_root() -> None:
    index = NearDuplicateIndex()
    a = COMPLAINT
    b = COMPLAINT + " anymore"
    c = COMPLAINT + " anymore at all honestly"
    assert shingle_jaccard(a, c) < 0.8 <= shingle_jaccard(b, c)  # c is close to b, less so to a
    assert index.add("a", a, T0) is None
    assert index.add("b", b, T0) == "a"
    assert index.add("c", c, T0) == "a"


def test_short_texts_cluster_only_when_identical_after_normalisation() -> None:
    index = NearDuplicateIndex()
    assert index.add(1, "Love it!", T0) is None
    assert index.add(2, "RT @x: love   it", T0) == 1
    assert index.add(3, "love it so", T0) is None
    assert index.add(4, "https://t.co/x", T0) is None  # nothing left to compare
    assert index.add(5, "#acme", T0) is None


def _variant(rng: random.Random, words: list[str], changes: int) -> list[str]:
    out = list(words)
    for i in rng.sample(range(len(out)), changes):
        out[i] = f"x{rng.randrange(10**9)}"
    return out


def test_threshold_on_pairs_of_known_similarity() -> None:
    """Jaccard of word 3-shingles >= 0.9: clustered; <= 0.6: not; the 0.8 threshold lies between."""
    rng = random.Random(5)
    clustered: dict[str, list[bool]] = {"high": [], "low": []}
    for trial in range(300):
        words = [f"w{trial}_{i}" for i in range(100)]
        changed = _variant(rng, words, rng.choice([1, 20, 25]))
        sim = shingle_jaccard(" ".join(words), " ".join(changed))
        band = "high" if sim >= 0.9 else "low" if sim <= 0.6 else None
        if band is None:
            continue
        index = NearDuplicateIndex()
        index.add("a", " ".join(words), T0)
        clustered[band].append(index.add("b", " ".join(changed), T0) == "a")
    assert len(clustered["high"]) > 80 and len(clustered["low"]) > 150
    assert sum(clustered["high"]) / len(clustered["high"]) >= 0.97
    assert sum(clustered["low"]) / len(clustered["low"]) <= 0.02


def test_window_is_bounded_by_count() -> None:
    index = NearDuplicateIndex(max_items=100)
    for i in range(350):
        index.add(i, f"unique mention number {i} about acme kettles and parcels {i * 7}", T0)
        assert len(index) <= 100
    assert len(index) == 100
    assert sum(len(t) for t in index._tables) <= 100 * index.bands  # buckets shrink with the window
    assert len(index._exact) <= 100
    # The earliest mentions are forgotten, the latest are still found.
    assert index.add("again0", "unique mention number 0 about acme kettles and parcels 0", T0) is None
    assert index.add("again349", "unique mention number 349 about acme kettles and parcels 2443", T0) == 349


def test_old_mentions_expire_by_age() -> None:
    index = NearDuplicateIndex(max_age=timedelta(days=3))
    index.add("old", COMPLAINT, T0)
    assert index.add("fresh", COMPLAINT, T0 + timedelta(days=2, hours=23)) == "old"
    later = T0 + timedelta(days=3, hours=1)
    index.add("other", NEWS, later)
    assert len(index) == 2  # "old" has left the window
    assert index.add("late copy", COMPLAINT, later) == "old"  # via "fresh", still in the window
    assert index.add("much later", COMPLAINT, later + timedelta(days=4)) is None
    assert len(index) == 1


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError):
        NearDuplicateIndex(threshold=0)
    with pytest.raises(ValueError):
        NearDuplicateIndex(max_items=0)


def test_adding_a_batch_gives_the_same_roots_as_adding_one_at_a_time() -> None:
    rng = random.Random(5)
    words = [
        "acme",
        "kettle",
        "parcel",
        "late",
        "refund",
        "support",
        "broke",
        "arrived",
        "love",
        "hate",
        "store",
        "app",
        "order",
        "week",
    ]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 14))) for _ in range(300)]
    texts += [f"RT @x{i}: {t} https://t.co/{i}" for i, t in enumerate(texts[:60])]  # copies
    texts += [t.upper() + " #fail" for t in texts[100:140]] + ["", "   ", NEWS, NEWS + " - Reuters"]
    rng.shuffle(texts)
    items = [(f"m{i}", t, T0 + timedelta(hours=i // 10)) for i, t in enumerate(texts)]
    one, many = (
        NearDuplicateIndex(max_items=200, max_age=timedelta(hours=20)),
        NearDuplicateIndex(max_items=200, max_age=timedelta(hours=20)),
    )
    expected = [one.add(*item) for item in items]
    got = many.add_many(items[:150]) + many.add_many(items[150:])
    assert got == expected and sum(r is not None for r in got) > 60
    long = [normalise_for_dedup(t) for t in texts if len(normalise_for_dedup(t).split()) >= 5]
    assert (many.signatures(long) == [many.signature(n) for n in long]).all()
