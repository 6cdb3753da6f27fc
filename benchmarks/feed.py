"""Benchmark: ingest rate through the API beside a raw bulk insert, then feed latency on a big table.

    .venv/bin/python benchmarks/feed.py --backend sqlite|postgres [--rows N] [--api-rows M]
        [--pages 200] [--seed 7] [--postgres-url URL] [--keep] [--try-indexes]

1. Creates a fresh database (a temp SQLite file, or a PostgreSQL database ``listener_bench_<pid>``
   created through ``--postgres-url``, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres),
   migrates it, adds brands Acme/Globex/Initech and an admin key. Everything is dropped at the end
   unless ``--keep``.
2. Ingest: ``--api-rows`` synthetic mentions (mixed en/tr, emoji, hashtags, handles, URLs, several
   platforms and kinds) through ``POST /api/v1/ingest`` in batches of 1,000 on a real uvicorn server
   in a background thread (httpx client, one connection, sequential), alternating batch by batch with
   a raw SQLAlchemy Core ``executemany`` of the same number of pre-built rows (one transaction per
   1,000 rows), so machine drift hits both alike. The API path runs the whole NLP pipeline on every
   mention: it is slow by design; the ratio shows what that costs.
3. Fills the table up to ``--rows`` (default 1,000,000 on PostgreSQL, 200,000 on SQLite) with
   pre-analysed rows (labels, scores, topics, tags, status, assignee: every filter has selectivity):
   COPY on PostgreSQL (secondary indexes dropped during the load and rebuilt from their own
   definitions), Core executemany on SQLite; then VACUUM ANALYZE / ANALYZE.
4. Feed latency: ``--pages`` random filtered pages through ``GET /api/v1/mentions`` (brand, platform,
   sentiment, status, language, min_reach, topic, since/until; half the walks follow next_cursor
   1-5 times) and the same pages through ``listener.storage.mentions.feed_page`` on a session, in
   alternating order; p50/p95/p99 in ms, and a check that both return the same ids.
5. Plans of representative feed queries, captured exactly as feed_page emits them: EXPLAIN (ANALYZE,
   BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN plus a timed run on SQLite (a brand-filtered page is
   three statements: their times are summed, their plans joined by ``;;``). Seq scans and queries
   over 20 ms are flagged. Before that, every 20th branded mention gets an extra brand link
   (``mention_brand``), as a post naming two brands would.

``--try-indexes`` then builds the indexes this benchmark proposes (see ``CANDIDATES``) and times the
same feed walks (feed_page only) and plans again, before -> after.

Ends with one markdown table row per figure, for the README. Compare figures only against others
printed by the same run (see ../shared/PERFORMANCE.md: the machine drifts 10-25% between runs).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from sqlalchemy import Engine, event, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from benchmarks.common import (  # noqa: E402
    create_postgres,
    drop_postgres,
    load_average,
    pct,
    progress,
    remove_dir,
    temp_sqlite,
)
from listener.app import create_app  # noqa: E402
from listener.auth import create_key  # noqa: E402
from listener.settings import Settings  # noqa: E402
from listener.storage.db import make_engine, make_session_factory, session_scope  # noqa: E402
from listener.storage.mentions import MentionFilter, feed_page, linked_brand_ids  # noqa: E402
from listener.storage.migrate import upgrade  # noqa: E402
from listener.storage.models import Brand, Mention  # noqa: E402

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BATCH = 1000
PAGE_LIMIT = 50
DAYS = 60
SLOW_MS = 20.0

# --------------------------------------------------------------------------------------------------
# synthetic mentions


def _bag(weighted: list[tuple[Any, int]]) -> list[Any]:
    """A list where each value appears ``weight`` times: ``rng.choice`` on it is a weighted draw."""
    return [value for value, weight in weighted for _ in range(weight)]


PLATFORMS = ["twitter", "reddit", "mastodon", "bluesky", "youtube", "appstore", "hackernews", "news"]
PLATFORM_BAG = _bag(list(zip(PLATFORMS, [35, 15, 7, 8, 10, 7, 5, 13], strict=True)))
BRAND_BAG = _bag([("Acme", 50), ("Globex", 30), ("Initech", 15), (None, 5)])
BRAND_REFS = {
    "Acme": ["Acme", "Acme", "@acme_help", "#acme", "ACME"],
    "Globex": ["Globex", "Globex", "@globex", "#globex"],
    "Initech": ["Initech", "Initech", "@initech_tr", "#initech"],
    None: ["the shop", "this company", "my bank"],
    "tr": ["bu mağaza", "bankam", "bu şirket"],
}
TOPICS = [
    "delivery",
    "price",
    "billing_refund",
    "product_quality",
    "customer_service",
    "account_login",
    "app_bug_outage",
    "security_privacy",
    "legal",
    "safety_health",
    "praise_recommendation",
]
TOPIC_BAG = _bag(list(zip([*TOPICS, None], [18, 10, 10, 10, 14, 8, 14, 2, 1, 1, 8, 14], strict=True)))
SUBJECTS: dict[str | None, dict[str, list[str]]] = {
    "delivery": {"en": ["my delivery", "the package", "shipping"], "tr": ["kargom", "teslimat", "kargo"]},
    "price": {"en": ["the new price", "their pricing"], "tr": ["fiyatlar", "yeni fiyat"]},
    "billing_refund": {"en": ["my refund", "the refund process"], "tr": ["para iadesi", "iade süreci"]},
    "product_quality": {"en": ["the quality", "this defective charger"], "tr": ["ürün kalitesi", "kalite"]},
    "customer_service": {
        "en": ["customer service", "the support team"],
        "tr": ["müşteri hizmetleri", "müşteri temsilcisi"],
    },
    "account_login": {"en": ["my account", "the login page"], "tr": ["hesabım", "giriş ekranı"]},
    "app_bug_outage": {
        "en": ["the app", "the website", "the latest app update"],
        "tr": ["uygulama", "web sitesi"],
    },
    "security_privacy": {
        "en": ["the data breach", "my hacked account"],
        "tr": ["veri ihlali", "veri sızıntısı"],
    },
    "legal": {"en": ["the lawsuit", "the class action"], "tr": ["dava", "mahkeme süreci"]},
    "safety_health": {"en": ["the food poisoning case"], "tr": ["zehirlenme vakası"]},
    "praise_recommendation": {
        "en": ["the whole experience (highly recommend)", "the team I recommended"],
        "tr": ["tavsiye ettiğim mağaza", "öneririm, ekip"],
    },
    None: {
        "en": ["the new ad", "their CEO", "the new store", "the logo"],
        "tr": ["yeni reklam", "yeni mağaza"],
    },
}
PREDICATES = {
    "en": {
        "positive": [
            "is amazing",
            "works great",
            "made my day",
            "was super helpful",
            "exceeded expectations",
        ],
        "negative": ["is terrible", "keeps crashing", "hasn't arrived yet", "is a total scam", "is SO slow"],
        "neutral": [
            "changed today",
            "is in my city now",
            "anyone tried it?",
            "was on the news",
            "has a new look",
        ],
    },
    "tr": {
        "positive": [
            "harika",
            "çok iyi, teşekkürler",
            "süper hızlıydı",
            "tavsiye ederim",
            "beklediğimden iyi",
        ],
        "negative": ["berbat", "rezalet", "hâlâ gelmedi", "çok kötü", "bir daha asla", "sürekli çöküyor"],
        "neutral": ["değişmiş", "hakkında bilgisi olan var mı?", "bugün güncellendi", "yeni mağaza açmış"],
    },
}
POLARITY_BAG = _bag([("positive", 35), ("negative", 40), ("neutral", 20), ("unscored", 5)])
EMOJI = {
    "positive": ["😍", "👍", "🙏", "❤️", "🎉", ""],
    "negative": ["😡", "😤", "👎", "🤬", "💔", ""],
    "neutral": ["🤔", "👀", "", ""],
}
OPENERS = {
    "en": ["", "", "Honestly, ", "Wow ", "Update: ", "lol "],
    "tr": ["", "", "Ya ", "Arkadaşlar ", "Valla "],
}
HASHTAGS = ["#fail", "#customerservice", "#love", "#tech", "#kargo", "#rezalet", "#deal", "#update", "#help"]
STATUS_BAG = _bag([("new", 60), ("in_progress", 10), ("replied", 10), ("resolved", 15), ("ignored", 5)])
AGENTS = ["ayse", "mehmet", "john", "maria", "li", "omar", "sara", "deniz"]
TAG_SETS = [
    ["vip"],
    ["urgent"],
    ["follow-up"],
    ["press"],
    ["bug"],
    ["lead"],
    ["vip", "urgent"],
    ["bug", "urgent"],
]
CRISIS = {"legal": ["lawsuit"], "security_privacy": ["data breach"], "safety_health": ["food poisoning"]}
KIND_BY_PLATFORM = {
    "twitter": _bag([("post", 8), ("comment", 2)]),
    "reddit": _bag([("post", 4), ("comment", 6)]),
    "mastodon": _bag([("post", 7), ("comment", 3)]),
    "bluesky": _bag([("post", 7), ("comment", 3)]),
    "youtube": _bag([("comment", 9), ("post", 1)]),
    "appstore": ["review"],
    "hackernews": _bag([("comment", 7), ("post", 3)]),
    "news": ["news"],
}
URL_BY_PLATFORM = {
    "twitter": "https://x.com/{h}/status/{n}",
    "reddit": "https://www.reddit.com/r/brands/comments/{n}",
    "mastodon": "https://mastodon.social/@{h}/{n}",
    "bluesky": "https://bsky.app/profile/{h}.bsky.social/post/{n}",
    "youtube": "https://www.youtube.com/watch?v={n}",
    "appstore": "https://apps.apple.com/app/id{n}",
    "hackernews": "https://news.ycombinator.com/item?id={n}",
    "news": "https://news.example.com/{n}",
}
VERSIONS = {
    "language": "py3langid-15lang-1",
    "sentiment": "vader-3.3.2+complaints-1/tr-lexicon-1/rating-0.6/brand-clauses-1",
    "topics": "taxonomy-bench",
    "entities": "regex-1",
    "keyphrases": "ngram-2",
}
VERSIONS_JSON = json.dumps(VERSIONS)
# the columns a filled row carries: every column but the id (the sequence's) and the ones left NULL
ROW_COLUMNS = [
    c.name
    for c in Mention.__table__.columns
    if c.name not in ("id", "source_id", "sentiment_override_by", "sentiment_override_at", "duplicate_of")
]
JSON_COLUMNS = {
    "engagement",
    "sentiment_drivers",
    "topics",
    "entities",
    "crisis_terms",
    "keyphrases",
    "analysis_versions",
    "tags",
    "notes",
    "details",
}


UNCACHED_JSON = {"engagement", "sentiment_drivers", "entities"}  # (nearly) unique per row


def _freeze(value: Any) -> Any:
    """A hashable key for a small JSON value (lists of strings, dicts of strings)."""
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


class Generator:
    """Seeded synthetic mentions: ``item`` is the ingest shape, ``row`` the stored, analysed shape."""

    def __init__(self, seed: int, now: datetime, brand_ids: dict[str, int]) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.start = now - timedelta(days=DAYS)
        self.brand_ids = brand_ids
        self.seq = 0
        self._json_cache: dict[tuple[str, Any], str] = {}

    def spec(self, when: datetime | None = None) -> dict[str, Any]:
        """One mention's content and pre-computed analysis; ``when`` defaults to a random time."""
        r = self.rng
        self.seq += 1
        n = self.seq
        platform = r.choice(PLATFORM_BAG)
        kind = r.choice(KIND_BY_PLATFORM[platform])
        brand = r.choice(BRAND_BAG)
        lang = "tr" if r.random() < (0.6 if brand == "Initech" else 0.2) else "en"
        topic = r.choice(TOPIC_BAG)
        polarity = r.choice(POLARITY_BAG)
        tone = "neutral" if polarity == "unscored" else polarity
        subject = r.choice(SUBJECTS[topic][lang])
        pred = r.choice(PREDICATES[lang][tone])
        ref = r.choice(BRAND_REFS["tr" if brand is None and lang == "tr" else brand])
        handle = f"user{r.randrange(50_000)}"
        if lang == "en":
            body = f"{r.choice(OPENERS['en'])}{subject} from {ref} {pred}"
        else:
            body = f"{r.choice(OPENERS['tr'])}{ref} {subject} {pred}"
        extras: list[str] = []
        emoji = r.choice(EMOJI[tone])
        if emoji:
            extras.append(emoji)
        if r.random() < 0.4:
            extras.append(r.choice(HASHTAGS))
        if r.random() < 0.2:
            extras.append(f"@user{r.randrange(50_000)}")
        if r.random() < 0.1:
            extras.append(f"order #{r.randrange(10**6, 10**7)}")
        if r.random() < 0.3:
            extras.append(f"https://t.co/{n:x}")
        text_ = " ".join([body, *extras])
        title = None
        if kind == "news":
            title = f"{brand or 'Retailer'}: {subject} {pred}"[:200]
            text_ = f"{text_}. Analysts expect more news from {brand or 'the sector'} this quarter."
        elif kind == "post" and platform in ("reddit", "hackernews"):
            title = f"{subject} {pred}"
        reach = min(int(r.lognormvariate(5.5, 1.8)), 50_000_000)
        if kind == "news":
            reach = max(reach, 20_000)
        if when is None:
            when = self.start + timedelta(seconds=r.random() * DAYS * 86400)
        collected = when + timedelta(seconds=r.random() * 3600)
        rating = None
        if kind == "review":
            rating = float(r.choice({"positive": (4, 5), "negative": (1, 2), "neutral": (3,)}[tone]))
        if polarity == "unscored":
            score = None
        elif polarity == "positive":
            score = round(r.uniform(0.05, 0.95), 4)
        elif polarity == "negative":
            score = round(r.uniform(-0.95, -0.05), 4)
        else:
            score = round(r.uniform(-0.04, 0.04), 4)
        topics = [topic] if topic else []
        if topic and r.random() < 0.15:
            second = r.choice(TOPICS)
            if second != topic:
                topics.append(second)
        entities = [{"type": "handle", "text": f"@{handle}", "value": handle}]
        if brand:
            entities.insert(0, {"type": "brand", "text": ref, "value": brand})
        roll = r.random()
        return {
            "n": n,
            "platform": platform,
            "kind": kind,
            "brand": brand,
            "lang": lang,
            "text": text_,
            "title": title,
            "handle": handle,
            "reach": reach,
            "url": URL_BY_PLATFORM[platform].format(h=handle, n=n),
            "engagement": {"likes": int(reach**0.5) % 997, "replies": n % 13, "shares": n % 7},
            "rating": rating,
            "published_at": when,
            "collected_at": collected,
            "language": None if roll < 0.02 else lang,
            "language_hint": lang if roll < 0.5 else None,
            "language_confidence": round(0.8 + r.random() * 0.19, 4),
            "score": score,
            "label": polarity,
            "drivers": [] if score is None else [{"term": pred.split()[-1], "weight": round(score, 3)}],
            "topics": topics,
            "entities": entities,
            "crisis": CRISIS.get(topic or "", []),
            "keyphrases": [subject, pred][: 1 + n % 2],
            "status": r.choice(STATUS_BAG),
            "assignee": r.choice(AGENTS) if r.random() < 0.3 else None,
            "tags": r.choice(TAG_SETS) if r.random() < 0.15 else [],
        }

    @staticmethod
    def item(s: dict[str, Any], external_id: str) -> dict[str, Any]:
        """The ``POST /api/v1/ingest`` shape of a spec (JSON-ready)."""
        out: dict[str, Any] = {
            "platform": s["platform"],
            "external_id": external_id,
            "url": s["url"],
            "text": s["text"],
            "kind": s["kind"],
            "author": {"handle": s["handle"], "name": s["handle"].title(), "reach": s["reach"]},
            "engagement": s["engagement"],
            "published_at": s["published_at"].isoformat(),
            "brand": s["brand"],
        }
        if s["title"]:
            out["title"] = s["title"]
        if s["rating"] is not None:
            out["rating"] = s["rating"]
        if s["language_hint"]:
            out["language"] = s["language_hint"]
        return out

    def row(self, s: dict[str, Any], external_id: str) -> dict[str, Any]:
        """The stored shape of a spec, analysis and workflow columns pre-computed."""
        return {
            "platform": s["platform"],
            "external_id": external_id,
            "brand_id": self.brand_ids[s["brand"]] if s["brand"] else None,
            "url": s["url"],
            "kind": s["kind"],
            "title": s["title"],
            "text": s["text"],
            "author_handle": s["handle"],
            "author_name": s["handle"].title(),
            "author_reach": s["reach"],
            "engagement": s["engagement"],
            "rating": s["rating"],
            "published_at": s["published_at"],
            "collected_at": s["collected_at"],
            "language": s["language"],
            "language_hint": s["language_hint"],
            "language_confidence": s["language_confidence"],
            "sentiment_score": s["score"],
            "sentiment_label": s["label"],
            "sentiment_drivers": s["drivers"],
            "topics": s["topics"],
            "entities": s["entities"],
            "crisis_terms": s["crisis"],
            "keyphrases": s["keyphrases"],
            "analysis_versions": VERSIONS,
            "analyzed_at": s["collected_at"],
            "status": s["status"],
            "assignee": s["assignee"],
            "tags": s["tags"],
            "notes": [],
            "details": {},
            "updated_at": s["collected_at"],
        }

    def copy_row(self, s: dict[str, Any], external_id: str) -> tuple[Any, ...]:
        """``row`` as a COPY tuple in ``ROW_COLUMNS`` order, JSON columns already serialised (the
        low-cardinality ones from a cache: generating 1M rows is otherwise slower than COPY itself)."""
        d = self.row(s, external_id)
        cache = self._json_cache
        out = []
        for c in ROW_COLUMNS:
            v = d.get(c)
            if c in UNCACHED_JSON:
                v = json.dumps(v, ensure_ascii=False)
            elif c in JSON_COLUMNS:
                key = (c, _freeze(v))
                v = cache.get(key) or cache.setdefault(key, json.dumps(v, ensure_ascii=False))
            out.append(v)
        return tuple(out)


