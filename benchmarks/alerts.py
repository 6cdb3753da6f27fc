"""Benchmark: ingest -> Slack POST latency of per-mention rules, and the cost of 1,000 windowed rules.

    .venv/bin/python benchmarks/alerts.py [--database URL] [--mentions 200] [--seed-rows 20000]
        [--brands 10] [--rules 1000] [--repeats 3] [--seed 7] [--keep] [--profile]

1. Setup: a fresh database (default a temp SQLite file; with ``--database postgresql+psycopg://...``
   the URL names a server and a maintenance database, and the script creates a scratch database
   ``listener_bench_alerts_<pid>`` there), migrated with ``listener.storage.migrate.upgrade``;
   ``--brands`` brands; ``--seed-rows`` pre-analysed mentions over 5 weeks (hourly and weekly shape,
   sentiment labels and scores, topics, keyphrases, hashtags, authors, reach), inserted with Core
   executemany; three brands get an event in the last hours (a negative burst, a new hashtag, a
   silent source) so that some rules fire.
2. Per-mention latency: a stdlib ``http.server`` on 127.0.0.1 in a thread plays the Slack incoming
   webhooks and timestamps each POST once its body is read. Every brand has its own ``mention`` rule
   (``crisis_terms``) routed to its own Slack channel (a path on that server). ``--mentions`` times:
   store one matching mention through ``listener.pipeline.ingest.store_batch`` (NLP, clustering and the
   per-mention rules in the same transaction) and commit; the worker's outbox job
   (``alert_jobs.Outbox.tick`` on an APScheduler interval of ``DELIVER_SECONDS``, as ``listener
   worker`` runs it) sends it; wait for the POST. ``--inline-delivery`` calls
   ``alert_jobs.deliver`` right after the commit instead (the pipeline's own cost). Figure: t(POST received) -
   t(before store). The brands take turns, and an iteration waits (untimed) until its webhook has
   been quiet for 1 s, so no message ever meets Slack's one-message-a-second limit. Baseline, same
   run, interleaved: a bare httpx POST of the same JSON body (a new client each time, as deliver
   does; a keep-alive client is shown too).
3. Windowed rules: ``--rules`` rules of every windowed type (seasonal and ratio spike, reach_spike,
   frequency, negative_share, sentiment_shift, cardinality, new_term, flatline, composite), scoped
   across the brands (one brand, two brands or all; some narrowed by platform, language or topic),
   each with the brand's channel. ``listener.engine.evaluation.evaluate(session, now)`` is timed
   ``--repeats`` times (commit after each, untimed; the first round opens incidents and queues
   notifications, the next ones update them); each rule's ``alerting._run`` is timed too, for the
   per-type means. Baseline, same run, interleaved: one plain ``SELECT count(*)`` per rule over the
   rule's scope and look-back (the least any evaluator has to ask the database).

``--profile`` adds a cProfile of one more evaluation round. Compare figures only with others printed
by the same run (see ../shared/PERFORMANCE.md: the machine drifts 10-25% between runs).
"""

from __future__ import annotations

# Run as ``python benchmarks/alerts.py``, Python puts this script's directory first on sys.path, and
# then ``import alerts`` (the project's rule package, imported by listener.engine.evaluation) would import
# THIS file, which is also named alerts.py. So the script's own directory comes off sys.path, and
# the repository root goes on, before any project import.
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import queue  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402
from apscheduler.schedulers.background import BackgroundScheduler  # noqa: E402
from sqlalchemy import Engine, func, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

import alerts.base  # noqa: E402
from alerts.notifiers import NOTIFIERS  # noqa: E402
from benchmarks.common import (  # noqa: E402
    create_postgres,
    drop_postgres,
    load_average,
    pct,
    progress,
    remove_dir,
    temp_sqlite,
)
from listener.engine import delivery  # noqa: E402
from listener.engine import evaluation as alerting  # noqa: E402
from listener.engine.new_mentions import alert_on_new  # noqa: E402
from listener.engine.window import scoped  # noqa: E402
from listener.pipeline.ingest import store_batch  # noqa: E402
from listener.schemas.mentions import MentionIn  # noqa: E402
from listener.settings import Settings  # noqa: E402
from listener.storage.db import make_engine, make_session_factory, session_scope  # noqa: E402
from listener.storage.migrate import is_empty, upgrade  # noqa: E402
from listener.storage.models import AlertRule, Brand, Channel, Incident, Mention, Notification  # noqa: E402
from listener.worker import alert_jobs  # noqa: E402
from listener.worker.scheduler import ALERT_TICK_SECONDS, DELIVER_SECONDS  # noqa: E402

assert Path(alerts.base.__file__).resolve().parent == _HERE.parent / "alerts", "imported the wrong alerts"

