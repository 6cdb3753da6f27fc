"""Benchmark: one vs two ``listener worker`` processes collecting from one PostgreSQL, and one vs two
``listener serve`` processes behind the same wrk load on the feed.

    .venv/bin/python benchmarks/workers.py [--sources 240] [--only workers,serve] [--rows 200000]
        [--duration 20] [--connections 32] [--postgres-url URL] [--memory-items 200000]

1. **Workers.** A payload server in its own process on 127.0.0.1 serves recorded RSS 2.0 feeds
   (``../shared/fixtures``: TechCrunch, HuffPost, Hacker News; ``benchmarks/collect.py``'s pages)
   at ``/feed/<run>/<n>.xml``, every URL with its own guids, so every source brings new mentions.
   For each of "one" and "two": a fresh PostgreSQL database (migrated, ``collect.py``'s five brands
   and queries), ``--sources`` RSS sources due now, then that many ``listener worker`` processes
   (``LISTENER_OUTBOUND_ALLOW=127.0.0.1``). The database is polled every 0.5 s; the rate is taken
   between the samples where 10% and 90% of the sources have run (startup and tail left out):
   items collected per second (what the collectors returned) and mentions stored per second.
   Printed beside it: the workers' resident memory (VmRSS at 10% / 90% and the peak), the CPU time
   they got (cores) and items per CPU-second (equal for one and two workers when they do not
   contend), and the load average. ``--malloc-arena-max N`` sets glibc's ``MALLOC_ARENA_MAX``.
   **Memory** (``--only memory``): one worker over ``--sources`` sources (each run again after the
   worker's 10 s minimum) whose feeds bring new guids on every fetch, until ``--memory-items``
   items are collected; its resident memory at 10% / 25% / 50% / 75% / 100% and the peak. The
   clustering index holds at most 50,000 mentions, so the run should store more than that to show
   where memory settles.
2. **Serve.** A database filled to ``--rows`` pre-analysed mentions (``feed.py``'s generator and
   COPY fill); two wrk processes (``-t1 -c<connections/2>`` each, 200 filtered feed URLs) against one
   ``listener serve`` process, then the same two wrk processes one per ``listener serve`` process.

The machine has 2 cores shared with other work: the load average is printed with every figure, and
the ratios are what count.
"""

from __future__ import annotations

import argparse
import email.utils
import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, insert, text  # noqa: E402

from benchmarks.collect import FIXTURES, _rss_page, _rss_templates, setup  # noqa: E402
from benchmarks.common import create_postgres, drop_postgres, load_average, progress  # noqa: E402
from benchmarks.load import (  # noqa: E402
    BIN,
    DEFAULT_PG_URL,
    Proc,
    env_for,
    feed_urls,
    fill,
    free_port,
    new_key,
    run_wrk,
    serve,
    wrk_script,
)
from listener.storage.db import make_engine  # noqa: E402
from listener.storage.models import Source  # noqa: E402

_PATH = re.compile(r"^/feed/(\w+)/(\d+)\.xml$")


# --------------------------------------------------------------------------------------------------
# the payload server (its own process: ``workers.py --payloads PORT``)


_PUBDATE = re.compile(rb"<pubDate>[^<]*</pubDate>")


def _fresh_date(item: bytes, at: float) -> bytes:
    """``item`` published at ``at`` (a Unix time), so a feed read again brings it as new."""
    stamp = email.utils.formatdate(at, usegmt=True).encode()
    return _PUBDATE.sub(b"<pubDate>" + stamp + b"</pubDate>", item)


