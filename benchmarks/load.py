"""Benchmark: Listener under load from outside, beside same-run ceilings.

    .venv/bin/python benchmarks/load.py [--backend postgres|sqlite] [--rows N] [--database-url URL]
        [--keep] [--duration 30] [--connections 32] [--ingest-batches 10] [--only feed,ingest,scale]
        [--code DIR] [--profile DIR] [--postgres-url URL] [--writes 1]

Every figure comes from separate processes talking HTTP, as in production:

1. **Feed.** A database is filled to ``--rows`` pre-analysed mentions (default 1,000,000 on
   PostgreSQL, 200,000 on SQLite; ``benchmarks/feed.py``'s generator and COPY fill), or
   ``--database-url`` names one filled before (``--keep`` keeps a fill for the next run). A
   ``listener serve`` process serves it; ``wrk -t2 -c<connections> -d<duration>`` cycles through
   200 filtered feed URLs (brand / sentiment / platform / status / language / time windows,
   ``limit=50``) with a viewer key. In the same run, a bare FastAPI app under the same uvicorn returns
   the unfiltered page as prebuilt bytes (the ceiling: what serving that page costs), on the same URLs.
   Printed: requests/s, p50, p99, non-2xx, and feed / ceiling. Then the same ``listener serve``
   again twice: while this process commits ``--writes`` updates a second to stored mentions (each
   retires the feed pages the server keeps between writes; PostgreSQL only), and with the page
   cache off (``LISTENER_FEED_CACHE_MB=0``: every request runs its query).
2. **Ingest.** A fresh database and a fresh ``listener serve``; ``--ingest-batches`` batches of 1,000
   real English tweets (the shared SemEval data, "Acme " prefixed so every one names the brand)
   through ``POST /api/v1/ingest`` one after another, after one warm-up batch. Then raw VADER
   ``polarity_scores`` on the same texts in this process. Printed: mentions/s and the ratio.
3. **Scale.** Two ``listener serve`` processes on one PostgreSQL, each fed the same way by its own
   client process at once (aggregate ingest vs one process).

``--code DIR`` runs the servers from another checkout (``PYTHONPATH=DIR``), to measure a baseline
with the same script. ``--profile DIR`` records each ``listener serve`` with py-spy while it is
measured (``DIR/<step>.txt``, collapsed stacks: ``benchmarks/profile_summary.py`` sums them).
Needs ``wrk`` on the PATH. The figures drift 10-25% between runs
on a shared machine: compare the ratios printed by one run.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from benchmarks.common import create_postgres, drop_postgres, load_average, progress  # noqa: E402
from benchmarks.feed import Generator, Report, measure_fill, setup  # noqa: E402
from listener.storage.db import make_engine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DATA = ROOT.parent / "shared" / "data" / "sentiment" / "en-semeval"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env_for(url: str, code: str | None) -> dict[str, str]:
    env = dict(os.environ, LISTENER_DATABASE_URL=url, LISTENER_LOG_LEVEL="WARNING")
    if code:
        env["PYTHONPATH"] = code
    return env


def wait_up(port: int, proc: subprocess.Popen[bytes], path: str = "/healthz") -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}{path}", timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server on {port} did not start")


class Proc:
    """A child process (a server), stopped with SIGINT then SIGKILL; optionally under py-spy."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log.open("wb")
        self.proc = subprocess.Popen(argv, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.spy: subprocess.Popen[bytes] | None = None

    def profile(self, out: Path) -> None:
        self.spy = subprocess.Popen(
            [
                str(BIN / "py-spy"),
                "record",
                "-p",
                str(self.proc.pid),
                "-o",
                str(out),
                "-r",
                "200",
                "--nonblocking",
                "--format",
                "raw",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if self.spy is not None:
            self.spy.send_signal(signal.SIGINT)
            try:
                self.spy.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.spy.kill()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def serve(url: str, code: str | None, work: Path, name: str, **env: str) -> tuple[Proc, int]:
    port = free_port()
    argv = [str(BIN / "listener"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    p = Proc(argv, env_for(url, code) | env, work / f"{name}.log")
    wait_up(port, p.proc)
    return p, port


def new_key(url: str, code: str | None, role: str) -> str:
    name = f"load-{role}-{random.randrange(10**9)}"
    out = subprocess.run(
        [str(BIN / "listener"), "keys", "create", "--role", role, "--name", name],
        env=env_for(url, code),
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


# --------------------------------------------------------------------------------------------------
# wrk


def feed_urls(now: datetime, n: int = 200, seed: int = 7) -> list[str]:
    """``n`` filtered feed URLs, like a team browsing the feed."""
    r = random.Random(seed)
    urls = []
    for _ in range(n):
        q = ["limit=50"]
        if r.random() < 0.5:
            q.append("brand=" + r.choice(["Acme", "Acme", "Globex", "Initech"]))
        if r.random() < 0.3:
            q.append("sentiment=" + r.choice(["positive", "negative", "neutral"]))
        if r.random() < 0.25:
            q.append("platform=" + r.choice(["twitter", "reddit", "rss", "mastodon"]))
        if r.random() < 0.2:
            q.append("status=" + r.choice(["new", "in_progress", "resolved"]))
        if r.random() < 0.15:
            q.append("language=" + r.choice(["en", "tr"]))
        if r.random() < 0.2:
            end = now - timedelta(days=r.uniform(0, 50))
            start = end - timedelta(days=r.choice([1, 3, 7]))
            q.append(f"since={start:%Y-%m-%dT%H:%M:%SZ}&until={end:%Y-%m-%dT%H:%M:%SZ}")
        urls.append("/api/v1/mentions?" + "&".join(q))
    return urls


def wrk_script(urls: list[str], key: str, path: Path) -> Path:
    lines = [
        "local urls = {" + ",".join(json.dumps(u) for u in urls) + "}",
        "local i = 0",
        "request = function() i = i % #urls + 1; return wrk.format('GET', urls[i]) end",
        f"wrk.headers['Authorization'] = 'Bearer {key}'",
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(port: int, script: Path, duration: int, connections: int, warm: int = 5) -> dict[str, float]:
    """Requests/s, p50/p99 in ms and non-2xx of one wrk run (after a short warm-up)."""
    base = ["wrk", "-t2", f"-c{connections}", "-s", str(script), f"http://127.0.0.1:{port}"]
    subprocess.run([*base[:3], f"-d{warm}s", *base[3:]], capture_output=True, check=False)
    out = subprocess.run(
        [*base[:3], f"-d{duration}s", "--latency", *base[3:]], capture_output=True, text=True
    )
    t = out.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", t)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", t)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
    errors = re.search(r"Socket errors:.*", t)
    return {
        "rps": rps,
        "p50": _ms(*p50.groups()) if p50 else float("nan"),
        "p99": _ms(*p99.groups()) if p99 else float("nan"),
        "non2xx": float(bad.group(1)) if bad else 0.0,
        "socket_errors": 1.0 if errors else 0.0,
    }


BARE_BYTES = """from fastapi import FastAPI, Response
body = open({page!r}, "rb").read()
app = FastAPI()
@app.get("/api/v1/mentions")
def mentions():
    return Response(body, media_type="application/json")
"""


# --------------------------------------------------------------------------------------------------
# databases


class Databases:
    """Scratch databases this run creates (dropped at the end unless ``--keep`` for the feed's)."""

    def __init__(self, backend: str, pg_url: str, work: Path) -> None:
        self.backend, self.pg_url, self.work = backend, pg_url, work
        self.made: list[str] = []

    def new(self, name: str) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.work}/{name}.db"
        db = f"listener_load_{name}_{os.getpid()}"
        self.made.append(db)
        return create_postgres(self.pg_url, db)

    def drop(self, keep: str | None = None) -> None:
        for db in self.made:
            if keep and keep.endswith("/" + db):
                print(f"kept the database: {keep}", file=sys.stderr)
                continue
            drop_postgres(self.pg_url, db)


def fill(url: str, rows: int, seed: int) -> datetime:
    """Migrate, add brands, fill to ``rows`` pre-analysed mentions (``benchmarks/feed.py``'s
    generator and fill); returns the generator's "now"."""
    engine = make_engine(url)
    try:
        brand_ids, _ = setup(engine)
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        rep = Report(engine.dialect.name)
        measure_fill(rep, engine, Generator(seed, now, brand_ids), rows)
        return now
    finally:
        engine.dispose()


def newest(url: str) -> datetime:
    engine = create_engine(url)
    with engine.connect() as conn:
        at = conn.execute(text("SELECT max(published_at) FROM mention")).scalar()
    engine.dispose()
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return (at or datetime.now(UTC)).replace(tzinfo=UTC)


# --------------------------------------------------------------------------------------------------
# 1. feed


class Writer(threading.Thread):
    """Touches one stored mention (``updated_at``) ``per_second`` times a second until stopped, the
    way a collector or an agent writes while people read: every write retires the kept feed pages."""

    def __init__(self, url: str, per_second: float) -> None:
        super().__init__(daemon=True)
        self.engine = create_engine(url)
        self.pause = 1.0 / per_second
        self.halt = threading.Event()
        self.writes = 0

    def run(self) -> None:
        with self.engine.connect() as conn:
            top = conn.execute(text("SELECT max(id) FROM mention")).scalar() or 1
            while not self.halt.wait(self.pause):
                conn.execute(
                    text("UPDATE mention SET updated_at = now() WHERE id = :i"), {"i": top - self.writes}
                )
                conn.commit()
                self.writes += 1

    def stop(self) -> int:
        self.halt.set()
        self.join()
        self.engine.dispose()
        return self.writes


def measure_feed(args: argparse.Namespace, url: str, now: datetime, work: Path) -> dict[str, Any]:
    key = new_key(url, args.code, "viewer")
    script = wrk_script(feed_urls(now), key, work / "urls.lua")
    runs: dict[str, dict[str, float]] = {}
    # the product as shipped (pages kept between writes), the same under a write a second, and with
    # the page cache off (LISTENER_FEED_CACHE_MB=0): every request runs its query
    for name, env, writes in (
        ("feed", {}, 0.0),
        ("feed_writes", {}, args.writes),
        ("feed_nocache", {"LISTENER_FEED_CACHE_MB": "0"}, 0.0),
    ):
        if name == "feed_writes" and (not writes or url.startswith("sqlite")):
            continue
        proc, port = serve(url, args.code, work, "serve_" + name, **env)
        writer = None
        try:
            page = httpx.get(
                f"http://127.0.0.1:{port}/api/v1/mentions?limit=50",
                headers={"Authorization": f"Bearer {key}"},
            )
            page.raise_for_status()
            (work / "page.json").write_bytes(page.content)
            if args.profile and name == "feed":
                proc.profile(Path(args.profile) / "feed.txt")
            if writes:
                writer = Writer(url, writes)
                writer.start()
            progress(f"wrk on listener serve: {name} ({args.duration} s)")
            runs[name] = run_wrk(port, script, args.duration, args.connections)
        finally:
            if writer is not None:
                runs[name]["writes"] = writer.stop()
            proc.stop()
    feed = runs["feed"]
    (work / "bare_bytes.py").write_text(BARE_BYTES.format(page=str(work / "page.json")))
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "bare_bytes:app", "--host", "127.0.0.1", "--port", str(port)]
    bare = Proc([*argv, "--log-level", "warning"], dict(os.environ, PYTHONPATH=str(work)), work / "bare.log")
    try:
        wait_up(port, bare.proc, "/api/v1/mentions")
        progress(f"wrk on the bare-bytes app ({args.duration} s)")
        ceiling = run_wrk(port, script, args.duration, args.connections)
    finally:
        bare.stop()
    return {"feed": feed, "runs": runs, "ceiling": ceiling, "page_bytes": len(page.content)}


# --------------------------------------------------------------------------------------------------
# 2. ingest


def tweets() -> list[str]:
    out = []
    for f in sorted(glob.glob(str(DATA / "*.tsv"))):
        for line in Path(f).read_text(encoding="utf-8").splitlines():
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[2].strip():
                out.append(parts[2])
    if not out:
        raise SystemExit(f"no tweets under {DATA}: the shared data is needed for the ingest figures")
    return out


def batches(texts: list[str], n: int, tag: str, size: int = 1000) -> list[list[dict[str, Any]]]:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    return [
        [
            {
                "platform": "twitter",
                "external_id": f"{tag}{b}-{i}",
                "text": "Acme " + texts[(b * size + i) % len(texts)],
                "brand": "Acme",
                "published_at": (start + timedelta(minutes=b * size + i)).isoformat(),
                "author": {"handle": f"u{i % 300}", "reach": i},
            }
            for i in range(size)
        ]
        for b in range(n)
    ]


def post_batches(port: int, key: str, todo: list[list[dict[str, Any]]], between: Any = None) -> float:
    """Post ``todo`` one after another; returns the seconds the posts took (the first batch is a
    warm-up). ``between(batch)`` runs after each post, outside the timing (the same-run baseline)."""
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"}, timeout=600
    ) as client:
        client.post("/api/v1/ingest", json={"mentions": todo[0]}).raise_for_status()
        spent = 0.0
        for b in todo[1:]:
            t0 = time.perf_counter()
            client.post("/api/v1/ingest", json={"mentions": b}).raise_for_status()
            spent += time.perf_counter() - t0
            if between is not None:
                between(b)
        return spent


class RawVader:
    """Raw VADER ``polarity_scores`` timed batch by batch, interleaved with the API batches so that
    both see the same machine load."""

    def __init__(self) -> None:
        self.sia = SentimentIntensityAnalyzer()
        self.n = 0
        self.seconds = 0.0

    def __call__(self, batch: list[dict[str, Any]]) -> None:
        t0 = time.perf_counter()
        for m in batch:
            self.sia.polarity_scores(m["text"])
        self.seconds += time.perf_counter() - t0
        self.n += len(batch)

    @property
    def rate(self) -> float:
        return self.n / max(self.seconds, 1e-9)


def measure_ingest(args: argparse.Namespace, dbs: Databases, work: Path) -> dict[str, Any]:
    url = dbs.new("ingest")
    subprocess.run(
        [str(BIN / "listener"), "migrate"], env=env_for(url, args.code), capture_output=True, check=True
    )
    key = new_key(url, args.code, "admin")
    proc, port = serve(url, args.code, work, "serve_ingest")
    try:
        httpx.post(
            f"http://127.0.0.1:{port}/api/v1/brands",
            json={"name": "Acme", "aliases": ["acme"]},
            headers={"Authorization": f"Bearer {key}"},
        ).raise_for_status()
        todo = batches(tweets(), args.ingest_batches + 1, "t")
        if args.profile:
            proc.profile(Path(args.profile) / "ingest.txt")
        progress(f"POST /api/v1/ingest, {args.ingest_batches} x 1,000, raw VADER on each batch after it")
        vader = RawVader()
        seconds = post_batches(port, key, todo, vader)
    finally:
        proc.stop()
    return {"api": vader.n / seconds, "vader": vader.rate, "n": vader.n}


# --------------------------------------------------------------------------------------------------
# 3. two serve processes


def _client_process(port: int, key: str, tag: str, n: int, out: Path) -> subprocess.Popen[bytes]:
    argv = [sys.executable, __file__, "--client", str(port), key, tag, str(n), str(out)]
    return subprocess.Popen(argv)


def client_main(port: str, key: str, tag: str, n: str, out: str) -> int:
    """One ingest client in a process of its own (``--client``): a warm-up batch and ``n`` more."""
    todo = batches(tweets(), int(n) + 1, tag)
    seconds = post_batches(int(port), key, todo)
    Path(out).write_text(json.dumps({"n": (len(todo) - 1) * 1000, "s": seconds}))
    return 0


def measure_scale(args: argparse.Namespace, dbs: Databases, work: Path) -> dict[str, Any]:
    url = dbs.new("scale")
    subprocess.run(
        [str(BIN / "listener"), "migrate"], env=env_for(url, args.code), capture_output=True, check=True
    )
    key = new_key(url, args.code, "admin")
    servers = [serve(url, args.code, work, f"serve_scale{i}") for i in range(2)]
    try:
        httpx.post(
            f"http://127.0.0.1:{servers[0][1]}/api/v1/brands",
            json={"name": "Acme", "aliases": ["acme"]},
            headers={"Authorization": f"Bearer {key}"},
        ).raise_for_status()
        rates = {}
        for label, ports in (("one", [servers[0][1]]), ("two", [p for _, p in servers])):
            progress(f"ingest through {label} serve process(es)")
            outs = [work / f"scale_{label}_{i}.json" for i in range(len(ports))]
            t0 = time.perf_counter()
            clients = [
                _client_process(p, key, f"{label}{i}-", args.ingest_batches, o)
                for i, (p, o) in enumerate(zip(ports, outs, strict=True))
            ]
            for c in clients:
                c.wait()
            wall = time.perf_counter() - t0
            n = sum(json.loads(o.read_text())["n"] for o in outs)
            rates[label] = n / max(wall, 1e-9)  # wall time includes each client's warm-up batch
        return rates
    finally:
        for p, _ in servers:
            p.stop()


# --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--client"]:
        return client_main(*argv[1:6])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="postgres")
    ap.add_argument("--rows", type=int, help="feed table size (default 1,000,000 PG / 200,000 SQLite)")
    ap.add_argument("--database-url", help="a database filled by an earlier --keep run (no fill)")
    ap.add_argument("--keep", action="store_true", help="keep the filled feed database")
    ap.add_argument("--duration", type=int, default=30, help="seconds per wrk run")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument(
        "--writes",
        type=float,
        default=1.0,
        help="writes a second during the feed's second run (PostgreSQL; 0: skip)",
    )
    ap.add_argument("--ingest-batches", type=int, default=10, help="batches of 1,000 after a warm-up one")
    ap.add_argument("--only", default="feed,ingest,scale", help="comma-separated steps")
    ap.add_argument("--code", help="run the servers from this checkout (PYTHONPATH)")
    ap.add_argument("--profile", help="py-spy flame graphs of the servers into this folder")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="a server's maintenance database URL")
    args = ap.parse_args(argv)
    steps = {s.strip() for s in args.only.split(",") if s.strip()}
    if not steps <= {"feed", "ingest", "scale"}:
        ap.error("--only takes feed, ingest and scale")
    if "scale" in steps and args.backend != "postgres":
        steps.discard("scale")
    if shutil.which("wrk") is None and "feed" in steps:
        ap.error("wrk is not installed (apt-get install -y wrk)")
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    rows = args.rows if args.rows is not None else 1_000_000 if args.backend == "postgres" else 200_000
    work = Path(tempfile.mkdtemp(prefix="listener_load_"))
    dbs = Databases(args.backend, args.postgres_url, work)
    kept = None
    say = print
    say(f"benchmarks/load.py {' '.join(argv)}")
    say(f"{os.cpu_count()} CPUs, load average {load_average()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    try:
        if "feed" in steps:
            url = args.database_url
            if url:
                now = newest(url)
            else:
                url = dbs.new("feed")
                progress(f"filling {rows:,} mentions")
                now = fill(url, rows, args.seed)
                kept = url if args.keep else None
            f = measure_feed(args, url, now, work)
            feed, ceil = f["feed"], f["ceiling"]
            say(
                f"feed ({args.backend}, {args.connections} connections, 200 filtered URLs, limit 50, page of "
                f"{f['page_bytes']:,} bytes): listener {feed['rps']:,.0f} req/s, p50 {feed['p50']:.1f} ms, "
                f"p99 {feed['p99']:.1f} ms, non-2xx {feed['non2xx']:.0f} | bare-bytes ceiling "
                f"{ceil['rps']:,.0f} req/s, p50 {ceil['p50']:.1f} ms, p99 {ceil['p99']:.1f} ms | "
                f"ratio {feed['rps'] / ceil['rps']:.3f}x (load average {load_average()})"
            )
            for name, what in (
                ("feed_writes", f"the same under {args.writes:g} write(s) a second"),
                ("feed_nocache", "page cache off (LISTENER_FEED_CACHE_MB=0)"),
            ):
                if name in f["runs"]:
                    r = f["runs"][name]
                    say(
                        f"  {what}: {r['rps']:,.0f} req/s, p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms, "
                        f"non-2xx {r['non2xx']:.0f}, ratio {r['rps'] / ceil['rps']:.3f}x"
                    )
        if "ingest" in steps:
            i = measure_ingest(args, dbs, work)
            say(
                f"ingest ({args.backend}, POST /api/v1/ingest, {i['n']:,} real tweets in batches of 1,000): "
                f"{i['api']:,.0f} mentions/s | raw VADER {i['vader']:,.0f}/s on the same texts | ratio "
                f"{i['api'] / i['vader']:.3f}x (load average {load_average()})"
            )
        if "scale" in steps:
            r = measure_scale(args, dbs, work)
            say(
                f"ingest through 1 / 2 listener serve processes on one PostgreSQL: {r['one']:,.0f} / "
                f"{r['two']:,.0f} mentions/s, {r['two'] / r['one']:.2f}x (load average {load_average()})"
            )
        return 0
    finally:
        dbs.drop(keep=kept)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
