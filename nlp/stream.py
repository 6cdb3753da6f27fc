"""Streaming JSONL scoring for ``listener score``: one JSON line in, one JSON line out, in order.

Input lines are JSON objects with ``text`` and optional ``language``, ``rating``, ``brand``,
``platform``, ``title``, ``kind``. A bad line yields ``{"error": "line N: <what is wrong>"}`` and
scoring continues. Memory stays constant: lines are read, scored and written one batch at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from itertools import islice
from typing import Any, TextIO

import orjson

from nlp.base import BrandContext, NlpInput
from nlp.pipeline import Pipeline, get_pipeline

log = logging.getLogger(__name__)

DEFAULT_BATCH = 512
MAX_AD_HOC_BRANDS = 10_000
_KEYS = ("language", "language_confidence", "sentiment", "topics", "entities", "crisis_terms", "keyphrases")


def parse_line(line: str, number: int) -> NlpInput:
    """Parse one input line into an :class:`NlpInput`; raises ValueError with a readable message."""
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as e:
        raise ValueError(f"line {number}: invalid JSON ({e.msg})") from e
    if not isinstance(obj, dict):
        raise ValueError(f"line {number}: expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError(f"line {number}: 'text' must be a string")
    rating = obj.get("rating")
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int | float)):
        raise ValueError(f"line {number}: 'rating' must be a number")
    fields: dict[str, Any] = {}
    for key in ("title", "language", "platform", "brand", "kind"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"line {number}: '{key}' must be a string")
        fields[key] = value
    return NlpInput(text=text, rating=rating, **fields)


def score_lines(
    lines: Iterable[str],
    out: TextIO,
    pipeline: Pipeline | None = None,
    batch_size: int = DEFAULT_BATCH,
    brands: Mapping[str, BrandContext] | None = None,
) -> int:
    """Score JSON lines from ``lines`` and write one JSON line per input line to ``out``, in order.

    Blank lines are skipped (no output). ``brands`` gives brand contexts by name; a ``brand`` named
    in a line without a context gets a bare ``BrandContext(name)``. Returns the number of lines written.
    """
    pipe = pipeline or get_pipeline()
    known: dict[str, BrandContext] = dict(brands or {})
    written = 0
    numbered = ((n, line) for n, line in enumerate(lines, 1) if line.strip())
    while chunk := list(islice(numbered, max(1, batch_size))):
        parsed: list[NlpInput | str] = []
        for number, line in chunk:
            try:
                item = parse_line(line, number)
            except ValueError as e:
                parsed.append(str(e))
                continue
            if item.brand and item.brand not in known and len(known) < MAX_AD_HOC_BRANDS:
                known[item.brand] = BrandContext(item.brand)
            parsed.append(item)
        good = [p for p in parsed if isinstance(p, NlpInput)]
        results = iter(pipe.run(good, known, batch_size=max(1, len(good))))
        buf = []
        for p in parsed:
            if isinstance(p, str):
                record: dict[str, Any] = {"error": p}
            else:
                full = next(results).to_dict()
                record = {k: full[k] for k in _KEYS}
                if p.brand:
                    record["brand_sentiment"] = full["brand_sentiment"]
            buf.append(orjson.dumps(record).decode())
        out.write("\n".join(buf) + "\n")
        written += len(buf)
    return written
