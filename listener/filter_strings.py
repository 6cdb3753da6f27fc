"""The feed's filters saved as a query string (``brand=Acme&sentiment=negative&platform=twitter``),
as a push subscription keeps them: read back through ``listener.deps.parse_filters`` with the same
checks FastAPI applies to ``GET /api/v1/mentions``'s own query string, so a saved filter means what
the same parameters mean on the feed."""

from __future__ import annotations

import inspect
from typing import Annotated, Any, get_args, get_origin, get_type_hints
from urllib.parse import parse_qsl

from pydantic import ValidationError, validate_call

from listener.deps import FilterQuery, parse_filters
from listener.errors import Unprocessable

_checked = validate_call(parse_filters)  # the Query(...) bounds of each parameter, checked
NAMES = tuple(inspect.signature(parse_filters).parameters)


def _is_list(hint: Any) -> bool:
    base = get_args(hint)[0] if get_origin(hint) is Annotated else hint
    return any(get_origin(a) is list for a in (base, *get_args(base)))


MULTI = frozenset(n for n, h in get_type_hints(parse_filters, include_extras=True).items() if _is_list(h))


def _refuse(message: str, name: str | None = None) -> Unprocessable:
    field = f"filter.{name}" if name else "filter"
    return Unprocessable(f"filter: {message}", details=[{"field": field, "message": message}])


def filters_from_string(query: str) -> FilterQuery:
    """The ``FilterQuery`` a saved query string means (brand and incident not yet looked up: see
    ``FilterQuery.resolve``). Unprocessable naming ``filter.<parameter>`` for an unknown parameter,
    a single-valued one given twice, or a value the feed would refuse."""
    text = query.strip().removeprefix("?")
    try:
        pairs = parse_qsl(text, strict_parsing=bool(text))
    except ValueError:
        raise _refuse("not a query string (name=value pairs joined by &)") from None
    params: dict[str, Any] = {}
    for name, value in pairs:
        if "\x00" in name + value:
            raise _refuse("a parameter holds a NUL character (%00)", name if name in NAMES else None)
        if name not in NAMES:
            raise _refuse(f"unknown parameter {name!r}; use {', '.join(NAMES)}", name)
        if name in MULTI:
            params.setdefault(name, []).append(value)
        elif name in params:
            raise _refuse(f"{name} is given twice", name)
        else:
            params[name] = value
    try:
        return _checked(**params)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        raise _refuse(f"{name}: {first['msg']}", name) from None
    except Unprocessable as exc:
        details = [{**d, "field": f"filter.{d.get('field')}"} for d in exc.details or []]
        raise Unprocessable(f"filter: {exc.message}", details=details) from None
