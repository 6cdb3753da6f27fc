"""Shapes shared by every resource: the strict input base, strict scalar types, pages and the
error body."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

import orjson
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

T = TypeVar("T")

# What the database stores: BIGINT for ids and counts (JSON numbers are read back through it too).
MAX_INT = 2**63 - 1
_NUMBER = re.compile(r"\s*[-+]?\d+(\.\d*)?([eE][-+]?\d+)?\s*")


def _iso_only(value: Any) -> Any:
    # pydantic reads 0.5 (or "0.5") as seconds since 1970; the API promises ISO 8601 times
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise ValueError("expected an ISO 8601 time such as 2026-12-06T09:30:00Z, not a number")
    return value


IsoTime = Annotated[datetime, BeforeValidator(_iso_only)]
AwareIsoTime = Annotated[AwareDatetime, BeforeValidator(_iso_only)]
BigInt = Annotated[int, Field(ge=-MAX_INT - 1, le=MAX_INT)]


def nul_path(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string (or mapping key) in ``value`` holding a NUL character,
    or None. PostgreSQL cannot store NUL in text; SQLite would, so both refuse it up front."""
    if isinstance(value, str):
        return path or "body" if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and "\x00" in key:
                return where
            found = nul_path(item, where)
            if found:
                return found
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = nul_path(item, f"{path}.{i}" if path else str(i))
            if found:
                return found
    return None


def may_hold_nul(value: Any) -> bool:
    """False when ``value`` certainly holds no NUL character: its JSON text (orjson, in C; a NUL
    anywhere, key or value, is written ``\\u0000``) has no such escape. True otherwise, also for
    what orjson cannot write; then :func:`nul_path` walks it. A 1,000-mention body is checked in
    about a millisecond instead of a Python walk per nested model."""
    try:
        return b"\\u0000" in orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return True


class StrictIn(BaseModel):
    """Base of every request body: unknown fields are errors, strings are stripped, NUL characters
    refused anywhere (also inside free-form ``params``/``config`` mappings)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        where = nul_path(data) if may_hold_nul(data) else None
        if where:
            raise ValueError(f"{where}: NUL characters (\\u0000) cannot be stored")
        return data


class ReadModel(BaseModel):
    """Base of every response model: built from ORM rows."""

    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    """One page of a list; pass ``next_cursor`` back as ``cursor`` for the next (null: no more)."""

    items: list[T]
    next_cursor: str | None = None


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    """Every failure: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorDetail
