"""Ingest of two checkouts in one run: two ``listener serve`` processes (code A, code B), a fresh
database each, the same 1,000-tweet batches posted to one then the other (order alternating), raw
VADER on each batch after each post. Both servers and VADER see the same machine load.

    .venv/bin/python benchmarks/ingest_ab.py --backend sqlite|postgres A_DIR B_DIR [--batches 10]

A_DIR / B_DIR are source trees (``git archive main | tar -x -C /tmp/main``); the servers run with
``PYTHONPATH`` set to them and this checkout's virtualenv.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from benchmarks.common import create_postgres, drop_postgres, load_average  # noqa: E402
from benchmarks.load import BIN, RawVader, batches, free_port, tweets, wait_up  # noqa: E402

PG_ADMIN = os.environ.get(
    "LISTENER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def start(backend: str, code: str, procs: list, dbs: list) -> httpx.Client:
    if backend == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp()}/ingest.db"
    else:
        name = f"listener_ingest_ab_{os.getpid()}_{len(dbs)}"
        url = create_postgres(PG_ADMIN, name)
        dbs.append(name)
    env = dict(os.environ, LISTENER_DATABASE_URL=url, PYTHONPATH=code, LISTENER_LOG_LEVEL="WARNING")
    subprocess.run([str(BIN / "listener"), "migrate"], env=env, capture_output=True, check=True)
    out = subprocess.run(
        [str(BIN / "listener"), "keys", "create", "--role", "admin", "--name", "ab"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    key = out.stdout.split()[-1]
    port = free_port()
    cmd = [str(BIN / "listener"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(proc)
    wait_up(port, proc)
    client = httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"}, timeout=600
    )
    client.post("/api/v1/brands", json={"name": "Acme", "aliases": ["acme"]}).raise_for_status()
    return client


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--batches", type=int, default=10)
    args = ap.parse_args()
    procs: list[subprocess.Popen[bytes]] = []
    dbs: list[str] = []
    try:
        clients = {"A": start(args.backend, args.a, procs, dbs), "B": start(args.backend, args.b, procs, dbs)}
        todo = batches(tweets(), args.batches + 1, "t")
        for c in clients.values():
            c.post("/api/v1/ingest", json={"mentions": todo[0]}).raise_for_status()  # warm-up
        spent = {"A": 0.0, "B": 0.0}
        vader = RawVader()
        for k, batch in enumerate(todo[1:]):
            for label in ("A", "B") if k % 2 == 0 else ("B", "A"):
                t0 = time.perf_counter()
                clients[label].post("/api/v1/ingest", json={"mentions": batch}).raise_for_status()
                spent[label] += time.perf_counter() - t0
                vader(batch)
        for label, code in (("A", args.a), ("B", args.b)):
            api = args.batches * 1000 / spent[label]
            print(
                f"ingest {args.backend} {label} ({code}): {api:,.0f} mentions/s | raw VADER "
                f"{vader.rate:,.0f}/s on the same texts | ratio {api / vader.rate:.3f}x"
            )
        print(f"load average {load_average()}")
    finally:
        for p in procs:
            p.terminate()
            p.wait()
        for name in dbs:
            drop_postgres(PG_ADMIN, name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
