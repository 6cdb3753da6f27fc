"""The collection job: run one source's collector under its lease (``listener.worker.leases``), persist the
outcome.

Leases. ``claim_due`` picks sources that are due (enabled, not ``paused`` / ``needs_credentials``,
``next_run_at`` null or past) and whose lease is free or expired, and writes ``lease_owner`` and
``lease_expires_at``. On PostgreSQL the candidates are read with ``FOR UPDATE SKIP LOCKED``, so
concurrent workers never wait on each other; on both backends every claim is a compare-and-set
``UPDATE … WHERE lease is free or expired`` whose row count decides, so two workers never claim the
same source. A crashed worker's lease simply expires.

Running. ``run_source`` calls the collector outside any transaction (no DB connection is held
during HTTP), then stores the batch, the new cursor and the source's health in ONE transaction,
opened with a guard ``UPDATE … WHERE lease_owner = worker``: if another worker took the source
over, nothing is stored. A failure anywhere leaves the cursor as it was, so the next run fetches
the same mentions again and the ``(platform, external_id)`` key drops any repeats.

History. A pending backfill (``source.backfill``, see ``listener.worker.backfill``) takes one step per
run after the new mentions; its position is stored in the same transaction as the batch.

Outcomes. Success: status ``ok``, failures reset, next run = now + interval ±10%. ``RetryLater``
and ``CollectorError``: status ``backoff``, failures + 1, next run after ``Retry-After`` or an
exponential backoff (60 s · 2^failures, capped at 1 h, ±10%). ``AuthError``: status
``needs_credentials`` and ``next_run_at`` null; the scheduler skips that status until an operator
runs ``listener collect --once --source ID`` (which runs a source whatever its status) and it
succeeds, or changes the source's params through the API. After ``MAX_FAILURES`` consecutive
failures the status is ``paused`` (the API's ``PATCH enabled=true``, or new params, resume it).
"""

from __future__ import annotations

import logging
import random
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from collectors.base import AuthError, CollectorError, RetryLater
from collectors.records import Batch
from collectors.registry import get_collector, validate_params
from listener.engine.new_mentions import alert_on_new
from listener.pipeline.ingest import store_batch
from listener.pipeline.matching import BrandRouter
from listener.settings import Settings
from listener.storage.db import session_scope
from listener.storage.models import Source
from listener.worker import backfill
from listener.worker.leases import hold

log = logging.getLogger(__name__)

MAX_FAILURES = 5
STORE_ATTEMPTS = 3  # a batch whose transaction hit a deadlock is stored again, up to this many times
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})
BACKOFF_BASE_SECONDS = 60.0
BACKOFF_CAP_SECONDS = 3600.0
JITTER = 0.10
MIN_DELAY_SECONDS = 10.0  # a "Retry-After: 0" or a tiny interval never makes a tick spin
_ERROR_CHARS = 2000


@dataclass(slots=True)
class RunResult:
    """What one run of one source did."""

    source_id: int
    name: str
    created: int = 0
    duplicates: int = 0
    unmatched: int = 0  # collected but matching no brand query: not stored
    error: str | None = None
    next_run_at: datetime | None = None
    status: str | None = None
    skipped: bool = False
    backfill_warning: str | None = None  # the history step could not run (listener.worker.backfill)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- leases ----------------------------------------------------------------------------------------


# --- scheduling arithmetic ---------------------------------------------------------------------------


def jittered(seconds: float, rng: random.Random | None = None) -> float:
    """``seconds`` ± ``JITTER``, so sources started together drift apart."""
    return seconds * (rng or random).uniform(1 - JITTER, 1 + JITTER)


def backoff_seconds(failures_before: int, rng: random.Random | None = None) -> float:
    """60 s · 2^failures (failures before this one), capped at 1 h, ±10%."""
    exponent = min(max(0, failures_before), 32)
    return jittered(min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**exponent), rng)


def interval_of(source: Source) -> float:
    """The source's own interval, else its collector's default (never under ``MIN_DELAY_SECONDS``)."""
    if source.interval_seconds:
        seconds = float(source.interval_seconds)
    else:
        seconds = get_collector(source.platform).default_interval.total_seconds()
    return max(MIN_DELAY_SECONDS, seconds)


# --- running one source ------------------------------------------------------------------------------


