"""``listener backtest``: replay a detector over a CSV of counts or over stored mentions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import select

from alerts.backtest import CsvError, backtest_counts, make_detector, read_counts_csv
from listener.cli.common import fail, load_settings, ready_engine, user_errors
from listener.storage.db import make_session_factory, session_scope
from listener.storage.lookup import resolve_brand
from listener.storage.mentions import MentionFilter, apply_filter
from listener.storage.models import Mention

RULES = ("spike", "zscore", "ratio")
SENSITIVITIES = ("low", "medium", "high")
LABELS = ("positive", "negative", "neutral", "unscored")
HOUR = timedelta(hours=1)


def hourly_counts(
    times: list[datetime], since: datetime, until: datetime | None = None
) -> Iterator[tuple[datetime, float]]:
    """Hourly buckets from the hour holding ``since`` to the hour holding the newest time (or
    ``until``), zero-filled, from the (unsorted) ``times``."""
    start = since.replace(minute=0, second=0, microsecond=0)
    counts: dict[datetime, int] = {}
    for t in times:
        bucket = t.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        counts[bucket] = counts.get(bucket, 0) + 1
    end = until or (max(counts) + HOUR if counts else start)
    at = start
    while at < end:
        yield at, float(counts.get(at, 0))
        at += HOUR


def stored_times(
    database_url: str | None, brand: str, since: datetime, until: datetime | None, sentiment: str | None
) -> list[datetime]:
    """``published_at`` of the brand's stored mentions in ``[since, until)`` (one label if given)."""

    settings = load_settings(database_url=database_url)
    sessions = make_session_factory(ready_engine(settings, upgrade_if_empty=False))
    with session_scope(sessions) as session:
        f = MentionFilter(
            brand_ids=[resolve_brand(session, brand).id],
            labels=[sentiment] if sentiment else [],
            since=since,
            until=until,
        )
        return list(session.scalars(apply_filter(select(Mention.published_at), f)))


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def backtest(
    csv: Annotated[Path | None, typer.Option("--csv", help="CSV of counts: timestamp,value")] = None,
    brand: Annotated[
        str | None, typer.Option(help="Replay this brand's stored mentions (name or id)")
    ] = None,
    since: Annotated[datetime | None, typer.Option(help="Stored mentions from this time (UTC)")] = None,
    until: Annotated[datetime | None, typer.Option(help="Stored mentions until this time (UTC)")] = None,
    sentiment: Annotated[str | None, typer.Option(help="Only mentions with this sentiment label")] = None,
    rule: Annotated[str, typer.Option(help="spike (seasonal), zscore or ratio")] = "spike",
    sensitivity: Annotated[str, typer.Option(help="low, medium or high (spike)")] = "medium",
    database_url: Annotated[str | None, typer.Option(help="Database (LISTENER_DATABASE_URL)")] = None,
) -> None:
    """Replay a rule as if live; print one JSON line per incident it would open:
    {"at", "value", "expected", "score"}."""

    if rule not in RULES:
        raise fail(f"unknown rule {rule!r}; use spike, zscore or ratio", 2)
    if sensitivity not in SENSITIVITIES:
        raise fail(f"unknown sensitivity {sensitivity!r}; use low, medium or high", 2)
    if (csv is None) == (brand is None):
        raise fail("give either --csv FILE or --brand B --since D", 2)
    if sentiment is not None and sentiment not in LABELS:
        raise fail(f"unknown sentiment {sentiment!r}; use {', '.join(LABELS)}", 2)
    detector = make_detector(rule, sensitivity)
    rows: Any
    if csv is not None:
        if not csv.is_file():
            raise fail(f"no such file: {csv}", 2)
        try:
            with csv.open(encoding="utf-8", newline="") as fh:
                rows = list(read_counts_csv(fh))
        except CsvError as exc:
            raise fail(str(exc), 1) from exc
        except UnicodeDecodeError as exc:
            raise fail(f"{csv} is not UTF-8 text", 1) from exc
    else:
        if since is None:
            raise fail("--brand needs --since", 2)
        start, end = _utc(since), _utc(until)
        assert start is not None
        with user_errors():
            times = stored_times(database_url, brand or "", start, end, sentiment)
        rows = list(hourly_counts(times, start, end))
        detector = make_detector(rule, sensitivity, HOUR)
    for hit in backtest_counts(rows, detector):
        out = {k: hit[k] for k in ("at", "value", "expected", "score")}
        for k in ("value", "expected", "score"):
            if isinstance(out[k], float):
                out[k] = round(out[k], 3)
        typer.echo(json.dumps(out))