def payload_main(port: str) -> int:
    """Serve ``/feed/<run>/<n>.xml``: recorded feed ``n % 3`` with guids unique to ``run`` and ``n``."""
    templates = _rss_templates()
    fetches = itertools.count()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            m = _PATH.match(self.path)
            if not m:
                self.send_error(404)
                return
            n = int(m.group(2))
            tag = f"{m.group(1)}{n}"
            template = templates[n % len(templates)]
            if m.group(1).startswith("fresh"):  # new guids and dates on every fetch (the memory step)
                fetch = next(fetches)
                tag += f"x{fetch}"
                now = time.time()
                head, items, tail = template
                template = (head, [_fresh_date(body, now - i) for i, body in enumerate(items)], tail)
            body, _ = _rss_page(template, tag, 1000)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", int(port)), Handler).serve_forever()
    return 0


# --------------------------------------------------------------------------------------------------
# 1. workers


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    m = re.search(r"VmRSS:\s+(\d+)", status)
    return int(m.group(1)) if m else 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, idle) jiffies of the whole machine so far (/proc/stat)."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, idle


@contextmanager
def sources_database(
    args: argparse.Namespace, name: str, urls: list[str], interval: int
) -> Iterator[tuple[str, Engine]]:
    """A fresh PostgreSQL database (migrated, ``collect.py``'s brands and queries) with one due RSS
    source per URL; dropped afterwards."""
    url = create_postgres(args.postgres_url, name)
    engine = make_engine(url)
    try:
        setup(engine)
        with engine.begin() as conn:
            conn.execute(
                insert(Source),
                [
                    {
                        "name": f"feed {i}",
                        "platform": "rss",
                        "params": {"urls": [feed]},
                        "interval_seconds": interval,
                        "enabled": True,
                        "status": "ok",
                        "consecutive_failures": 0,
                        "mentions_collected": 0,
                        "items_seen": 0,
                        "items_unmatched": 0,
                        "items_duplicate": 0,
                    }
                    for i, feed in enumerate(urls)
                ],
            )
        yield url, engine
    finally:
        engine.dispose()
        drop_postgres(args.postgres_url, name)


def run_workers(
    args: argparse.Namespace, label: str, count: int, payload_port: int, work: Path
) -> dict[str, Any]:
    """``count`` worker processes over ``--sources`` fresh sources on a fresh database."""
    feeds = [f"http://127.0.0.1:{payload_port}/feed/{label}/{i}.xml" for i in range(args.sources)]
    with sources_database(args, f"listener_bench_workers_{label}_{os.getpid()}", feeds, 3600) as (
        url,
        engine,
    ):
        env = dict(env_for(url, None), LISTENER_OUTBOUND_ALLOW="127.0.0.1")
        if args.malloc_arena_max:
            env["MALLOC_ARENA_MAX"] = str(args.malloc_arena_max)
        progress(f"{count} worker process(es) over {args.sources} sources")
        procs = [
            Proc([str(BIN / "listener"), "worker"], env, work / f"worker_{label}{i}.log")
            for i in range(count)
        ]
        samples: list[tuple[float, int, int, int, int, float, tuple[float, float]]] = []
        peak = 0
        deadline = time.monotonic() + args.timeout
        query = text(
            "SELECT count(*) FILTER (WHERE last_run_at IS NOT NULL), coalesce(sum(items_seen), 0), "
            "coalesce(sum(mentions_collected), 0), count(*) FILTER (WHERE last_error IS NOT NULL "
            "AND last_error NOT LIKE 'warning:%') FROM source"
        )
        failed = 0
        try:
            while time.monotonic() < deadline:
                time.sleep(0.5)
                now_kib = max(rss_kib(p.proc.pid) for p in procs)
                peak = max(peak, now_kib)
                with engine.connect() as conn:
                    done, seen, stored, failed = conn.execute(query).one()
                cpu = sum(cpu_seconds(p.proc.pid) for p in procs)
                samples.append(
                    (time.monotonic(), int(done), int(seen), int(stored), now_kib, cpu, machine_cpu())
                )
                if done >= args.sources:
                    break
        finally:
            for p in procs:
                p.stop()
        lo = next(s for s in samples if s[1] >= 0.1 * args.sources)
        hi = next((s for s in samples if s[1] >= 0.9 * args.sources), samples[-1])
        seconds = max(hi[0] - lo[0], 1e-9)
        return {
            "collected": (hi[2] - lo[2]) / seconds,
            "stored": (hi[3] - lo[3]) / seconds,
            "done": samples[-1][1],
            "items": samples[-1][2],
            "failed": int(failed),
            "peak_mib": peak / 1024,
            "rss_lo": lo[4] / 1024,
            "idle": (hi[6][1] - lo[6][1]) / max(hi[6][0] + hi[6][1] - lo[6][0] - lo[6][1], 1e-9),
            "per_cpu": (hi[2] - lo[2]) / max(hi[5] - lo[5], 1e-9),
            "cores": (hi[5] - lo[5]) / seconds,
            "rss_hi": hi[4] / 1024,
            "load": load_average(),
        }


