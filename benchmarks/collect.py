"""Benchmark: the collector path (parse, normalise, match, store) on recorded payloads.

    .venv/bin/python benchmarks/collect.py [--backend sqlite|postgres] [--mentions 5000]
        [--postgres-url URL]

1. Loads the recorded RSS 2.0 / Reddit Listing / HN Algolia payloads from ``../shared/fixtures``
   (read at run time, never copied; see its SOURCES.md) and multiplies them into pages with unique
   guids / fullnames / objectIDs until there are ``--mentions`` distinct items: RSS feeds one copy
   per page, Reddit and HN 100 children/hits per page. Without that folder it generates RSS 2.0 /
   Reddit-JSON / HN-JSON shaped payloads in memory and says so.
2. The pages are served to the real collectors (``RssCollector``, ``RedditCollector``,
   ``HackerNewsCollector``) through ``httpx.MockTransport`` on a ``make_client`` client.
3. Stages, in mentions/s:
   - parse + normalise: ``collector.collect(params, None)`` over every page;
   - match: ``BrandRouter.route`` over every collected item with a few realistic queries;
   - full path: per page, collect -> ``BrandRouter.load(session).route_raw`` ->
     ``store_batch`` (dedup, NLP, insert, near-duplicate clustering) and ``alert_on_new`` in one committed
     transaction, as ``listener.worker.collection`` does, into a fresh migrated database (a temp
     SQLite file, or a
     PostgreSQL database ``listener_bench_collect_<pid>``, dropped at the end). After each page, the
     rows that page stored are re-inserted with new external ids by a raw SQLAlchemy Core
     ``executemany`` (one transaction), so machine drift hits both alike; the ratio is printed.
   - API ingest, same run (``--api``, on by default): the matched mentions of stage 2, with their
     brands, posted to ``POST /api/v1/ingest`` of a separate ``listener serve`` process on a second
     fresh database in batches of 1,000 (one warm-up batch first), one batch each time the full path
     has collected another 1,000, so both see the same machine load. Printed: API mentions/s and
     collection / API (the acceptance of issue 13 is >= 0.5x).

Ends with one markdown table row per figure. Compare figures only within one run (the machine drifts
10-25% between runs, see ../shared/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from sqlalchemy import Engine, func, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.common import (  # noqa: E402
    create_postgres,
    drop_postgres,
    load_average,
    remove_dir,
    temp_sqlite,
)
from benchmarks.load import new_key, serve  # noqa: E402
from collectors.hackernews import HackerNewsCollector, HackerNewsParams  # noqa: E402
from collectors.http import make_client  # noqa: E402
from collectors.reddit import RedditCollector, RedditParams  # noqa: E402
from collectors.rss import RssCollector, RssParams  # noqa: E402
from listener.engine.new_mentions import alert_on_new  # noqa: E402
from listener.pipeline.ingest import store_batch  # noqa: E402
from listener.pipeline.items import Incoming  # noqa: E402
from listener.pipeline.matching import BrandRouter  # noqa: E402
from listener.settings import Settings  # noqa: E402
from listener.storage.db import make_engine, make_session_factory, session_scope  # noqa: E402
from listener.storage.migrate import upgrade  # noqa: E402
from listener.storage.models import Brand, Mention, Query  # noqa: E402

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
RSS_FILES = ["feedjira__TechCrunch.xml", "feedjira__HuffPostCanada.xml", "feedjira__RSSWithComments.xml"]
REDDIT_FILES = [
    "search_listing_t3__r_all_search_praw.json",
    "listing_t3__r_popular_hot_trimmed5.json",
    "listing_t1__r_subreddit_comments_trimmed8.json",
]
PER_PAGE = 100  # Reddit children / HN hits per response (the APIs' usual page size)
SHARE = {"rss": 0.4, "reddit": 0.35, "hackernews": 0.25}
RSS_HOST = "feeds.bench.test"

# (brand, role, expression): own brands first, then competitors, as BrandRouter.load orders them
QUERIES = [
    ("Apple", "own", '(apple OR iphone OR ipad OR macbook OR "app store") -"apple pie"'),
    ("Google", "own", "google OR android OR youtube OR gmail"),
    ("Reddit", "own", "reddit OR subreddit OR praw OR upvote*"),
    ("Microsoft", "competitor", "microsoft OR windows OR xbox OR azure"),
    ("Amazon", "competitor", '(amazon OR aws OR kindle) -"amazon river"'),
]


# --------------------------------------------------------------------------------------------------
# payloads


@dataclass
class Pages:
    """Pre-built response bodies per platform, served in order by ``handler``."""

    bodies: dict[str, list[bytes]] = field(
        default_factory=lambda: {"rss": [], "reddit": [], "hackernews": []}
    )
    items: dict[str, int] = field(default_factory=lambda: {"rss": 0, "reddit": 0, "hackernews": 0})
    served: dict[str, int] = field(default_factory=dict)
    note: str = ""

    def rewind(self) -> None:
        self.served = dict.fromkeys(self.bodies, 0)

    def order(self) -> list[str]:
        """Platforms interleaved page by page (as a scheduler would run the sources)."""
        queues = {p: len(b) for p, b in self.bodies.items()}
        out: list[str] = []
        while any(queues.values()):
            for p in queues:
                if queues[p]:
                    out.append(p)
                    queues[p] -= 1
        return out

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == RSS_HOST:
            platform, ctype = "rss", "application/rss+xml; charset=utf-8"
        elif "reddit" in request.url.host:
            platform, ctype = "reddit", "application/json"
        else:
            platform, ctype = "hackernews", "application/json"
        i = self.served[platform]
        self.served[platform] = i + 1
        body = self.bodies[platform][i]
        return httpx.Response(200, content=body, headers={"content-type": ctype})


_ITEM = re.compile(rb"(<item\b[^>]*>)(.*?)(</item>)", re.S)
_GUID = re.compile(rb"<guid\b[^>]*>.*?</guid>|<guid\b[^>]*/>", re.S)


def _rss_templates() -> list[tuple[bytes, list[bytes], bytes]]:
    """Each feed split into (head, items without guid, tail)."""
    out = []
    for name in RSS_FILES:
        raw = (FIXTURES / "rss" / "real_feeds" / name).read_bytes()
        matches = list(_ITEM.finditer(raw))
        items = [_GUID.sub(b"", m.group(2)) for m in matches]
        out.append((raw[: matches[0].start()], items, raw[matches[-1].end() :]))
    return out


def _rss_page(template: tuple[bytes, list[bytes], bytes], copy: int, limit: int) -> tuple[bytes, int]:
    head, items, tail = template
    parts = [head]
    for i, body in enumerate(items[:limit]):
        guid = f'<guid isPermaLink="false">bench-{copy}-{i}</guid>'.encode()
        parts.append(b"<item>" + guid + body + b"</item>")
    parts.append(tail)
    return b"".join(parts), min(limit, len(items))


def _generated() -> tuple[list[tuple[bytes, list[bytes], bytes]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Fallback payload shapes when ../shared/fixtures is absent."""
    words = [
        "apple",
        "google",
        "reddit",
        "android",
        "windows",
        "shipping",
        "refund",
        "update",
        "battery",
        "launch",
        "review",
    ]
    texts = [
        " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(12 + i % 20)) + f" story {i}"
        for i in range(40)
    ]
    head = b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>bench</title>'
    items = [
        f"<title>Item {i}</title><link>https://example.com/{i}</link><description>{t}</description>"
        f"<pubDate>Tue, 01 Dec 2026 10:{i:02d}:00 +0000</pubDate>".encode()
        for i, t in enumerate(texts[:20])
    ]
    rss = [(head, items, b"</channel></rss>")]
    reddit = [
        {
            "kind": "t3" if i % 2 else "t1",
            "data": {
                "name": f"t3_g{i}",
                "created_utc": 1764583200 + i,
                "title": f"Post {i}",
                "selftext": t,
                "body": t,
                "author": f"user{i}",
                "score": i,
                "num_comments": i % 7,
                "permalink": f"/r/bench/comments/g{i}/",
            },
        }
        for i, t in enumerate(texts)
    ]
    hn = [
        {
            "objectID": str(i),
            "created_at_i": 1764583200 + i,
            "_tags": ["comment" if i % 2 else "story"],
            "title": f"HN {i}",
            "story_text": t,
            "comment_text": t,
            "author": f"hn{i}",
            "points": i,
        }
        for i, t in enumerate(texts)
    ]
    return rss, reddit, hn


