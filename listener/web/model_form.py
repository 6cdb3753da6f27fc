"""Form fields from a pydantic model (a notifier's ``Config``, a collector's ``Params``), and the
posted form read back into the raw dict the API would receive, so the page validates with the very
function the API uses (``engine.channel_check``, ``engine.source_check``) and nothing else.

A field's input follows its type: text, a password input for a secret field (never filled in
again), a number, a checkbox for a bool, a select for a ``Literal``/enum, checkboxes for a list of
choices, a textarea (one value a line, or separated by commas) for any other list, and a JSON
textarea for a nested model, a list of them or a mapping. An empty
input is left out, so the model's default applies; a number that is not one is passed on as typed
and the model's own message says what is wrong.
"""

from __future__ import annotations

import enum
import json
import types
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import AnyUrl, BaseModel
from pydantic_core import PydanticUndefined

LIST_TYPES = (list, tuple, set, frozenset)


@dataclass(frozen=True, slots=True)
class FormField:
    """One input: ``kind`` is text, url, password, number, checkbox, select, choices, lines or json."""

    name: str
    kind: str
    required: bool
    default: Any = None
    choices: tuple[str, ...] = ()
    help: str = ""
    step: str = "1"


def _unwrap(annotation: Any) -> Any:
    """The type under ``Annotated[...]`` and ``X | None``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    return annotation


def _choices(base: Any) -> tuple[str, ...]:
    if get_origin(base) is Literal:
        return tuple(str(a) for a in get_args(base))
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return tuple(str(m.value) for m in base)
    return ()


def _nested(base: Any) -> bool:
    """A model, a mapping or a list of models: entered as JSON."""
    if isinstance(base, type) and issubclass(base, BaseModel) or base is dict or get_origin(base) is dict:
        return True
    return get_origin(base) in LIST_TYPES and _nested(_unwrap((get_args(base) or (str,))[0]))


def _kind(base: Any, secret: bool) -> tuple[str, tuple[str, ...], str]:
    if secret:
        return "password", (), "1"
    if _nested(base):
        return "json", (), "1"
    if base is bool:
        return "checkbox", (), "1"
    if base in (int, float):
        return "number", (), "1" if base is int else "any"
    if get_origin(base) in LIST_TYPES:
        inner = _unwrap((get_args(base) or (str,))[0])
        return ("choices", _choices(inner), "1") if _choices(inner) else ("lines", (), "1")
    if _choices(base):
        return "select", _choices(base), "1"
    if isinstance(base, type) and issubclass(base, AnyUrl):
        return "url", (), "1"
    return "text", (), "1"


def form_fields(model: type[BaseModel], secret: Collection[str] = ()) -> list[FormField]:
    """The inputs for ``model``'s fields, required ones first, in declaration order otherwise."""
    out = []
    for name, info in model.model_fields.items():
        kind, choices, step = _kind(_unwrap(info.annotation), name in secret)
        if info.default_factory is not None:
            default = info.default_factory()  # type: ignore[call-arg]
        else:
            default = None if info.default is PydanticUndefined else info.default
        if isinstance(default, enum.Enum):
            default = default.value
        if kind == "json":
            default = _plain(default)
        field = FormField(name, kind, info.is_required(), default, choices, info.description or "", step)
        out.append(field)
    return sorted(out, key=lambda f: not f.required)


def _plain(value: Any) -> Any:
    """A default as the JSON a person would type (models as dicts)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _json(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw  # the model says what is wrong with it


def _number(raw: str, step: str) -> Any:
    try:
        return int(raw) if step == "1" else float(raw)
    except ValueError:
        return raw  # the model says what is wrong with it


def read_fields(fields: list[FormField], form: Any, prefix: str) -> dict[str, Any]:
    """The posted values of ``fields`` (inputs named ``prefix + name``) as the API's raw dict;
    ``form`` is the request's form data (``getlist`` for lists of choices)."""
    raw: dict[str, Any] = {}
    for f in fields:
        key = prefix + f.name
        if f.kind == "checkbox":
            raw[f.name] = key in form
            continue
        if f.kind == "choices":
            picked = [str(v) for v in form.getlist(key)]
            if picked:
                raw[f.name] = picked
            continue
        value = str(form.get(key) or "").strip()
        if not value:
            continue
        if f.kind == "lines":
            raw[f.name] = [v.strip() for v in value.replace(",", "\n").splitlines() if v.strip()]
        elif f.kind == "number":
            raw[f.name] = _number(value, f.step)
        elif f.kind == "json":
            raw[f.name] = _json(value)
        else:
            raw[f.name] = value
    return raw


def shown_values(fields: list[FormField], raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """What each input shows: the posted value when the form comes back refused, else the field's
    default; never a secret (a password input is always empty)."""
    values: dict[str, Any] = {}
    for f in fields:
        value = (raw or {}).get(f.name, f.default)
        if f.kind == "password":
            values[f.name] = ""
        elif value is None:
            values[f.name] = {"choices": [], "checkbox": False}.get(f.kind, "")
        elif f.kind == "json":
            values[f.name] = (
                value if isinstance(value, str) else json.dumps(_plain(value), ensure_ascii=False)
            )
        elif f.kind == "lines":
            values[f.name] = (
                "\n".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
            )
        elif f.kind == "choices":
            values[f.name] = [str(v) for v in value]
        elif f.kind == "checkbox":
            values[f.name] = bool(value)
        else:
            values[f.name] = str(value)
    return values