RuleType = alerts.base.RuleType
TARGET_P99_MS = 2000.0
SLACK_MIN_GAP = NOTIFIERS["slack"].pacing.min_gap  # the Slack notifier's pacing
# what the worker is handed: the local sinks allowed by the outbound-address policy
SETTINGS = Settings(outbound_allow="127.0.0.1", _env_file=None)
WEEKS = 5
WAIT_POST_S = 15.0
INLINE = False  # set by --inline-delivery

# --------------------------------------------------------------------------------------------------
# synthetic data

BRAND_NAMES = [
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent",
    "Wonka", "Oscorp", "Monarch", "Vandelay", "Dunder", "Gringotts", "Nakatomi", "Pied", "Virtucon", "Zorg",
]  # fmt: skip
PLATFORMS = ["twitter", "reddit", "mastodon", "bluesky", "youtube", "appstore", "hackernews", "news"]
PLATFORM_W = [35, 15, 7, 8, 10, 7, 5, 13]
TOPICS = ["delivery", "price", "billing_refund", "product_quality", "customer_service", "app_bug_outage"]
LABELS = ["positive", "negative", "neutral", "unscored"]
LABEL_W = [35, 35, 25, 5]
SUBJECTS = ["my order", "the app", "support", "the new price", "my refund", "the website", "the package"]
PREDICATES = {
    "positive": ["is amazing", "works great", "made my day", "was super helpful"],
    "negative": ["is terrible", "keeps crashing", "never arrived", "is a total scam", "is so slow"],
    "neutral": ["changed today", "anyone tried it?", "was on the news", "has a new look"],
    "unscored": ["hmm", "ok"],
}
HASHTAGS = ["#fail", "#help", "#love", "#deal", "#update", "#tech", "#customerservice"]
WORDS = [
    *("today", "again", "really", "honestly", "finally", "still", "just", "maybe", "literally"),
    *("seriously", "already", "yesterday", "morning", "tonight", "weekend", "week", "month"),
    *("support", "team", "store", "city", "phone", "laptop", "account", "card", "email"),
]
CRISIS_TERMS = ["lawsuit", "data breach", "recall", "food poisoning"]


def _hour_weight(at: datetime) -> float:
    """Relative volume: a daily curve (low at night) and quieter weekends."""
    daily = 0.35 + 0.65 * math.sin(math.pi * max(0.0, min(1.0, (at.hour - 6) / 17))) ** 2
    return daily * (0.7 if at.weekday() >= 5 else 1.0)