# --------------------------------------------------------------------------------------------------
# database and server


class Database:
    """A throwaway database: a temp SQLite file or a fresh PostgreSQL database."""

    def __init__(self, backend: str, pg_url: str, keep: bool) -> None:
        self.backend, self.pg_url, self.keep = backend, pg_url, keep
        self.tmpdir: str | None = None
        self.name: str | None = None
        self.url = ""

    def create(self) -> str:
        if self.backend == "sqlite":
            self.tmpdir, self.url = temp_sqlite("listener_bench_", "feed.db")
        else:
            self.name = f"listener_bench_{os.getpid()}"
            self.url = create_postgres(self.pg_url, self.name)
        return self.url

    def drop(self) -> None:
        if self.keep:
            where = self.tmpdir if self.backend == "sqlite" else self.name
            print(f"kept the database: {self.url} ({where})", file=sys.stderr)
            return
        if self.backend == "sqlite":
            remove_dir(self.tmpdir)
        elif self.name:
            drop_postgres(self.pg_url, self.name)


class Server:
    """uvicorn serving ``app`` on 127.0.0.1 (a free port) in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(self.config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()

    def describe(self) -> str:
        http = getattr(self.config, "http_protocol_class", None)
        proto = http.__name__ if isinstance(http, type) else str(self.config.http)
        return f"uvicorn {uvicorn.__version__} in a background thread ({proto}, loop={self.config.loop})"


def setup(engine: Engine) -> tuple[dict[str, int], str]:
    """Migrate, add the three brands and an admin key; returns brand ids by name and the key."""
    upgrade(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        acme = Brand(name="Acme", aliases=["ACME Corp"], products=["Acme Rocket"], default_language="en")
        globex = Brand(name="Globex", aliases=["Globex Corporation"], default_language="en")
        initech = Brand(name="Initech", aliases=["Initech TR"], default_language="tr")
        acme.competitors = [globex]
        globex.competitors = [acme]
        session.add_all([acme, globex, initech])
        session.flush()
        ids = {b.name: b.id for b in (acme, globex, initech)}
        _, key = create_key(session, name="bench-admin", role="admin")
    return ids, key


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Mention)) or 0)


# --------------------------------------------------------------------------------------------------
# figures


@dataclass
class Report:
    backend: str
    rows: int = 0
    lines: list[str] = field(default_factory=list)
    table: list[tuple[str, str]] = field(default_factory=list)

    def say(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def figure(self, name: str, value: str) -> None:
        self.table.append((name, value))


# --------------------------------------------------------------------------------------------------
# 2. ingest


def visible(engine: Engine, platform: str, external_id: str) -> bool:
    """Whether a mention is committed (readable from another connection)."""
    stmt = select(Mention.id).where(Mention.platform == platform, Mention.external_id == external_id)
    with engine.connect() as conn:
        return conn.execute(stmt).first() is not None


def measure_ingest(
    rep: Report, engine: Engine, gen: Generator, client: httpx.Client, api_rows: int, server_desc: str
) -> None:
    """API ingest beside a raw executemany of the same number of rows, alternating batch by batch.

    An API batch counts as done when its rows are committed, not when the response arrives: the
    request's session commits in a yield dependency, which FastAPI runs after sending the response."""
    table = Mention.__table__
    # warm-up (not timed into the rates): loads the NLP pipeline, opens pools and connections
    warm = [gen.spec() for _ in range(20)]
    t0 = time.perf_counter()
    resp = client.post("/api/v1/ingest", json={"mentions": [gen.item(s, f"w{s['n']}") for s in warm]})
    resp.raise_for_status()
    warm_s = time.perf_counter() - t0
    with engine.begin() as conn:
        conn.execute(insert(table), [gen.row(s, f"wr{s['n']}") for s in warm])
    deadline = time.monotonic() + 30
    while not visible(engine, warm[-1]["platform"], f"w{warm[-1]['n']}") and time.monotonic() < deadline:
        time.sleep(0.01)

    api_batches: list[float] = []  # ms until committed
    api_response: list[float] = []  # ms until the response
    raw_batches: list[float] = []
    api_cpu = raw_cpu = 0.0
    early = 0  # responses that arrived before their rows were committed
    done = 0
    b = 0
    while done < api_rows:
        size = min(BATCH, api_rows - done)
        specs = [gen.spec() for _ in range(size)]
        body = json.dumps({"mentions": [gen.item(s, f"a{s['n']}") for s in specs]}).encode()
        rows = [gen.row(s, f"r{s['n']}") for s in specs]
        last = (specs[-1]["platform"], f"a{specs[-1]['n']}")

        def api(body: bytes = body, size: int = size, last: tuple[str, str] = last) -> None:
            nonlocal api_cpu, early
            c, t = time.process_time(), time.perf_counter()
            r = client.post("/api/v1/ingest", content=body, headers={"content-type": "application/json"})
            answered = time.perf_counter()
            if r.status_code != 200 or r.json()["created"] != size:
                raise RuntimeError(f"ingest failed: {r.status_code} {r.text[:300]}")
            if not visible(engine, *last):
                early += 1
                limit = time.monotonic() + 60
                while not visible(engine, *last):
                    if time.monotonic() > limit:
                        raise RuntimeError("an ingested batch never became visible")
                    time.sleep(0.0005)
            api_batches.append((time.perf_counter() - t) * 1000)
            api_response.append((answered - t) * 1000)
            api_cpu += time.process_time() - c

        def raw(rows: list[dict[str, Any]] = rows) -> None:
            nonlocal raw_cpu
            c, t = time.process_time(), time.perf_counter()
            with engine.begin() as conn:
                conn.execute(insert(table), rows)
            raw_batches.append((time.perf_counter() - t) * 1000)
            raw_cpu += time.process_time() - c

        for step in (api, raw) if b % 2 == 0 else (raw, api):
            step()
        done += size
        b += 1
        if b % 5 == 0:
            progress(
                f"ingest {done:,}/{api_rows:,}: API {done / sum(api_batches) * 1000:,.0f}/s, "
                f"raw {done / sum(raw_batches) * 1000:,.0f}/s"
            )
    api_rate = api_rows / sum(api_batches) * 1000
    raw_rate = api_rows / sum(raw_batches) * 1000
    ap, rp, resp_p = pct(api_batches), pct(raw_batches), pct(api_response)
    rep.say(f"ingest, {api_rows:,} mentions each way, batches of {BATCH:,}, alternating batch by batch")
    rep.say(f"  server: {server_desc}; client: httpx, one keep-alive connection, sequential requests")
    rep.say(f"  first call (20 mentions, loads the NLP pipeline): {warm_s * 1000:,.0f} ms")
    rep.say(
        f"  POST /api/v1/ingest (validation + full NLP + insert):  {api_rate:>9,.0f} mentions/s   "
        f"batch p50 {ap[0]:,.0f} ms, p95 {ap[1]:,.0f} ms; CPU {api_cpu / api_rows * 1e6:,.0f} us/mention"
    )
    rep.say(
        f"  raw Core executemany, 1 transaction per {BATCH:,}:        {raw_rate:>9,.0f} mentions/s   "
        f"batch p50 {rp[0]:,.1f} ms, p95 {rp[1]:,.1f} ms; CPU {raw_cpu / api_rows * 1e6:,.0f} us/row"
    )
    rep.say(f"  ratio raw / API: {raw_rate / api_rate:,.1f}x (API at {api_rate / raw_rate:.1%} of raw)")
    rep.say(
        f"  {early}/{len(api_batches)} ingest responses arrived before their rows were committed "
        f"(response p50 {resp_p[0]:,.0f} ms, committed p50 {ap[0]:,.0f} ms; the rates count until committed)"
    )
    rep.figure("ingest via POST /api/v1/ingest (uvicorn + httpx, full NLP)", f"{api_rate:,.0f} mentions/s")
    rep.figure("raw Core executemany insert, 1,000 rows per transaction", f"{raw_rate:,.0f} mentions/s")
    rep.figure("ingest ratio raw / API", f"{raw_rate / api_rate:,.1f}x")


