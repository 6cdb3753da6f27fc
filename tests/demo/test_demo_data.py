"""The bundled demo data set (listener/demo/sample_mentions.jsonl) and its generator."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from listener.demo import SAMPLE_PATH
from tools import make_sample

KEYS = {
    "platform",
    "external_id",
    "url",
    "text",
    "title",
    "kind",
    "author",
    "engagement",
    "rating",
    "published_at",
    "language",
    "brand",
}
PLATFORMS = {"twitter", "reddit", "mastodon", "bluesky", "hackernews", "youtube", "appstore", "rss"}
KINDS = {"post", "comment", "review", "news"}
BRANDS = {"Acme", "Globex", "Initech"}
START = datetime(2026, 11, 6, tzinfo=UTC)
END = datetime(2026, 11, 20, tzinfo=UTC)
CRISIS_START = datetime(2026, 11, 19, 14, tzinfo=UTC)
CRISIS_END = datetime(2026, 11, 19, 18, tzinfo=UTC)

# Crude "negative-ish" markers, English and Turkish (matched on lower-cased text).
NEGATIVE_MARKERS = (
    "breach",
    "leak",
    "boycott",
    "lawsuit",
    "stolen",
    "fraud",
    "furious",
    "angry",
    "useless",
    "worst",
    "terrible",
    "awful",
    "horrible",
    "disappointed",
    "ridiculous",
    "disgrace",
    "embarrassing",
    "never ordering",
    "sızıntı",
    "sızdı",
    "çalın",
    "boykot",
    "dava",
    "rezalet",
    "berbat",
    "skandal",
    "kötü",
    "felaket",
    "ayıp",
)
CRISIS_MARKERS = ("breach", "leak", "boycott", "lawsuit", "sızıntı", "boykot", "dava aç")


def _negative(m: dict) -> bool:
    text = f"{m['title'] or ''} {m['text']}".lower()
    return any(w in text for w in NEGATIVE_MARKERS) or (m["rating"] is not None and m["rating"] <= 2)


def _time(m: dict) -> datetime:
    return datetime.fromisoformat(m["published_at"].replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def raw() -> bytes:
    return SAMPLE_PATH.read_bytes()


@pytest.fixture(scope="module")
def mentions(raw: bytes) -> list[dict]:
    lines = raw.decode("utf-8").splitlines()
    assert all(line.strip() for line in lines), "blank line in the sample file"
    return [json.loads(line) for line in lines]


def test_count_and_shape(mentions: list[dict]) -> None:
    assert 450 <= len(mentions) <= 550
    for m in mentions:
        assert set(m) == KEYS, m
        assert m["platform"] in PLATFORMS
        assert m["kind"] in KINDS
        assert m["brand"] in BRANDS
        assert m["language"] in {"en", "tr"}
        assert isinstance(m["text"], str) and m["text"].strip()
        assert m["url"].startswith("https://")
        assert set(m["author"]) == {"handle", "name", "reach"}
        assert isinstance(m["author"]["reach"], int) and m["author"]["reach"] >= 0
        assert set(m["engagement"]) == {"likes", "replies", "reposts"}
        assert all(isinstance(v, int) and v >= 0 for v in m["engagement"].values())


def test_kinds_ratings_and_titles(mentions: list[dict]) -> None:
    for m in mentions:
        if m["kind"] == "review":
            assert m["platform"] == "appstore"
            assert m["rating"] in {1, 2, 3, 4, 5} and m["title"]
        else:
            assert m["rating"] is None
        if m["platform"] == "rss":
            assert m["kind"] == "news" and m["title"]
        if m["platform"] == "appstore":
            assert m["kind"] == "review"


def test_external_ids_unique_per_platform(mentions: list[dict]) -> None:
    keys = Counter((m["platform"], m["external_id"]) for m in mentions)
    assert [k for k, n in keys.items() if n > 1] == []
    for m in mentions:
        eid = m["external_id"]
        if m["platform"] == "reddit":
            assert eid.startswith(("t3_", "t1_"))
        elif m["platform"] == "bluesky":
            assert eid.startswith("at://did:plc:") and "/app.bsky.feed.post/" in eid
        elif m["platform"] in ("mastodon", "appstore", "hackernews"):
            assert eid.isdigit()
        elif m["platform"] == "twitter":
            assert eid.startswith("tw-") and eid[3:].isdigit()


def test_times_in_range_and_sorted(mentions: list[dict]) -> None:
    times = [_time(m) for m in mentions]
    assert all(t.tzinfo is not None and t.utcoffset() == timedelta(0) for t in times)
    assert all(START <= t < END for t in times)
    assert times == sorted(times)
    assert (max(times) - min(times)) > timedelta(days=13)


def test_languages(mentions: list[dict]) -> None:
    langs = Counter(m["language"] for m in mentions)
    assert set(langs) == {"en", "tr"}
    assert 0.22 <= langs["tr"] / len(mentions) <= 0.38
    turkish = " ".join(m["text"] for m in mentions if m["language"] == "tr")
    assert all(ch in turkish for ch in "çğıİöşü")


def test_competitors_and_duplicates(mentions: list[dict]) -> None:
    brands = Counter(m["brand"] for m in mentions)
    assert 0.10 <= (brands["Globex"] + brands["Initech"]) / len(mentions) <= 0.25
    assert sum(m["text"].startswith("RT @") for m in mentions) >= 10
    texts = Counter((m["title"], m["text"]) for m in mentions if m["platform"] == "rss")
    assert any(n > 1 for n in texts.values()), "no syndicated news copies"


def test_crisis_spike(mentions: list[dict]) -> None:
    week_before = [m for m in mentions if CRISIS_START - timedelta(days=7) <= _time(m) < CRISIS_START]
    baseline_per_hour = len(week_before) / (7 * 24)
    crisis = [m for m in mentions if CRISIS_START <= _time(m) < CRISIS_END]
    negative = [m for m in crisis if _negative(m)]
    assert 70 <= len(crisis) <= 90
    assert len(negative) / len(crisis) >= 0.75
    # negative-ish mentions per crisis hour vs. ALL mentions per hour in the week before
    assert len(negative) / 4 >= 10 * baseline_per_hour

    # no other hour comes close: the spike is there and nowhere else
    neg_by_hour = Counter(_time(m).replace(minute=0, second=0) for m in mentions if _negative(m))
    crisis_hours = {CRISIS_START + timedelta(hours=i) for i in range(4)}
    quietest_crisis_hour = min(neg_by_hour[h] for h in crisis_hours)
    busiest_other_hour = max(n for h, n in neg_by_hour.items() if h not in crisis_hours)
    assert quietest_crisis_hour >= 2 * busiest_other_hour
    # breach vocabulary only appears once the story breaks
    for m in mentions:
        if any(w in m["text"].lower() for w in CRISIS_MARKERS):
            assert _time(m) >= CRISIS_START, m["text"]


def test_high_reach_authors(mentions: list[dict]) -> None:
    reach = {(m["platform"], m["author"]["handle"]): m["author"]["reach"] for m in mentions}
    values = sorted(reach.values())
    assert 150 <= len(reach) <= 260
    assert values[len(values) // 2] < 1000
    assert any(50_000 <= r <= 2_000_000 for r in values)
    crisis_reach = [m["author"]["reach"] for m in mentions if CRISIS_START <= _time(m) < CRISIS_END]
    assert sum(r >= 100_000 for r in crisis_reach) >= 3


def test_generator_reproduces_committed_file(raw: bytes, tmp_path) -> None:
    out = tmp_path / "sample.jsonl"
    make_sample.main(out)
    assert out.read_bytes() == raw