def run_source(
    sessions: sessionmaker[Session],
    settings: Settings,
    client: httpx.Client,
    source_id: int,
    *,
    worker: str,
    now: datetime,
) -> RunResult:
    """Collect one source that ``worker`` has leased and persist the outcome (module docstring)."""
    with session_scope(sessions) as session:
        source = session.get(Source, source_id)
        if source is None:
            return RunResult(source_id, "?", error="no such source", skipped=True)
        result = RunResult(source_id, source.name)
        if source.lease_owner != worker:
            result.error, result.skipped = "lease held by another worker", True
            return result
        platform, raw_params, cursor = source.platform, dict(source.params or {}), source.cursor
        history = source.backfill
    try:  # no transaction is open while the collector talks to the platform
        params = validate_params(platform, raw_params, settings=settings)
        collector = get_collector(platform)(client, settings)
        batch = collector.collect(params, cursor)
        older = backfill.step(collector, params, backfill.target(params, history, now))
    except (RetryLater, CollectorError) as exc:
        return _record_failure(sessions, result, exc, worker=worker, now=now)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        error = CollectorError(f"invalid params: {problems}")
        return _record_failure(sessions, result, error, worker=worker, now=now)
    except Exception as exc:  # a collector bug must not stop the other sources
        log.exception("collector for source %s crashed", source_id)
        error = CollectorError(f"collector crashed: {type(exc).__name__}: {exc}")
        return _record_failure(sessions, result, error, worker=worker, now=now)
    for attempt in range(1, STORE_ATTEMPTS + 1):
        try:
            return _record_success(sessions, result, batch, older, settings=settings, worker=worker, now=now)
        except DBAPIError as exc:
            if attempt < STORE_ATTEMPTS and is_transient(exc):
                # two transactions locked rows in opposite orders (near-duplicate marks of
                # concurrent runs): PostgreSQL rolled this one back whole, so it can simply run again
                log.info(
                    "storing the batch of source %s: %s; trying again", source_id, type(exc.orig).__name__
                )
                continue
            error_exc: Exception = exc
        except Exception as exc:
            error_exc = exc
        log.exception(
            "storing the batch of source %s failed; nothing was stored", source_id, exc_info=error_exc
        )
        error = CollectorError(f"storing the batch failed: {type(error_exc).__name__}: {error_exc}")
        return _record_failure(sessions, result, error, worker=worker, now=now)
    raise AssertionError("unreachable")  # pragma: no cover


def is_transient(exc: DBAPIError) -> bool:
    """Whether the database gave up on the transaction in a way a retry cures: a deadlock or a
    serialization failure (SQLSTATE 40P01 / 40001)."""
    return getattr(exc.orig, "sqlstate", None) in TRANSIENT_SQLSTATES


def _record_success(
    sessions: sessionmaker[Session],
    result: RunResult,
    batch: Batch,
    older: backfill.Step,
    *,
    settings: Settings,
    worker: str,
    now: datetime,
) -> RunResult:
    with session_scope(sessions) as session:
        source = hold(session, source_id=result.source_id, worker=worker, now=now)
        if source is None:
            result.error, result.skipped = "lease lost before storing; nothing stored", True
            return result
        routed, unmatched = BrandRouter.load(session).route_raw([*batch.mentions, *older.mentions])
        outcome = store_batch(session, routed, source_id=source.id)
        alert_on_new(session, outcome.created_ids, settings=settings)
        result.created, result.duplicates, result.unmatched = outcome.created, outcome.duplicates, unmatched
        source.cursor = batch.next_cursor
        source.backfill = older.state  # the history position moves with the batch it fetched
        source.last_success_at = now
        source.consecutive_failures = 0
        source.status = "ok"
        source.mentions_collected = (source.mentions_collected or 0) + outcome.created
        source.items_seen = (source.items_seen or 0) + len(batch.mentions)
        source.items_unmatched = (source.items_unmatched or 0) + unmatched
        source.items_duplicate = (source.items_duplicate or 0) + outcome.duplicates
        if batch.rate_limit_remaining is not None:
            source.rate_limit_remaining = batch.rate_limit_remaining
        if batch.rate_limit_reset_at is not None:
            source.rate_limit_reset_at = batch.rate_limit_reset_at
        warnings = [*batch.warnings, *([older.warning] if older.warning else [])]
        result.backfill_warning = older.warning
        if warnings:
            source.last_error = _clip("warning: " + "; ".join(warnings))
            source.last_error_at = now
        source.next_run_at = now + timedelta(seconds=jittered(interval_of(source)))
        source.lease_owner = source.lease_expires_at = None
        result.next_run_at, result.status = source.next_run_at, source.status
    log.debug(
        "source %s (%s): %d new, %d duplicate(s), next run %s",
        result.source_id, result.name, result.created, result.duplicates, result.next_run_at,
    )  # fmt: skip
    return result


def _record_failure(
    sessions: sessionmaker[Session],
    result: RunResult,
    exc: RetryLater | CollectorError,
    *,
    worker: str,
    now: datetime,
) -> RunResult:
    message = _clip(exc.reason if isinstance(exc, RetryLater) else str(exc))
    with session_scope(sessions) as session:
        source = hold(session, source_id=result.source_id, worker=worker, now=now)
        if source is None:
            result.error, result.skipped = f"{message} (lease lost; not recorded)", True
            return result
        failures_before = source.consecutive_failures or 0
        source.consecutive_failures = failures_before + 1
        source.last_error, source.last_error_at = message, now
        if isinstance(exc, AuthError):
            source.status, source.next_run_at = "needs_credentials", None
        else:
            after = exc.after_seconds if isinstance(exc, RetryLater) else None
            delay = max(MIN_DELAY_SECONDS, after) if after is not None else backoff_seconds(failures_before)
            source.next_run_at = now + timedelta(seconds=delay)
            source.status = "backoff"
            if source.consecutive_failures >= MAX_FAILURES:
                source.status = "paused"
                source.last_error = _clip(
                    f"paused after {source.consecutive_failures} consecutive failures: {message}"
                )
        source.lease_owner = source.lease_expires_at = None
        result.error, result.next_run_at, result.status = source.last_error, source.next_run_at, source.status
    log.debug("source %s (%s) failed: %s", result.source_id, result.name, result.error)
    return result


def _clip(text: str) -> str:
    return text if len(text) <= _ERROR_CHARS else text[: _ERROR_CHARS - 1] + "…"