# --------------------------------------------------------------------------------------------------
# 3. fill


def fill_times(gen: Generator, n: int) -> Iterator[datetime]:
    """``n`` times over the 60 days, roughly in order (mentions arrive about when they are published)."""
    span = DAYS * 86400
    for i in range(n):
        at = span * (i + gen.rng.random()) / n - gen.rng.random() * 7200
        yield gen.start + timedelta(seconds=min(max(at, 0.0), span - 1))


def fill_sqlite(engine: Engine, gen: Generator, n: int) -> tuple[float, float]:
    table = Mention.__table__
    gen_s = 0.0
    t0 = time.perf_counter()
    chunk: list[dict[str, Any]] = []
    done = 0
    for when in fill_times(gen, n):
        g = time.perf_counter()
        s = gen.spec(when)
        chunk.append(gen.row(s, f"f{s['n']}"))
        gen_s += time.perf_counter() - g
        if len(chunk) == 10_000:
            with engine.begin() as conn:
                conn.execute(insert(table), chunk)
            done += len(chunk)
            chunk = []
            if done % 50_000 == 0:
                progress(f"fill {done:,}/{n:,}")
    if chunk:
        with engine.begin() as conn:
            conn.execute(insert(table), chunk)
    return time.perf_counter() - t0, gen_s