def run_memory(args: argparse.Namespace, payload_port: int, work: Path) -> dict[str, Any]:
    """One worker over sources that bring new items on every fetch, until ``--memory-items`` items
    are collected: its resident memory sampled as it goes."""
    feeds = [f"http://127.0.0.1:{payload_port}/feed/fresh/{i}.xml" for i in range(args.sources)]
    with sources_database(args, f"listener_bench_memory_{os.getpid()}", feeds, 1) as (url, engine):
        env = dict(env_for(url, None), LISTENER_OUTBOUND_ALLOW="127.0.0.1")
        progress(f"one worker until {args.memory_items:,} items are collected")
        proc = Proc([str(BIN / "listener"), "worker"], env, work / "worker_memory.log")
        query = text("SELECT coalesce(sum(items_seen), 0), (SELECT count(*) FROM mention) FROM source")
        samples: list[tuple[float, int, int, int]] = []
        start = time.monotonic()
        try:
            while time.monotonic() - start < args.timeout:
                time.sleep(5.0)
                with engine.connect() as conn:
                    seen, stored = conn.execute(query).one()
                samples.append((time.monotonic() - start, int(seen), int(stored), rss_kib(proc.proc.pid)))
                if samples[-1][1] >= args.memory_items or proc.proc.poll() is not None:
                    break
        finally:
            proc.stop()
        return {"samples": samples, "load": load_average()}


# --------------------------------------------------------------------------------------------------
# 2. serve


def wrk_pair(ports: list[int], script: Path, args: argparse.Namespace) -> dict[str, float]:
    """Two wrk processes at once, ``connections/2`` each, on ``ports[0]`` and ``ports[-1]``."""
    results: list[dict[str, float]] = [{}, {}]

    def one(i: int) -> None:
        results[i] = run_wrk(ports[i % len(ports)], script, args.duration, args.connections // 2)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "rps": sum(r["rps"] for r in results),
        "p99": max(r["p99"] for r in results),
        "non2xx": sum(r["non2xx"] for r in results),
    }