def build_pages(mentions: int) -> Pages:
    pages = Pages()
    if FIXTURES.is_dir():
        rss = _rss_templates()
        reddit = [
            c
            for name in REDDIT_FILES
            for c in json.loads((FIXTURES / "reddit" / name).read_text("utf-8"))["data"]["children"]
            if c.get("kind") in ("t1", "t3")
        ]
        hn = [
            h
            for f in sorted((FIXTURES / "hackernews").glob("*.json"))
            for h in json.loads(f.read_text("utf-8"))["hits"]
        ]
        pages.note = (
            f"payloads: recorded fixtures from {FIXTURES} ({len(RSS_FILES)} RSS 2.0 feeds, "
            f"{len(reddit)} Reddit t1/t3 children, {len(hn)} HN hits), multiplied with unique ids"
        )
    else:
        rss, reddit, hn = _generated()
        pages.note = (
            f"NOTE: {FIXTURES} not found: payloads are GENERATED in memory (RSS 2.0 / Reddit / HN shapes)"
        )
    quota = {p: int(mentions * s) for p, s in SHARE.items()}
    quota["hackernews"] = mentions - quota["rss"] - quota["reddit"]
    copy = 0
    while pages.items["rss"] < quota["rss"]:
        body, n = _rss_page(rss[copy % len(rss)], copy, quota["rss"] - pages.items["rss"])
        pages.bodies["rss"].append(body)
        pages.items["rss"] += n
        copy += 1
    serial = 0
    while pages.items["reddit"] < quota["reddit"]:
        children = []
        for _ in range(min(PER_PAGE, quota["reddit"] - pages.items["reddit"])):
            src = reddit[serial % len(reddit)]
            children.append({**src, "data": {**src["data"], "name": f"{src['kind']}_bench{serial}"}})
            serial += 1
        pages.items["reddit"] += len(children)
        listing = {"kind": "Listing", "data": {"after": None, "dist": len(children), "children": children}}
        pages.bodies["reddit"].append(json.dumps(listing).encode())
    while pages.items["hackernews"] < quota["hackernews"]:
        hits = []
        for _ in range(min(PER_PAGE, quota["hackernews"] - pages.items["hackernews"])):
            hits.append({**hn[serial % len(hn)], "objectID": str(900_000_000 + serial)})
            serial += 1
        pages.items["hackernews"] += len(hits)
        payload = {"hits": hits, "nbHits": len(hits), "page": 0, "nbPages": 1, "hitsPerPage": PER_PAGE}
        pages.bodies["hackernews"].append(json.dumps(payload).encode())
    pages.rewind()
    return pages