def secondary_indexes(engine: Engine) -> list[tuple[str, str]]:
    """(name, CREATE INDEX ...) of the mention indexes that back no constraint."""
    sql = """
        SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = 'mention'::regclass AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        ORDER BY 1
    """
    with engine.connect() as conn:
        return [(r[0], r[1]) for r in conn.exec_driver_sql(sql)]


def fill_postgres(rep: Report, engine: Engine, gen: Generator, n: int) -> tuple[float, float]:
    indexes = secondary_indexes(engine)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        for name, _ in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
    cols = ", ".join(ROW_COLUMNS)
    gen_s = 0.0
    done = 0
    times = fill_times(gen, n)
    raw = engine.raw_connection()
    try:
        pg = raw.driver_connection
        assert pg is not None
        while done < n:
            size = min(100_000, n - done)
            with pg.cursor() as cur, cur.copy(f"COPY mention ({cols}) FROM STDIN") as copy:
                for _ in range(size):
                    g = time.perf_counter()
                    s = gen.spec(next(times))
                    row = gen.copy_row(s, f"f{s['n']}")
                    gen_s += time.perf_counter() - g
                    copy.write_row(row)
            pg.commit()
            done += size
            progress(f"COPY {done:,}/{n:,} ({done / (time.perf_counter() - t0):,.0f} rows/s)")
    finally:
        raw.close()
    copy_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        for _, ddl in indexes:
            conn.exec_driver_sql(ddl)
    index_s = time.perf_counter() - t1
    rebuilt = {name for name, _ in secondary_indexes(engine)}
    assert rebuilt == {name for name, _ in indexes}, "an index did not come back"
    rep.say(
        f"  COPY {n:,} rows (secondary indexes dropped): {copy_s:,.1f} s; rebuilding "
        f"{len(indexes)} indexes: {index_s:,.1f} s"
    )
    return time.perf_counter() - t0, gen_s