def run_serve(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    name = f"listener_bench_serve2_{os.getpid()}"
    url = create_postgres(args.postgres_url, name)
    servers: list[Any] = []
    try:
        progress(f"filling {args.rows:,} mentions")
        now = fill(url, args.rows, 7)
        key = new_key(url, None, "viewer")
        script = wrk_script(feed_urls(now), key, work / "urls.lua")
        servers = [serve(url, None, work, f"serve{i}") for i in range(2)]
        out = {}
        for label, ports in (("one", [servers[0][1]]), ("two", [p for _, p in servers])):
            progress(f"wrk x2 on {label} listener serve process(es) ({args.duration} s)")
            out[label] = {**wrk_pair(ports, script, args), "load": load_average()}
        return out
    finally:
        for p, _ in servers:
            p.stop()
        drop_postgres(args.postgres_url, name)


# --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--payloads"]:
        return payload_main(argv[1])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sources", type=int, default=240, help="RSS sources per run (~17 items each)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds a worker run may take")
    ap.add_argument("--only", default="workers,serve")
    ap.add_argument("--rows", type=int, default=200_000, help="feed table size for the serve step")
    ap.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--postgres-url", default=DEFAULT_PG_URL)
    ap.add_argument(
        "--memory-items", type=int, default=200_000, help="items one worker collects in the memory step"
    )
    ap.add_argument("--malloc-arena-max", type=int, default=0, help="MALLOC_ARENA_MAX for the workers")
    args = ap.parse_args(argv)
    steps = {s.strip() for s in args.only.split(",") if s.strip()}
    if not FIXTURES.is_dir():
        ap.error(f"{FIXTURES} is needed (the recorded feeds)")
    if "serve" in steps and shutil.which("wrk") is None:
        ap.error("wrk is not installed")
    work = Path(tempfile.mkdtemp(prefix="listener_workers_"))
    print(f"benchmarks/workers.py {' '.join(argv)}")
    print(
        f"{os.cpu_count()} CPUs, load average {load_average()}; "
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC"
    )
    payload_port = free_port()
    payloads = subprocess.Popen([sys.executable, __file__, "--payloads", str(payload_port)])
    try:
        if "workers" in steps:
            time.sleep(1.0)
            runs = {
                label: run_workers(args, label, n, payload_port, work)
                for label, n in (("one", 1), ("two", 2))
            }
            for label, r in runs.items():
                print(
                    f"{label} worker process(es), {args.sources} RSS sources ({r['done']} run, "
                    f"{r['items']:,} items, {r['failed']} failed): {r['collected']:,.0f} items collected/s, "
                    f"{r['stored']:,.0f} mentions stored/s; RSS per worker at 10% / 90% / peak "
                    f"{r['rss_lo']:.0f} / {r['rss_hi']:.0f} / {r['peak_mib']:.0f} MiB "
                    f"(load average {r['load']}, machine idle {100 * r['idle']:.0f}%); the workers used "
                    f"{r['cores']:.2f} cores, "
                    f"{r['per_cpu']:,.0f} items per CPU-second"
                )
            print(
                f"two / one workers: {runs['two']['collected'] / runs['one']['collected']:.2f}x collected, "
                f"{runs['two']['stored'] / max(runs['one']['stored'], 1e-9):.2f}x stored; CPU got "
                f"{runs['two']['cores'] / runs['one']['cores']:.2f}x, items per CPU-second "
                f"{runs['two']['per_cpu'] / runs['one']['per_cpu']:.2f}x (1.0x: no contention between them)"
            )
        if "memory" in steps:
            time.sleep(1.0)
            mem = run_memory(args, payload_port, work)
            samples = mem["samples"]
            last = samples[-1]
            print(
                f"one worker, {last[1]:,} items collected, {last[2]:,} mentions stored in {last[0]:.0f} s "
                f"(load average {mem['load']}); resident memory (MiB) as it went:"
            )
            for share in (0.1, 0.25, 0.5, 0.75, 1.0):
                s_ = next(x for x in samples if x[1] >= share * last[1])
                print(f"  {s_[1]:>9,} items / {s_[2]:>9,} stored: {s_[3] / 1024:6.0f} MiB")
            print(f"  peak {max(x[3] for x in samples) / 1024:.0f} MiB")
        if "serve" in steps:
            s = run_serve(args, work)
            for label, r in s.items():
                print(
                    f"feed, 2 wrk x {args.connections // 2} connections on {label} listener serve "
                    f"process(es), {args.rows:,} rows: {r['rps']:,.0f} req/s, worst p99 {r['p99']:.0f} ms, "
                    f"non-2xx {r['non2xx']:.0f} (load average {r['load']})"
                )
            print(f"two / one serve processes: {s['two']['rps'] / s['one']['rps']:.2f}x")
        return 0
    finally:
        payloads.send_signal(signal.SIGTERM)
        payloads.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