# --------------------------------------------------------------------------------------------------
# database


class Database:
    """A throwaway database: a temp SQLite file or a fresh PostgreSQL database."""

    def __init__(self, backend: str, pg_url: str, tag: str = "") -> None:
        self.backend, self.pg_url, self.tag = backend, pg_url, tag
        self.tmpdir: str | None = None
        self.name: str | None = None

    def create(self) -> str:
        if self.backend == "sqlite":
            self.tmpdir, url = temp_sqlite("listener_bench_collect_", "collect.db")
            return url
        self.name = f"listener_bench_collect{self.tag}_{os.getpid()}"
        return create_postgres(self.pg_url, self.name)

    def drop(self) -> None:
        if self.tmpdir:
            remove_dir(self.tmpdir)
        elif self.name:
            drop_postgres(self.pg_url, self.name)


def setup(engine: Engine) -> None:
    """Migrate and add the brands and their queries."""
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        brands: dict[str, Brand] = {}
        for name, role, expression in QUERIES:
            brand = brands.get(name) or Brand(name=name, aliases=[], default_language="en")
            brands[name] = brand
            session.add(brand)
            session.flush()
            session.add(Query(brand_id=brand.id, name=f"{name} {role}", expression=expression, role=role))


# --------------------------------------------------------------------------------------------------
# stages