EXTRA_LINK_EVERY = 20  # a mention that matches a second brand's query (an "Acme vs Globex" post)
EXTRA_LINK = {"Acme": "Globex", "Globex": "Acme", "Initech": "Acme"}


def link_extra_brands(engine: Engine, brand_ids: dict[str, int]) -> int:
    """Give every ``EXTRA_LINK_EVERY``-th branded mention an extra brand link; returns the links."""
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM mention_brand")
        for primary, other in EXTRA_LINK.items():
            conn.execute(
                text(
                    "INSERT INTO mention_brand (mention_id, brand_id, published_at) "
                    "SELECT id, :other, published_at FROM mention "
                    "WHERE brand_id = :primary AND id % :every = 0"
                ),
                {"other": brand_ids[other], "primary": brand_ids[primary], "every": EXTRA_LINK_EVERY},
            )
        return int(conn.exec_driver_sql("SELECT count(*) FROM mention_brand").scalar_one())


def measure_fill(rep: Report, engine: Engine, gen: Generator, target: int) -> None:
    have = count(engine)
    n = max(0, target - have)
    rep.say(f"fill: {have:,} rows present, adding {n:,} pre-analysed rows up to {target:,}")
    if n:
        if engine.dialect.name == "postgresql":
            total, gen_s = fill_postgres(rep, engine, gen, n)
            how = "COPY + index rebuild"
        else:
            total, gen_s = fill_sqlite(engine, gen, n)
            how = "Core executemany, 10,000 rows per transaction"
        rep.say(
            f"  {how}: {total:,.1f} s, {n / total:,.0f} rows/s including generation "
            f"({gen_s:,.1f} s of it generating rows; {n / max(total - gen_s, 1e-9):,.0f} rows/s without)"
        )
        rep.figure(f"bulk fill ({how})", f"{n / total:,.0f} rows/s incl. generation")
    links = link_extra_brands(engine, gen.brand_ids)
    rep.say(f"  extra brand links (mention_brand): {links:,} (1 in {EXTRA_LINK_EVERY} branded mentions)")
    t0 = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE mention, mention_brand")
        what = "VACUUM ANALYZE"
        with engine.connect() as conn:
            size = conn.exec_driver_sql(
                "SELECT pg_size_pretty(pg_table_size('mention')), pg_size_pretty(pg_indexes_size('mention'))"
            ).one()
        sizes = f"table {size[0]}, indexes {size[1]}"
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        what = "ANALYZE"
        path = engine.url.database or ""
        sizes = f"file {os.path.getsize(path) / 2**20:,.0f} MiB" if os.path.exists(path) else ""
    rep.rows = count(engine)
    rep.say(f"  {what}: {time.perf_counter() - t0:,.1f} s; {rep.rows:,} mentions; {sizes}")


# --------------------------------------------------------------------------------------------------
# 4. feed latency


def random_params(rng: random.Random, start: datetime, now: datetime) -> dict[str, Any]:
    """A random combination of feed filters (API parameter names, values as Python objects)."""
    p: dict[str, Any] = {}
    if rng.random() < 0.5:
        p["brand"] = rng.choice(["Acme", "Acme", "Globex", "Initech"])
    if rng.random() < 0.25:
        p["platform"] = rng.sample(PLATFORMS, k=1 if rng.random() < 0.7 else 2)
    if rng.random() < 0.3:
        p["sentiment"] = rng.sample(["positive", "negative", "neutral"], k=1 if rng.random() < 0.85 else 2)
    if rng.random() < 0.2:
        p["status"] = [rng.choice(["new", "new", "in_progress", "replied", "resolved", "ignored"])]
    if rng.random() < 0.15:
        p["language"] = [rng.choice(["en", "tr"])]
    if rng.random() < 0.15:
        p["min_reach"] = rng.choice([1_000, 10_000, 100_000])
    if rng.random() < 0.15:
        p["topic"] = rng.choice(TOPICS)
    if rng.random() < 0.25:
        days = rng.choice([1, 3, 7, 14])
        end = now - timedelta(days=rng.uniform(0, DAYS - days))
        shape = rng.random()
        if shape < 0.6:
            p["since"], p["until"] = end - timedelta(days=days), end
        elif shape < 0.8:
            p["since"] = end - timedelta(days=days)
        else:
            p["until"] = end
    return p