class Seeder:
    """Pre-analysed mention rows over ``WEEKS`` weeks before ``now``."""

    def __init__(self, seed: int, now: datetime, brand_ids: list[int]) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.brand_ids = brand_ids
        zipf = [1 / (i + 1) ** 0.8 for i in range(len(brand_ids))]
        self.brand_w = [w / sum(zipf) for w in zipf]
        self.n = 0

    def row(self, brand_id: int, at: datetime, *, label: str | None = None, tag: str | None = None) -> dict:
        r = self.rng
        self.n += 1
        label = label or r.choices(LABELS, LABEL_W)[0]
        platform = r.choices(PLATFORMS, PLATFORM_W)[0]
        topic = r.choice(TOPICS) if r.random() < 0.85 else None
        subject = r.choice(SUBJECTS)
        words = " ".join(r.sample(WORDS, 3))
        tags = [tag] if tag else ([r.choice(HASHTAGS)] if r.random() < 0.35 else [])
        text = (
            f"{subject} from brand{brand_id} {r.choice(PREDICATES[label])} {words} {' '.join(tags)}".strip()
        )
        score = {
            "positive": round(r.uniform(0.05, 0.95), 4),
            "negative": round(r.uniform(-0.95, -0.05), 4),
            "neutral": round(r.uniform(-0.04, 0.04), 4),
            "unscored": None,
        }[label]
        reach = min(int(r.lognormvariate(5.5, 1.8)), 50_000_000)
        return {
            "platform": platform,
            "external_id": f"seed-{self.n}",
            "brand_id": brand_id,
            "url": f"https://example.com/{platform}/{self.n}",
            "kind": "review" if platform == "appstore" else "news" if platform == "news" else "post",
            "text": text,
            "author_handle": f"user{r.randrange(20_000)}",
            "author_reach": reach,
            "engagement": {"likes": int(reach**0.5) % 997},
            "rating": float(r.choice((1, 2))) if platform == "appstore" and label == "negative" else None,
            "published_at": at,
            "collected_at": at + timedelta(minutes=2),
            "language": "tr" if r.random() < 0.2 else "en",
            "language_confidence": 0.95,
            "sentiment_score": score,
            "sentiment_label": label,
            "topics": [topic] if topic else [],
            "crisis_terms": [],
            "keyphrases": [subject],
            "analyzed_at": at + timedelta(minutes=2),
            "status": "new",
            "tags": [],
            "notes": [],
            "updated_at": at + timedelta(minutes=2),
        }

    def rows(self, total: int) -> list[dict]:
        """``total`` rows spread by the hourly weights, plus three events in the last hours:
        brand 0 a negative burst in the last hour, brand 1 a new hashtag, brand 2 a silent source
        for the last 3 hours (the silent brand's share of the last 3 hours is not generated)."""
        r = self.rng
        start = self.now - timedelta(weeks=WEEKS)
        hours = [start + timedelta(hours=h) for h in range(WEEKS * 7 * 24)]
        weights = [_hour_weight(h) for h in hours]
        scale = total / sum(weights)
        out: list[dict] = []
        b0, b1, b2 = self.brand_ids[0], self.brand_ids[1 % len(self.brand_ids)], self.brand_ids[-1]
        burst = max(20, total // 400)
        budget = total - burst - burst // 2
        scale = budget / sum(weights)
        carry = 0.0
        for hour, w in zip(hours, weights, strict=True):
            carry += w * scale
            k, carry = int(carry), carry - int(carry)
            for _ in range(k):
                at = hour + timedelta(seconds=r.random() * 3600)
                if at > self.now:
                    continue
                brand = r.choices(self.brand_ids, self.brand_w)[0]
                if brand == b2 and at > self.now - timedelta(hours=3):
                    continue
                out.append(self.row(brand, at))
        for _ in range(burst):
            out.append(self.row(b0, self.now - timedelta(seconds=r.random() * 3300), label="negative"))
        for _ in range(burst // 2):
            out.append(self.row(b1, self.now - timedelta(seconds=r.random() * 3300), tag="#bench_newthing"))
        return out


# --------------------------------------------------------------------------------------------------
# database


class Database:
    """A throwaway database: a temp SQLite file (or an empty one named by --database), or a scratch
    PostgreSQL database created through the server of --database."""

    def __init__(self, url: str | None, keep: bool) -> None:
        self.given, self.keep = url, keep
        self.tmpdir: str | None = None
        self.pg_admin: str | None = None
        self.name: str | None = None
        self.url = ""

    def create(self) -> str:
        if self.given is None:
            self.tmpdir, self.url = temp_sqlite("listener_bench_alerts_", "alerts.db")
        elif self.given.startswith("sqlite"):
            self.url = self.given
        else:
            self.pg_admin = self.given
            self.name = f"listener_bench_alerts_{os.getpid()}"
            self.url = create_postgres(self.given, self.name)
        return self.url

    def drop(self) -> None:
        if self.keep or (self.given and self.given.startswith("sqlite")):
            print(
                f"kept the database: {make_url(self.url).render_as_string(hide_password=True)}",
                file=sys.stderr,
            )
            return
        if self.tmpdir:
            remove_dir(self.tmpdir)
        elif self.name and self.pg_admin:
            drop_postgres(self.pg_admin, self.name)


# --------------------------------------------------------------------------------------------------
# the Slack stand-in


class SlackSink:
    """Stdlib HTTP server on 127.0.0.1: answers ``ok`` like a Slack incoming webhook and queues
    ``(perf_counter at body read, path, body)`` for every POST."""

    def __init__(self) -> None:
        self.posts: queue.Queue[tuple[float, str, bytes]] = queue.Queue()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                sink.posts.put((time.perf_counter(), self.path, body))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def next_post(self, timeout: float = WAIT_POST_S) -> tuple[float, str, bytes] | None:
        try:
            return self.posts.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --------------------------------------------------------------------------------------------------
# figures


def fmt_pct(values: list[float], unit: str = "ms") -> str:
    p50, p95, p99, mx = pct(values)
    return f"p50 {p50:8.1f}  p95 {p95:8.1f}  p99 {p99:8.1f}  max {mx:8.1f} {unit}"


# --------------------------------------------------------------------------------------------------
# setup


def setup(
    engine: Engine, sessions: sessionmaker[Session], n_brands: int, sink: SlackSink
) -> tuple[list[int], list[int]]:
    """Migrate; brands and one Slack channel each (a path on the sink). Returns brand and channel ids."""
    upgrade(engine)
    with session_scope(sessions) as s:
        brands = [
            Brand(
                name=BRAND_NAMES[i] if i < len(BRAND_NAMES) else f"Brand{i}",
                aliases=[],
                default_language="en",
            )
            for i in range(n_brands)
        ]
        s.add_all(brands)
        s.flush()
        channels = [
            Channel(
                name=f"slack-{b.name.lower()}",
                type="slack",
                config={"webhook_url": f"{sink.url}/services/T000/B{b.id:03d}/bench", "timeout": 10},
                enabled=True,
            )
            for b in brands
        ]
        s.add_all(channels)
        s.flush()
        return [b.id for b in brands], [c.id for c in channels]


def seed(engine: Engine, seeder: Seeder, total: int) -> int:
    rows = seeder.rows(total)
    table = Mention.__table__
    with engine.begin() as conn:
        for i in range(0, len(rows), 5000):
            conn.execute(insert(table), rows[i : i + 5000])
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE mention")
        else:
            conn.exec_driver_sql("ANALYZE")
    return len(rows)


# --------------------------------------------------------------------------------------------------
# 1. per-mention latency


def crisis_item(rng: random.Random, n: int, brand: str) -> tuple[dict[str, Any], str]:
    """One validated ingest item naming a crisis term, with a unique token to find it in the POST."""
    token = f"case{n:05d}x{rng.randrange(10**6):06d}"
    term = rng.choice(CRISIS_TERMS)
    words = " ".join(rng.sample(WORDS, 6))
    text = (
        f"{brand} {rng.choice(['faces a', 'hit by a', 'confirms a', 'denies the'])} {term} {words} "
        f"ref {token} {rng.choice(HASHTAGS)}"
    )
    item = {
        "platform": rng.choice(["twitter", "reddit", "mastodon", "bluesky"]),
        "external_id": f"crisis-{n}-{token}",
        "url": f"https://example.com/crisis/{n}",
        "text": text,
        "kind": "post",
        "author": {"handle": f"reporter{n % 97}", "name": "Reporter", "reach": 1000 + rng.randrange(90_000)},
        "engagement": {"likes": rng.randrange(500)},
        "published_at": (datetime.now(UTC) - timedelta(seconds=2)).isoformat(),
        "language": "en",
        "brand": brand,
    }
    return MentionIn.model_validate(item).model_dump(), token


def pipeline_once(
    sessions: sessionmaker[Session], sink: SlackSink, item: dict[str, Any], token: str
) -> tuple[float, float, float, bytes, int] | None:
    """Store ``item`` and commit, deliver the outbox as the worker's job does; returns (t before the
    store, t after the commit, t the sink read the POST, its body, mentions clustered), or None when
    no POST carrying ``token`` arrived."""
    t0 = time.perf_counter()
    with session_scope(sessions) as s:
        outcome = store_batch(s, [item])
        alert_on_new(s, outcome.created_ids, settings=SETTINGS)
    t1 = time.perf_counter()
    if INLINE:  # --inline-delivery: deliver right after the commit, no job in between
        with delivery.outbound_client(SETTINGS) as client:  # one per call, as before
            alert_jobs.deliver(sessions, client)
    got = sink.next_post(timeout=WAIT_POST_S)
    if got is None or token.encode() not in got[2]:
        return None
    return t0, t1, got[0], got[2], outcome.clustered


def measure_latency(
    sessions: sessionmaker[Session],
    sink: SlackSink,
    brand_ids: list[int],
    channel_ids: list[int],
    n: int,
    seed_: int,
) -> dict[str, Any]:
    rng = random.Random(seed_)
    with session_scope(sessions) as s:
        names = {b.id: b.name for b in s.scalars(select(Brand))}
        for bid, cid in zip(brand_ids, channel_ids, strict=True):
            s.add(
                AlertRule(
                    name=f"crisis-{names[bid]}",
                    type="mention",
                    params={"crisis_terms": CRISIS_TERMS, "any_crisis_term": False},
                    scope={"brand_ids": [bid]},
                    severity="critical",
                    channels=[cid],
                )
            )
    last_post: dict[int, float] = {}  # brand index -> perf_counter of its webhook's last POST
    total_ms: list[float] = []
    store_ms: list[float] = []
    deliver_ms: list[float] = []
    bare_new_ms: list[float] = []
    bare_keep_ms: list[float] = []
    missed = clustered = 0
    body_for_bare: bytes | None = None  # the first Slack message the pipeline sent
    slept = 0.0
    keep_client = httpx.Client(timeout=10.0, headers={"User-Agent": "listener-alerts"})
    warm = 3
    started = time.perf_counter()

    def bare(body: bytes, client: httpx.Client | None) -> float:
        """ms from before the POST (and before the new client, if any) to the sink reading it."""
        url = f"{sink.url}/bare"  # the baseline's POSTs: same server, same body, their own path
        t0 = time.perf_counter()
        if client is None:
            with httpx.Client(timeout=10.0, headers={"User-Agent": "listener-alerts"}) as c:
                c.post(url, content=body, headers={"Content-Type": "application/json"}).raise_for_status()
        else:
            client.post(url, content=body, headers={"Content-Type": "application/json"}).raise_for_status()
        got = sink.next_post()
        assert got is not None, "the sink never received the bare POST"
        return (got[0] - t0) * 1000

    for i in range(warm + n):
        k = i % len(brand_ids)
        wait = SLACK_MIN_GAP - (time.perf_counter() - last_post.get(k, -1e9))
        if wait > 0:  # untimed: the webhook has been quiet for 1 s before its next message
            time.sleep(wait)
            slept += wait
        if not INLINE:  # untimed: mentions arrive at random moments of the job's second, as in life
            pause = rng.random() * DELIVER_SECONDS
            time.sleep(pause)
            slept += pause
        item, token = crisis_item(rng, i, names[brand_ids[k]])
        timed = i >= warm
        if timed and body_for_bare is not None and i % 2 == 1:  # alternate which goes first
            bare_new_ms.append(bare(body_for_bare, None))
            bare_keep_ms.append(bare(body_for_bare, keep_client))
        got = pipeline_once(sessions, sink, item, token)
        if got is None:
            missed += 1
        else:
            t0, t1, received, body, dup = got
            clustered += dup
            last_post[k] = received
            body_for_bare = body_for_bare or body
            if timed:
                total_ms.append((received - t0) * 1000)
                store_ms.append((t1 - t0) * 1000)
                deliver_ms.append((received - t1) * 1000)
        if timed and body_for_bare is not None and i % 2 == 0:
            bare_new_ms.append(bare(body_for_bare, None))
            bare_keep_ms.append(bare(body_for_bare, keep_client))
        if timed and (i - warm + 1) % 50 == 0:
            progress(f"latency {i - warm + 1}/{n}: p50 {pct(total_ms)[0]:.0f} ms")
    keep_client.close()
    client_ms = []
    for _ in range(20):
        t0 = time.perf_counter()
        httpx.Client(timeout=10.0).close()
        client_ms.append((time.perf_counter() - t0) * 1000)
    with session_scope(sessions) as s:
        sent = s.scalar(select(func.count()).select_from(Notification).where(Notification.status == "sent"))
        rules_n = s.scalar(select(func.count()).select_from(AlertRule).where(AlertRule.type == "mention"))
    return {
        "total": total_ms,
        "store": store_ms,
        "deliver": deliver_ms,
        "bare_new": bare_new_ms,
        "bare_keep": bare_keep_ms,
        "missed": missed,
        "clustered": clustered,
        "sent": sent,
        "rules": rules_n,
        "slept": slept,
        "wall": time.perf_counter() - started,
        "body_bytes": len(body_for_bare or b""),
        "client": client_ms,
    }


# --------------------------------------------------------------------------------------------------
# 2. windowed rules


def _scope(rng: random.Random, brand_ids: list[int]) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.8:
        scope: dict[str, Any] = {"brand_ids": [rng.choice(brand_ids)]}
    elif roll < 0.9:
        scope = {"brand_ids": sorted(rng.sample(brand_ids, min(2, len(brand_ids))))}
    else:
        scope = {}
    extra = rng.random()
    if extra < 0.2:
        scope["platforms"] = sorted(rng.sample(PLATFORMS[:5], 2))
    elif extra < 0.3:
        scope["languages"] = ["en"]
    elif extra < 0.4:
        scope["topics"] = [rng.choice(TOPICS)]
    return scope


def _params(rng: random.Random, kind: str) -> tuple[str, dict[str, Any]]:
    """(rule type, params) for one rule of the benchmark's ``kind``."""
    if kind == "spike":
        return "spike", {"sensitivity": rng.choice(["low", "medium", "high"])}
    if kind == "spike-ratio":
        return "spike", {
            "mode": "ratio",
            "ratio": rng.choice([1.5, 2.0, 3.0]),
            "ratio_window_minutes": rng.choice([60, 120]),
        }
    if kind == "reach_spike":
        return "reach_spike", {"min_reach": rng.choice([5_000, 10_000, 50_000])}
    if kind == "frequency":
        return "frequency", {
            "threshold": rng.choice([5, 10, 20]),
            "window_minutes": rng.choice([30, 60, 180]),
            "filter": rng.choice(
                [{}, {"min_reach": 1000}, {"topics": [rng.choice(TOPICS)]}, {"max_rating": 2}]
            ),
        }
    if kind == "negative_share":
        return "negative_share", {
            "threshold": rng.choice([0.3, 0.4, 0.5]),
            "min_mentions": rng.choice([5, 10, 20]),
            "window_minutes": rng.choice([60, 180]),
        }
    if kind == "sentiment_shift":
        return "sentiment_shift", {
            "window_minutes": rng.choice([120, 180, 360]),
            "min_mentions": rng.choice([5, 10, 15]),
            "baseline_days": rng.choice([14, 28]),
        }
    if kind == "cardinality":
        return "cardinality", {"threshold": rng.choice([10, 20, 50]), "window_minutes": rng.choice([60, 120])}
    if kind == "new_term":
        return "new_term", {"min_mentions": rng.choice([3, 5]), "window_minutes": rng.choice([60, 120])}
    if kind == "flatline":
        return "flatline", {
            "window_minutes": rng.choice([120, 180]),
            "min_expected": rng.choice([2, 5, 10]),
            "max_ratio": 0.2,
        }
    if kind == "composite":
        return "composite", {
            "op": "and",
            "rules": [
                {"type": "spike", "params": {}},
                {"type": "negative_share", "params": {"threshold": 0.4, "min_mentions": 5}},
            ],
        }
    raise ValueError(kind)


# how many of every 100 rules are of each kind
MIX = {
    "spike": 15,
    "spike-ratio": 10,
    "reach_spike": 10,
    "frequency": 10,
    "negative_share": 12,
    "sentiment_shift": 10,
    "cardinality": 8,
    "new_term": 8,
    "flatline": 7,
    "composite": 10,
}


def make_rules(
    sessions: sessionmaker[Session],
    n: int,
    brand_ids: list[int],
    channel_by_brand: dict[int, int],
    seed_: int,
) -> dict[str, list[int]]:
    """``n`` windowed rules in the ``MIX`` proportions; returns rule ids per kind."""
    rng = random.Random(seed_ + 1)
    kinds = [k for k, w in MIX.items() for _ in range(w)]
    rng.shuffle(kinds)  # exact proportions in every 100 rules, all kinds even in a small run
    by_kind: dict[str, list[int]] = defaultdict(list)
    with session_scope(sessions) as s:
        rules = []
        for i in range(n):
            kind = kinds[i % len(kinds)]
            rtype, params = _params(rng, kind)
            scope = _scope(rng, brand_ids)
            alerting.parse_params(rtype, params, scope)  # raises on invalid params
            brands = scope.get("brand_ids") or brand_ids[:1]
            rules.append(
                (
                    kind,
                    AlertRule(
                        name=f"bench-{kind}-{i}",
                        type=rtype,
                        params=params,
                        scope=scope,
                        severity=rng.choice(["info", "warning", "critical"]),
                        channels=[channel_by_brand[brands[0]]],
                    ),
                )
            )
        s.add_all([r for _, r in rules])
        s.flush()
        for kind, r in rules:
            by_kind[kind].append(r.id)
    return by_kind


def count_baseline(sessions: sessionmaker[Session], now: datetime) -> float:
    """Seconds for one plain COUNT per enabled windowed rule over its scope and look-back."""
    with sessions() as s:
        rules = [
            r for r in s.scalars(select(AlertRule).where(AlertRule.enabled.is_(True))) if r.type != "mention"
        ]
        t0 = time.perf_counter()
        for r in rules:
            params = alerting.parse_params(r.type, r.params, r.scope)
            stmt = scoped(select(func.count()).select_from(Mention), params.scope).where(
                Mention.published_at > now - params.lookback(), Mention.published_at <= now
            )
            s.scalar(stmt)
        took = time.perf_counter() - t0
        s.rollback()
    return took


@contextlib.contextmanager
def timed_runs(per_rule: dict[int, list[float]]) -> Iterator[None]:
    """Time each rule's ``alerting._run`` (window, rule, incidents) while the block runs, into
    ``per_rule[rule id]``; a no-op if ``_run`` is gone (the engine changed)."""
    orig = getattr(alerting, "_run", None)
    if orig is None:
        yield
        return

    def timed(session: Session, rule: AlertRule, *args: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return orig(session, rule, *args, **kw)
        finally:
            per_rule[rule.id].append(time.perf_counter() - t0)

    alerting._run = timed
    try:
        yield
    finally:
        alerting._run = orig


def evaluate_round(
    sessions: sessionmaker[Session], now: datetime, rule_ids: list[int] | None = None
) -> tuple[float, float, alerting.EvaluationReport]:
    """(seconds in evaluate, seconds to commit, report) for one round in its own transaction."""
    with sessions() as s:
        t0 = time.perf_counter()
        report = alerting.evaluate(s, now, settings=SETTINGS, rule_ids=rule_ids)
        t1 = time.perf_counter()
        s.commit()
        return t1 - t0, time.perf_counter() - t1, report


# --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.split("\n")[4:]),
    )
    ap.add_argument(
        "--database",
        help="sqlite:///empty.db, or postgresql+psycopg://user@host:port/maintenance_db (a scratch database "
        "listener_bench_alerts_<pid> is created on that server and dropped afterwards); "
        "default a temp SQLite file",
    )
    ap.add_argument(
        "--mentions", type=int, default=200, help="crisis mentions timed from ingest to Slack POST"
    )
    ap.add_argument("--seed-rows", type=int, default=20_000, help="mentions seeded over 5 weeks")
    ap.add_argument(
        "--brands", type=int, default=10, help="brands (each with a crisis rule and a Slack channel)"
    )
    ap.add_argument("--rules", type=int, default=1000, help="windowed rules to evaluate")
    ap.add_argument("--repeats", type=int, default=3, help="timed evaluation rounds")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    ap.add_argument(
        "--inline-delivery",
        action="store_true",
        help="part 1 delivers right after each commit instead of through the worker's outbox job",
    )
    ap.add_argument(
        "--profile", action="store_true", help="cProfile one more evaluation round, print the top"
    )
    args = ap.parse_args(argv)
    if min(args.mentions, args.seed_rows, args.brands, args.rules, args.repeats) < 1:
        ap.error("--mentions, --seed-rows, --brands, --rules and --repeats must be positive")
    if args.brands < 3:
        ap.error("--brands must be at least 3 (three brands carry the recent events)")

    started = time.perf_counter()
    db = Database(args.database, args.keep)
    engine: Engine | None = None
    sink = SlackSink()
    try:
        url = db.create()
        engine = make_engine(url)
        if url.startswith("sqlite") and not is_empty(engine):
            ap.error("the SQLite database must be empty (a fresh file)")
        sessions = make_session_factory(engine)
        brand_ids, channel_ids = setup(engine, sessions, args.brands, sink)
        channel_by_brand = dict(zip(brand_ids, channel_ids, strict=True))
        # the windowed rules' clock and the seed's anchor: half past the previous hour, so that runs
        # within one hour seed the same rows, and part 1's mentions (published now) stay out of it
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(minutes=30)
        with engine.connect() as conn:
            version = conn.exec_driver_sql(
                "SELECT version()" if engine.dialect.name == "postgresql" else "SELECT sqlite_version()"
            ).scalar()
        print("=" * 100)
        print(
            f"benchmarks/alerts.py: mentions {args.mentions}, seed-rows {args.seed_rows:,}, "
            f"brands {args.brands}, "
            f"rules {args.rules:,}, repeats {args.repeats}, seed {args.seed}"
        )
        print(f"database: {make_url(url).render_as_string(hide_password=True)} ({str(version)[:60]})")
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load_average()}; "
            f"started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        )
        t = time.perf_counter()
        seeded = seed(engine, Seeder(args.seed, now, brand_ids), args.seed_rows)
        print(f"seeded {seeded:,} mentions over {WEEKS} weeks in {time.perf_counter() - t:.1f} s")
        print("-" * 100)

        # ---- 1
        global INLINE
        INLINE = args.inline_delivery
        outbox_job = None
        if not INLINE:  # the worker's own job: APScheduler, every DELIVER_SECONDS, one long-lived client
            outbox = alert_jobs.Outbox(sessions, SETTINGS)
            outbox_job = BackgroundScheduler(timezone=UTC)
            outbox_job.add_job(
                outbox.tick, "interval", seconds=DELIVER_SECONDS, max_instances=1, coalesce=True
            )
            outbox_job.start()
        try:
            lat = measure_latency(sessions, sink, brand_ids, channel_ids, args.mentions, args.seed)
        finally:
            if outbox_job is not None:
                outbox_job.shutdown(wait=True)
                outbox.close()
        p = pct(lat["total"])
        bare_p50 = pct(lat["bare_new"])[0]
        print(
            f"1. ingest -> Slack POST, per-mention rules: {len(lat['total'])} crisis mentions, "
            f"{lat['rules']} mention rules (one per brand, each to its own Slack webhook)"
        )
        print(
            "   each: store_batch([1 mention]) + commit, then "
            + (
                "alert_jobs.deliver() right away (--inline-delivery)"
                if INLINE
                else f"the worker's outbox job (alert_jobs.Outbox.tick every {DELIVER_SECONDS:g} s) sends it"
            )
            + ", until the stand-in webhook has read the POST"
        )
        print(
            f"   pacing: the {args.brands} webhooks take turns and each waits until it has been quiet for "
            f"{SLACK_MIN_GAP:g} s, and with the outbox job each mention comes at a random moment of "
            f"its second (untimed, {lat['slept']:.1f} s in all) "
            "so no message meets Slack's "
            "1 msg/s limit; spacing every mention 1 s apart would take "
            f"{args.mentions} s"
        )
        print(f"   ingest -> POST received:           {fmt_pct(lat['total'])}")
        print(f"     store_batch + commit:            {fmt_pct(lat['store'])}")
        print(
            f"     commit -> POST received:         {fmt_pct(lat['deliver'])}  "
            + ("(deliver: claim, render, POST)" if INLINE else "(the job's next second, claim, render, POST)")
        )
        print(
            f"   baseline bare POST, new client:    {fmt_pct(lat['bare_new'])}  "
            f"({lat['body_bytes']:,} B body)"
        )
        print(f"   bare POST, keep-alive client:      {fmt_pct(lat['bare_keep'])}")
        print(
            f"   httpx.Client() alone, built and closed (inline alert_jobs.deliver builds one per call): "
            f"p50 {pct(lat['client'])[0]:.1f} ms"
        )
        print(f"   ratio pipeline p50 / bare POST (new client) p50: {p[0] / bare_p50:,.1f}x")
        met = p[2] <= TARGET_P99_MS
        print(f"   target p99 <= {TARGET_P99_MS:,.0f} ms: {'MET' if met else 'NOT MET'} (p99 {p[2]:,.1f} ms)")
        print(
            f"   missed (no POST within {WAIT_POST_S:g} s): {lat['missed']}; clustered as duplicates: "
            f"{lat['clustered']}; sent: {lat['sent']}; wall {lat['wall']:.1f} s"
        )
        print("-" * 100)

        # ---- 2
        by_kind = make_rules(sessions, args.rules, brand_ids, channel_by_brand, args.seed)
        n_rules = sum(len(v) for v in by_kind.values())
        print(
            f"2. {n_rules:,} windowed rules over {seeded:,} mentions ({args.brands} brands, 5 weeks): "
            "listener.engine.evaluation.evaluate(session, now)"
        )
        print("   mix: " + ", ".join(f"{k} {len(v)}" for k, v in by_kind.items()))
        rounds: list[float] = []
        counts: list[float] = []
        per_rule: dict[int, list[float]] = defaultdict(list)
        with timed_runs(per_rule):
            for r in range(args.repeats):
                # interleaved with the baseline, so that drift hits both alike
                took, commit_s, rep = evaluate_round(sessions, now)
                counts.append(count_baseline(sessions, now))
                rounds.append(took)
                print(
                    f"   round {r + 1}: {took * 1000:9,.0f} ms  "
                    f"({took * 1000 / max(rep.rules, 1):6.2f} ms/rule; "
                    f"{rep.rules} rules, {rep.matches} matches, {len(rep.opened)} opened, "
                    f"{len(rep.escalated)} escalated, {len(rep.resolved)} resolved, {rep.notifications} "
                    f"notifications, {len(rep.errors)} errors; commit {commit_s * 1000:.0f} ms)   "
                    f"COUNT baseline {counts[-1] * 1000:7,.0f} ms",
                    flush=True,
                )
        ev_min, ev_med = min(rounds), statistics.median(rounds)
        ct_min, ct_med = min(counts), statistics.median(counts)
        print(
            f"   evaluate, {len(rounds)} rounds: min {ev_min * 1000:,.0f} ms, "
            f"median {ev_med * 1000:,.0f} ms; "
            f"per rule min {ev_min * 1000 / n_rules:.2f} ms, median {ev_med * 1000 / n_rules:.2f} ms"
        )
        print(
            f"   baseline, one plain SELECT count(*) per rule (its scope and look-back): "
            f"min {ct_min * 1000:,.0f} ms, "
            f"median {ct_med * 1000:,.0f} ms ({ct_med * 1000 / n_rules:.2f} ms/rule)"
        )
        print(f"   ratio evaluate / COUNT baseline (medians): {ev_med / ct_med:,.1f}x")
        if per_rule:
            kind_of = {rid: kind for kind, ids in by_kind.items() for rid in ids}
            per_kind: dict[str, list[float]] = defaultdict(list)
            for rid, times in per_rule.items():
                per_kind[kind_of[rid]].extend(times)
            whole = sum(sum(v) for v in per_kind.values())
            print(
                f"   per rule type, mean over the {len(rounds)} rounds "
                "(each rule's _run: window, rule, incidents):"
            )
            for kind, times in sorted(per_kind.items(), key=lambda kv: -sum(kv[1])):
                mean = sum(times) / len(times) * 1000
                print(
                    f"     {kind:16s} {mean:7.2f} ms/rule  x {len(by_kind[kind]):4d} = "
                    f"{mean * len(by_kind[kind]):8,.0f} ms a round  ({sum(times) / whole:5.1%})"
                )
        with session_scope(sessions) as s:
            incidents = Counter(s.scalars(select(Incident.status)))
        print(f"   incidents now: {dict(incidents)}")
        print(
            f"   note: per-mention alerts do not wait for this round: the worker's outbox job "
            f"sends them every {DELIVER_SECONDS:g} s (part 1); this round runs every "
            f"{ALERT_TICK_SECONDS:g} s and takes ~{ev_med:,.1f} s of it"
        )
        if args.profile:
            print("-" * 100)
            print("cProfile of one more evaluation round (top 25 by cumulative time):")
            prof = cProfile.Profile()
            with sessions() as s:
                prof.enable()
                alerting.evaluate(s, now, settings=SETTINGS)
                prof.disable()
                s.rollback()
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(25)
            print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:8000])
        print("-" * 100)
        print(f"total {time.perf_counter() - started:,.0f} s; load average now {load_average()}")
        print(
            "(other work on the machine skews every figure: compare figures within one run, not across runs)"
        )
        return 0
    finally:
        sink.stop()
        if engine is not None:
            engine.dispose()
        db.drop()


if __name__ == "__main__":
    sys.exit(main())