def collectors(client: httpx.Client, settings: Settings) -> dict[str, tuple[Any, Any]]:
    return {
        "rss": (RssCollector(client, settings), RssParams(urls=[f"https://{RSS_HOST}/feed.xml"])),
        "reddit": (RedditCollector(client, settings), RedditParams(query="apple OR google")),
        "hackernews": (HackerNewsCollector(client, settings), HackerNewsParams(query="apple")),
    }


_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def api_batches(routed: list[Incoming], size: int = 1000) -> list[list[dict[str, Any]]]:
    """The routed mentions in the ``POST /api/v1/ingest`` shape (new external ids), in batches."""
    items = []
    for inc in routed:
        m = inc.mention
        items.append(
            {
                "platform": m.platform,
                "external_id": f"api:{m.external_id}"[:512],
                "url": m.url,
                "text": m.text[:100_000],
                "title": m.title[:2000] if m.title else None,
                "kind": m.kind,
                "author": {"handle": m.author.handle, "name": m.author.name, "reach": m.author.reach},
                "engagement": {k: max(0, v) for k, v in m.engagement.items()},
                "rating": m.rating,
                "details": m.details,
                "in_reply_to": m.in_reply_to,
                "published_at": m.published_at.isoformat(),
                "language": m.language if m.language and _LANGUAGE.match(m.language) else None,
                "brand": inc.brand,
                "brands": inc.brands,
            }
        )
    return [items[i : i + size] for i in range(0, len(items), size)]