def http_params(p: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {"limit": str(PAGE_LIMIT)}
    for k, v in p.items():
        out[k] = ",".join(v) if isinstance(v, list) else v.isoformat() if isinstance(v, datetime) else str(v)
    return out


def to_filter(p: dict[str, Any], brand_ids: dict[str, int]) -> MentionFilter:
    return MentionFilter(
        brand_ids=[brand_ids[p["brand"]]] if "brand" in p else None,
        platforms=list(p.get("platform", [])),
        labels=list(p.get("sentiment", [])),
        statuses=list(p.get("status", [])),
        languages=list(p.get("language", [])),
        min_reach=p.get("min_reach"),
        topic=p.get("topic"),
        since=p.get("since"),
        until=p.get("until"),
    )


def describe(p: dict[str, Any]) -> str:
    parts = []
    for k, v in p.items():
        if isinstance(v, datetime):
            v = v.strftime("%m-%d %H:%M")
        elif isinstance(v, list):
            v = ",".join(v)
        parts.append(f"{k}={v}")
    return " ".join(parts) or "(no filter)"


@dataclass
class Walk:
    params: dict[str, Any]
    follow: int  # next_cursor hops after the first page


def walks(rng: random.Random, pages: int, start: datetime, now: datetime) -> list[Walk]:
    out: list[Walk] = []
    total = 0
    while total < pages:
        follow = 0 if rng.random() < 0.5 else rng.randint(1, 5)
        follow = min(follow, pages - total - 1)
        out.append(Walk(random_params(rng, start, now), follow))
        total += 1 + follow
    return out


def run_http(client: httpx.Client, w: Walk) -> list[tuple[float, list[int]]]:
    out: list[tuple[float, list[int]]] = []
    params = http_params(w.params)
    cursor: str | None = None
    for _ in range(1 + w.follow):
        q = dict(params, cursor=cursor) if cursor else params
        t = time.perf_counter()
        r = client.get("/api/v1/mentions", params=q)
        ms = (time.perf_counter() - t) * 1000
        if r.status_code != 200:
            raise RuntimeError(f"feed failed: {r.status_code} {r.text[:300]} for {q}")
        page = r.json()
        out.append((ms, [m["id"] for m in page["items"]]))
        cursor = page["next_cursor"]
        if cursor is None:
            break
    return out


def wrong(m: Mention, p: dict[str, Any], brand_ids: dict[str, int], extra: tuple[int, ...] = ()) -> bool:
    """True when a returned row does not satisfy the walk's filters (a correctness check); ``extra``
    are the mention's extra brand links."""
    return (
        ("brand" in p and brand_ids[p["brand"]] not in (m.brand_id, *extra))
        or ("platform" in p and m.platform not in p["platform"])
        or ("sentiment" in p and m.sentiment_label not in p["sentiment"])
        or ("status" in p and m.status not in p["status"])
        or ("language" in p and m.language not in p["language"])
        or ("min_reach" in p and (m.author_reach or -1) < p["min_reach"])
        or ("topic" in p and p["topic"] not in (m.topics or []))
        or ("since" in p and m.published_at < p["since"])
        or ("until" in p and m.published_at >= p["until"])
    )


def run_sql(
    sessions: sessionmaker[Session], w: Walk, brand_ids: dict[str, int], bad: list[str]
) -> list[tuple[float, list[int]]]:
    """Time each page of ``w`` through feed_page; rows that break the filters or the order go to ``bad``."""
    out: list[tuple[float, list[int]]] = []
    f = to_filter(w.params, brand_ids)
    after = None
    last: tuple[datetime, int] | None = None
    for _ in range(1 + w.follow):
        with sessions() as session:
            t = time.perf_counter()
            rows, after = feed_page(session, f, after=after, limit=PAGE_LIMIT)
            ms = (time.perf_counter() - t) * 1000
            out.append((ms, [m.id for m in rows]))
            extra = linked_brand_ids(session, [m.id for m in rows])
            for m in rows:
                if wrong(m, w.params, brand_ids, tuple(extra.get(m.id, ()))) or (
                    last is not None and (m.published_at, m.id) >= last
                ):
                    bad.append(f"id {m.id} for {describe(w.params)}")
                last = (m.published_at, m.id)
        if after is None:
            break
    return out


def measure_feed(
    rep: Report,
    engine: Engine,
    client: httpx.Client | None,
    brand_ids: dict[str, int],
    gen: Generator,
    pages: int,
    seed: int,
    phase: str = "",
) -> None:
    """Time the random walks through HTTP and feed_page, alternating; without a client, feed_page
    only (``phase`` "before" / "after" the candidate indexes, for a like-for-like comparison)."""
    sessions = make_session_factory(engine)
    for w in walks(random.Random(seed + 1000), 20, gen.start, gen.now):  # warm-up, not measured
        if client is not None:
            run_http(client, w)
        run_sql(sessions, w, brand_ids, [])
    plan = walks(random.Random(seed + 1), pages, gen.start, gen.now)
    http_first: list[float] = []
    http_deep: list[float] = []
    sql_first: list[float] = []
    sql_deep: list[float] = []
    mismatches = 0
    bad: list[str] = []
    short = 0
    slow: list[tuple[float, float, int, str]] = []
    cpu = {"http": 0.0, "sql": 0.0}  # process CPU time (client and in-thread server together)

    def timed(kind: str, fn: Callable[[], list[tuple[float, list[int]]]]) -> list[tuple[float, list[int]]]:
        c = time.process_time()
        out = fn()
        cpu[kind] += time.process_time() - c
        return out

    t0 = time.perf_counter()
    for i, w in enumerate(plan):
        http = lambda w=w: run_http(client, w) if client is not None else []  # noqa: E731
        sql = lambda w=w: run_sql(sessions, w, brand_ids, bad)  # noqa: E731
        if i % 2 == 0:
            h, s = timed("http", http), timed("sql", sql)
        else:
            s, h = timed("sql", sql), timed("http", http)
        if client is None:
            h = [(math.nan, ids) for _, ids in s]
        if [ids for _, ids in h] != [ids for _, ids in s]:
            mismatches += 1
        short += (1 + w.follow) - len(h)
        for depth, ((hm, _), (sm, ids)) in enumerate(zip(h, s, strict=True)):
            (http_first if depth == 0 else http_deep).append(hm)
            (sql_first if depth == 0 else sql_deep).append(sm)
            slow.append((sm, hm, depth, describe(w.params) + f" (page {depth + 1}, {len(ids)} rows)"))
    elapsed = time.perf_counter() - t0
    n_pages = len(sql_first) + len(sql_deep)
    with_http = client is not None
    rep.say(
        ("" if with_http else f"feed_page() only, {phase.upper()} the candidate indexes: ")
        + f"feed latency, {n_pages} pages of {PAGE_LIMIT} in {len(plan)} random filtered walks "
        f"({len(sql_deep)} pages reached by next_cursor; {short} walks ended early), {elapsed:,.1f} s"
    )
    rep.say(f"  {'':34} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}   (ms)")
    rows: list[tuple[str, list[float]]] = []
    if with_http:
        rows += [
            ("GET /api/v1/mentions, all pages", http_first + http_deep),
            ("  first pages", http_first),
            ("  cursor pages", http_deep),
        ]
    rows += [
        ("feed_page() on a session, all", sql_first + sql_deep),
        ("  first pages", sql_first),
        ("  cursor pages", sql_deep),
    ]
    for name, values in rows:
        p50, p95, p99, mx = pct(values)
        rep.say(f"  {name:34} {p50:8.2f} {p95:8.2f} {p99:8.2f} {mx:8.2f}")
    sp = pct(sql_first + sql_deep)
    if with_http:
        hp = pct(http_first + http_deep)
        rep.say(
            f"  HTTP overhead at p50: {hp[0] - sp[0]:,.2f} ms (auth, brand lookup, serialising 50 rows, HTTP)"
        )
        rep.say(
            f"  CPU per page (whole process): HTTP {cpu['http'] / n_pages * 1000:,.2f} ms, feed_page "
            f"{cpu['sql'] / n_pages * 1000:,.2f} ms (wall time above this is waiting: I/O, other load)"
        )
    check = "every row matches its filters, in keyset order: " + (
        "yes" if not bad else f"NO ({len(bad)} rows, e.g. {bad[0]})"
    )
    if with_http:
        same = "yes" if not mismatches else f"NO ({mismatches} walks differ)"
        check = f"same ids from HTTP and feed_page: {same}; {check}"
    rep.say("  " + check)
    rep.say("  slowest pages by feed_page time (" + ("SQL ms / HTTP ms):" if with_http else "SQL ms):"))
    for sm, hm, _, what in sorted(slow, reverse=True)[:6]:
        rep.say(f"    {sm:8.1f} / {hm:8.1f}  {what}" if with_http else f"    {sm:8.1f}  {what}")
    if with_http:
        rep.figure(
            "feed page of 50 via GET /api/v1/mentions, p50 / p95 / p99",
            "{:.1f} / {:.1f} / {:.1f} ms".format(*hp),
        )
        rep.figure(
            "feed page of 50 via feed_page() SQL, p50 / p95 / p99", "{:.1f} / {:.1f} / {:.1f} ms".format(*sp)
        )
    else:
        rep.figure(
            f"feed_page() only, {phase} candidate indexes, p50 / p95 / p99",
            "{:.1f} / {:.1f} / {:.1f} ms".format(*sp),
        )


# --------------------------------------------------------------------------------------------------
# 5. plans


def capture(engine: Engine, fn: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Every SELECT on mention that ``fn`` sends to the database, as (sql, DBAPI parameters) (a
    brand-filtered page is three: primary links, extra links, the page's rows)."""
    seen: list[tuple[str, Any]] = []

    def grab(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM mention" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    return seen


def plan_cases(sessions: sessionmaker[Session], brand_ids: dict[str, int], gen: Generator) -> list[tuple]:
    """(name, filter, after) of the representative feed queries."""
    acme = [brand_ids["Acme"]]
    after5 = None
    with sessions() as session:
        for _ in range(5):
            _, after5 = feed_page(session, MentionFilter(), after=after5, limit=PAGE_LIMIT)
    month_ago = (gen.now - timedelta(days=30), 2**62)
    week = gen.now - timedelta(days=20)
    return [
        ("no filter, first page", MentionFilter(), None),
        ("no filter, page 6 (cursor)", MentionFilter(), after5),
        ("no filter, cursor 30 days back", MentionFilter(), month_ago),
        ("brand + label (Acme, negative)", MentionFilter(brand_ids=acme, labels=["negative"]), None),
        ("brand + status (Acme, in_progress)", MentionFilter(brand_ids=acme, statuses=["in_progress"]), None),
        (
            "brand + 2 labels (Acme, pos+neg)",
            MentionFilter(brand_ids=acme, labels=["positive", "negative"]),
            None,
        ),
        ("platform (reddit)", MentionFilter(platforms=["reddit"]), None),
        ("2 platforms (appstore, news)", MentionFilter(platforms=["appstore", "news"]), None),
        ("status alone (in_progress)", MentionFilter(statuses=["in_progress"]), None),
        ("label alone (negative)", MentionFilter(labels=["negative"]), None),
        ("language (tr)", MentionFilter(languages=["tr"]), None),
        ("topic (billing_refund, ~10%)", MentionFilter(topic="billing_refund"), None),
        ("topic rare (legal, ~1%)", MentionFilter(topic="legal"), None),
        (
            "brand + topic rare (Initech, legal)",
            MentionFilter(brand_ids=[brand_ids["Initech"]], topic="legal"),
            None,
        ),
        ("min_reach 1,000 (~30%)", MentionFilter(min_reach=1_000), None),
        ("min_reach 100,000 (~0.04%)", MentionFilter(min_reach=100_000), None),
        (
            "label + min_reach 100,000",
            MentionFilter(labels=["neutral"], min_reach=100_000),
            None,
        ),
        ("tag (vip)", MentionFilter(tag="vip"), None),
        ("assignee (deniz)", MentionFilter(assignee="deniz"), None),
        (
            "brand + 3-day window",
            MentionFilter(brand_ids=acme, since=week - timedelta(days=3), until=week),
            None,
        ),
        (
            "brand+platform+label (Initech, appstore, neg)",
            MentionFilter(brand_ids=[brand_ids["Initech"]], platforms=["appstore"], labels=["negative"]),
            None,
        ),
        ("q common ('refund')", MentionFilter(q="refund"), None),
        ("q rare ('class action', ~0.4%)", MentionFilter(q="class action"), None),
        ("q no match ('zzqx')", MentionFilter(q="zzqx"), None),
        ("brand + q ('Acme', 'scam')", MentionFilter(brand_ids=acme, q="scam"), None),
    ]


def pg_summary(plan: dict[str, Any]) -> tuple[str, int, int, int, bool]:
    """Node chain, rows removed by filters, shared buffers hit/read, and whether any node seq-scans."""
    labels: list[str] = []
    removed = 0
    seq = False

    def walk(node: dict[str, Any]) -> None:
        nonlocal removed, seq
        kind = node["Node Type"]
        if kind == "Index Scan" and node.get("Scan Direction") == "Backward":
            kind = "Index Scan Backward"
        if "Index Name" in node:
            kind += f" ({node['Index Name']})"
        if node.get("Parent Relationship") == "SubPlan":
            kind = "SubPlan: " + kind
        if "Seq Scan" in kind:
            seq = True
        labels.append(kind)
        removed += int(node.get("Rows Removed by Filter", 0)) * max(1, int(node.get("Actual Loops", 1)))
        for child in node.get("Plans", []):
            walk(child)

    top = plan["Plan"]
    walk(top)
    return (
        " > ".join(labels),
        removed,
        int(top.get("Shared Hit Blocks", 0)),
        int(top.get("Shared Read Blocks", 0)),
        seq,
    )


def measure_plans(
    rep: Report,
    engine: Engine,
    brand_ids: dict[str, int],
    gen: Generator,
    before: dict[str, tuple[float, bool]] | None = None,
) -> dict[str, tuple[float, bool]]:
    """Plan and time each representative query; with ``before``, print the change from it too.
    Returns {name: (ms, flagged)}."""
    sessions = make_session_factory(engine)
    cases = plan_cases(sessions, brand_ids, gen)
    pg = engine.dialect.name == "postgresql"
    results: dict[str, tuple[float, bool]] = {}
    rep.say(
        ("WITH THE CANDIDATE INDEXES: " if before is not None else "")
        + "plans of feed_page queries (limit 50; "
        + ("EXPLAIN (ANALYZE, BUFFERS), second run" if pg else "EXPLAIN QUERY PLAN, median of 3 timed runs")
        + f"); !! = seq scan / full scan or slower than {SLOW_MS:.0f} ms"
    )
    flagged: list[str] = []
    for name, f, after in cases:

        def run(f: MentionFilter = f, after: Any = after) -> None:
            with sessions() as session:
                feed_page(session, f, after=after, limit=PAGE_LIMIT)

        statements = capture(engine, run)
        if pg:
            chains, ms, removed, hit, read, seq = [], 0.0, 0, 0, 0, False
            for sql, params in statements:
                with engine.connect() as conn:
                    for _ in range(2):
                        out = conn.exec_driver_sql(
                            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params
                        ).scalar()
                    conn.rollback()
                plan = (json.loads(out) if isinstance(out, str) else out)[0]
                chain1, removed1, hit1, read1, seq1 = pg_summary(plan)
                chains.append(chain1)
                ms += float(plan["Execution Time"])
                removed, hit, read, seq = removed + removed1, hit + hit1, read + read1, seq or seq1
            chain = " ;; ".join(chains)
            bad = seq or ms > SLOW_MS
            got = int(plan["Plan"].get("Actual Rows", 0))
            rep.say(
                f"  {'!!' if bad else '  '} {name:46} {_was(before, name)}{ms:9.2f} ms  {got:>3} rows  "
                f"rows removed {removed:>9,}  buffers hit {hit:>7,} read {read:>6,}"
            )
            rep.say(f"        {chain}")
        else:
            detail, ms = [], 0.0
            with engine.connect() as conn:
                for sql, params in statements:
                    if detail:
                        detail.append(";;")
                    detail += [r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]
                    times = []
                    for _ in range(3):
                        t = time.perf_counter()
                        got = len(conn.exec_driver_sql(sql, params).fetchall())
                        times.append((time.perf_counter() - t) * 1000)
                    ms += statistics.median(times)
            full = any(d.startswith("SCAN mention") and "USING" not in d for d in detail)
            bad = full or ms > SLOW_MS
            rep.say(f"  {'!!' if bad else '  '} {name:46} {_was(before, name)}{ms:9.2f} ms  {got:>3} rows")
            rep.say(f"        {' | '.join(detail)}")
        if bad:
            flagged.append(f"{name} ({ms:,.1f} ms{', seq scan' if (seq if pg else full) else ''})")
        results[name] = (ms, bad)
        if before is None:
            rep.figure(f"feed query: {name}", f"{ms:,.2f} ms{' (!!)' if bad else ''}")
        elif before[name][1]:
            rep.figure(f"with candidate indexes: {name}", f"{before[name][0]:,.2f} -> {ms:,.2f} ms")
    rep.say(f"  flagged: {'; '.join(flagged) if flagged else 'none'}")
    return results


def _was(before: dict[str, tuple[float, bool]] | None, name: str) -> str:
    return "" if before is None else f"{before[name][0]:9.2f} ->"


# What this benchmark proposes, tried with --try-indexes: (name or None, statement, PostgreSQL only).
# - author_reach: a B-tree, plus a finer histogram on PostgreSQL: reach is heavy-tailed, and with the
#   default 100 buckets the planner overestimates ">= 100,000" about 14x and keeps scanning the feed
#   index instead. SQLite (built without STAT4) never picks it for ORDER BY ... LIMIT: no gain there.
# - q: trigram GIN indexes on text and title (pg_trgm, a trusted extension since PostgreSQL 13).
# Tried and left out: GIN (jsonb_path_ops) on topics / tags. At 1M rows the planner (rightly) keeps
# the feed index for topics of 1-2%: the bitmap plan measured 3x slower for brand + rare topic.
CANDIDATES: list[tuple[str | None, str, bool]] = [
    ("ix_mention_reach", "CREATE INDEX ix_mention_reach ON mention (author_reach)", False),
    (None, "ALTER TABLE mention ALTER COLUMN author_reach SET STATISTICS 1000", True),
    (None, "CREATE EXTENSION IF NOT EXISTS pg_trgm", True),
    (
        "ix_mention_text_trgm",
        "CREATE INDEX ix_mention_text_trgm ON mention USING gin (text gin_trgm_ops)",
        True,
    ),
    (
        "ix_mention_title_trgm",
        "CREATE INDEX ix_mention_title_trgm ON mention USING gin (title gin_trgm_ops)",
        True,
    ),
]


def try_indexes(rep: Report, engine: Engine) -> None:
    """Create the candidate indexes (and pg_trgm) on the benchmark database, then ANALYZE."""
    pg = engine.dialect.name == "postgresql"
    rep.say("candidate indexes (--try-indexes), built on the filled table:")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if pg:
            conn.exec_driver_sql("SET maintenance_work_mem = '256MB'")
        for name, ddl, pg_only in CANDIDATES:
            if pg_only and not pg:
                continue
            t = time.perf_counter()
            conn.exec_driver_sql(ddl)
            took = time.perf_counter() - t
            size = ""
            if pg and name:
                size = conn.exec_driver_sql(f"SELECT pg_size_pretty(pg_relation_size('{name}'))").scalar()
            rep.say(f"  {ddl}: {took:,.1f} s {size}")
        conn.exec_driver_sql("ANALYZE mention" if pg else "ANALYZE")


# --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backend", choices=["sqlite", "postgres"], required=True)
    ap.add_argument(
        "--rows", type=int, help="table size for the feed (default 1,000,000 PG / 200,000 SQLite)"
    )
    ap.add_argument("--api-rows", type=int, default=20_000, help="mentions through the API (and raw insert)")
    ap.add_argument("--pages", type=int, default=200, help="feed pages to time")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="a server's maintenance database URL")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    ap.add_argument(
        "--try-indexes",
        action="store_true",
        help="afterwards, build the proposed indexes and time the feed and the plans again",
    )
    args = ap.parse_args(argv)
    target = args.rows if args.rows is not None else 1_000_000 if args.backend == "postgres" else 200_000
    if args.api_rows < 1 or args.pages < 1 or target < 1:
        ap.error("--rows, --api-rows and --pages must be positive")

    started = time.perf_counter()
    rep = Report(args.backend)
    db = Database(args.backend, args.postgres_url, args.keep)
    engine: Engine | None = None
    server: Server | None = None
    try:
        url = db.create()
        engine = make_engine(url)
        brand_ids, key = setup(engine)
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        gen = Generator(args.seed, now, brand_ids)
        app = create_app(Settings(database_url=url, _env_file=None), engine=engine)  # type: ignore[call-arg]
        server = Server(app)
        server.start()
        with httpx.Client(
            base_url=f"http://127.0.0.1:{server.port}",
            headers={"Authorization": f"Bearer {key}"},
            timeout=300,
        ) as client:
            client.get("/healthz").raise_for_status()
            with engine.connect() as conn:
                version = conn.exec_driver_sql(
                    "SELECT version()" if args.backend == "postgres" else "SELECT sqlite_version()"
                ).scalar()
            rep.say("=" * 100)
            rep.say(
                f"benchmarks/feed.py --backend {args.backend}: rows {target:,}, api-rows {args.api_rows:,}, "
                f"pages {args.pages}, seed {args.seed}"
            )
            rep.say(f"database: {make_url(url).render_as_string(hide_password=True)} ({str(version)[:60]})")
            rep.say(
                f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load_average()}; "
                f"started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
            )
            rep.say("-" * 100)
            measure_ingest(rep, engine, gen, client, args.api_rows, server.describe())
            rep.say("-" * 100)
            measure_fill(rep, engine, gen, target)
            rep.say("-" * 100)
            measure_feed(rep, engine, client, brand_ids, gen, args.pages, args.seed)
            rep.say("-" * 100)
            before = measure_plans(rep, engine, brand_ids, gen)
            if args.try_indexes:
                rep.say("-" * 100)
                measure_feed(rep, engine, None, brand_ids, gen, args.pages, args.seed, "before")
                rep.say("-" * 100)
                try_indexes(rep, engine)
                rep.say("-" * 100)
                measure_feed(rep, engine, None, brand_ids, gen, args.pages, args.seed, "after")
                rep.say("-" * 100)
                measure_plans(rep, engine, brand_ids, gen, before)
        rep.say("-" * 100)
        rep.say(f"total {time.perf_counter() - started:,.0f} s; load average now {load_average()}")
        rep.say(
            "(other work on the machine skews every figure: compare figures within one run, not across runs)"
        )
        rep.say("")
        rep.say("| backend | rows | figure | value |")
        rep.say("|---|---|---|---|")
        for name, value in rep.table:
            rep.say(f"| {args.backend} | {rep.rows:,} | {name} | {value} |")
        return 0
    finally:
        if server is not None:
            server.stop()
        if engine is not None:
            engine.dispose()
        db.drop()


if __name__ == "__main__":
    sys.exit(main())