class ApiIngest:
    """A ``listener serve`` process on its own fresh database, fed batches one at a time."""

    def __init__(self, backend: str, pg_url: str, batches: list[list[dict[str, Any]]]) -> None:
        self.db = Database(backend, pg_url, "api")
        self.work = Path(tempfile.mkdtemp(prefix="listener_bench_collect_api_"))
        url = self.db.create()
        engine = make_engine(url)
        setup(engine)
        engine.dispose()
        key = new_key(url, None, "admin")
        self.proc, port = serve(url, None, self.work, "serve_api")
        self.client = httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"}, timeout=600
        )
        self.todo = list(batches)
        self.posted = 0
        self.seconds = 0.0
        if self.todo:  # warm-up, untimed
            self.client.post("/api/v1/ingest", json={"mentions": self.todo.pop(0)}).raise_for_status()

    def post_next(self) -> None:
        if not self.todo:
            return
        batch = self.todo.pop(0)
        t0 = time.perf_counter()
        self.client.post("/api/v1/ingest", json={"mentions": batch}).raise_for_status()
        self.seconds += time.perf_counter() - t0
        self.posted += len(batch)

    def close(self) -> None:
        self.client.close()
        self.proc.stop()
        self.db.drop()
        remove_dir(str(self.work))


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f} mentions/s" if seconds > 0 else "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument(
        "--mentions",
        type=int,
        default=5_000,
        help="distinct mentions to serve (RSS parsing is slow: 5,000 keeps a run near 1 min)",
    )
    ap.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="a server's maintenance database URL")
    ap.add_argument("--no-api", dest="api", action="store_false", help="skip the same-run API ingest")
    args = ap.parse_args(argv)
    if args.mentions < 10:
        ap.error("--mentions must be at least 10")

    started = time.perf_counter()
    table: list[tuple[str, str]] = []

    def say(line: str = "") -> None:
        print(line, flush=True)

    pages = build_pages(args.mentions)
    order = pages.order()
    settings = Settings(_env_file=None, reddit_client_id="")  # type: ignore[call-arg]
    client = make_client(settings, transport=httpx.MockTransport(pages.handler))
    cols = collectors(client, settings)

    say("=" * 100)
    say(
        f"benchmarks/collect.py --backend {args.backend} --mentions {args.mentions:,}: "
        f"{len(order):,} pages ({', '.join(f'{p} {len(b):,}' for p, b in pages.bodies.items())})"
    )
    say(pages.note)
    say(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load_average()}; "
        f"started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    say("-" * 100)

    # 1. parse + normalise
    per_platform: dict[str, list[float]] = {p: [0.0, 0] for p in pages.bodies}  # type: ignore[misc]
    items: list[dict[str, Any]] = []
    t_parse = 0.0
    for platform in order:
        collector, params = cols[platform]
        t0 = time.perf_counter()
        batch = collector.collect(params, None)
        dt = time.perf_counter() - t0
        t_parse += dt
        per_platform[platform][0] += dt
        per_platform[platform][1] += len(batch.mentions)
        items.extend(batch.mentions)
    n = len(items)
    distinct = len({(m.platform, m.external_id) for m in items})
    say(f"parse + normalise (collector.collect over MockTransport): {n:,} mentions ({distinct:,} distinct)")
    say(f"  all platforms           {rate(n, t_parse):>20}   ({t_parse:.2f} s)")
    table.append(("parse + normalise, all platforms (collector.collect)", rate(n, t_parse)))
    for platform, (dt, count) in per_platform.items():
        say(f"  {platform:<22}  {rate(int(count), dt):>20}   ({int(count):,} mentions, {dt:.2f} s)")
        table.append((f"parse + normalise, {platform}", rate(int(count), dt)))
    say("-" * 100)

    # 2. match
    t0 = time.perf_counter()
    router = BrandRouter((brand, expression) for brand, _role, expression in QUERIES)
    t_compile = time.perf_counter() - t0
    t0 = time.perf_counter()
    routed, _ = router.route_raw(items)
    t_match = time.perf_counter() - t0
    matched = len(routed)
    say(f"match (BrandRouter, {router.size} queries over {len({b for b, _, _ in QUERIES})} brands)")
    say(
        f"  route                   {rate(n, t_match):>20}   "
        f"({t_match:.2f} s; compile {t_compile * 1000:.1f} ms)"
    )
    say(f"  matched {matched:,} of {n:,} ({100 * matched / n:.1f}%); unmatched ones are not stored")
    table.append(("match (BrandRouter.route_raw)", rate(n, t_match)))
    table.append(("matched share", f"{100 * matched / n:.1f}%"))
    say("-" * 100)

    # 3. full path beside a raw executemany
    db = Database(args.backend, args.postgres_url)
    engine: Engine | None = None
    api: ApiIngest | None = None
    try:
        if args.api:
            api = ApiIngest(args.backend, args.postgres_url, api_batches(routed))
        url = db.create()
        engine = make_engine(url)
        setup(engine)
        with engine.connect() as conn:
            version = conn.exec_driver_sql(
                "SELECT version()" if args.backend == "postgres" else "SELECT sqlite_version()"
            ).scalar()
        say(f"database: {make_url(url).render_as_string(hide_password=True)} ({str(version)[:60]})")
        sessions = make_session_factory(engine)
        mention_table = Mention.__table__
        pages.rewind()
        t_full = t_raw = 0.0
        collected = stored = clustered = raw_rows = 0
        for platform in order:
            collector, params = cols[platform]
            t0 = time.perf_counter()
            batch = collector.collect(params, None)
            with session_scope(sessions) as session:
                routed_page, _ = BrandRouter.load(session).route_raw(batch.mentions)
                outcome = store_batch(session, routed_page)
                alert_on_new(session, outcome.created_ids, settings=settings)
            t_full += time.perf_counter() - t0
            collected += len(batch.mentions)
            while api is not None and api.todo and api.posted + 1000 <= collected:
                api.post_next()  # interleaved: the same machine load for both
            stored += outcome.created
            clustered += outcome.clustered
            if not outcome.created_ids:
                continue
            with engine.connect() as conn:  # the same rows, read back outside the timing
                rows = [
                    {**dict(r._mapping), "external_id": f"raw:{r.external_id}"}
                    for r in conn.execute(
                        select(mention_table).where(mention_table.c.id.in_(outcome.created_ids))
                    )
                ]
            for r in rows:
                r.pop("id")
            t0 = time.perf_counter()
            with engine.begin() as conn:
                conn.execute(insert(mention_table), rows)
            t_raw += time.perf_counter() - t0
            raw_rows += len(rows)
        with engine.connect() as conn:
            total = int(conn.scalar(select(func.count()).select_from(Mention)) or 0)
        say(
            f"full path per page (collect -> route -> store_batch, 1 transaction per page): "
            f"{collected:,} collected, {stored:,} stored, {clustered:,} clustered as near-duplicates"
        )
        say(f"  full path, per collected mention {rate(collected, t_full):>20}   ({t_full:.2f} s)")
        say(f"  full path, per stored mention    {rate(stored, t_full):>20}")
        say(f"  raw Core executemany, same rows  {rate(raw_rows, t_raw):>20}   ({t_raw:.2f} s)")
        ratio = (raw_rows / t_raw) / (stored / t_full) if stored and t_raw and t_full else float("nan")
        say(f"  ratio raw / full path (per stored row): {ratio:.1f}x; table now holds {total:,} rows")
        say(
            "  (every page repeats fixture texts with new ids; copies that the clustering window catches "
            "are marked duplicate_of, one UPDATE each)"
        )
        table.append(
            ("full path, parse -> match -> store_batch (per collected mention)", rate(collected, t_full))
        )
        table.append(("full path, per stored mention", rate(stored, t_full)))
        table.append(
            ("raw Core executemany insert of the same rows, 1 transaction per page", rate(raw_rows, t_raw))
        )
        table.append(("ratio raw insert / full path (per stored row)", f"{ratio:.1f}x"))
        if api is not None:
            while api.todo:
                api.post_next()
            api_rate = api.posted / api.seconds if api.seconds else float("nan")
            full_rate = collected / t_full if t_full else float("nan")
            say(
                f"  API ingest (listener serve, POST /api/v1/ingest, {api.posted:,} matched mentions "
                f"in batches of 1,000) {rate(api.posted, api.seconds):>14}   ({api.seconds:.2f} s)"
            )
            ratio_api = full_rate / api_rate
            say(f"  collection / API ingest (per collected / per posted mention): {ratio_api:.2f}x")
            table.append(("API ingest of the matched mentions, same run", rate(api.posted, api.seconds)))
            table.append(("collection / API ingest", f"{ratio_api:.2f}x"))
    finally:
        client.close()
        if api is not None:
            api.close()
        if engine is not None:
            engine.dispose()
        db.drop()
    say("-" * 100)
    say(f"total {time.perf_counter() - started:,.0f} s; load average now {load_average()}")
    say("(compare figures within one run, not across runs)")
    say("")
    say("| backend | mentions | figure | value |")
    say("|---|---|---|---|")
    for name, value in table:
        say(f"| {args.backend} | {args.mentions:,} | {name} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
