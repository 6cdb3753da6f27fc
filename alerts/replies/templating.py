"""User-editable reply templates: checked when saved, rendered in a budgeted sandbox (``sandbox.py``).

Only the variables in ``VARIABLES`` exist; a template naming any other, one that does not compile,
one the sandbox's static limits refuse, or one that fails or runs out of budget with the sample
values (short and long) is refused when it is saved (:func:`check_template`).

A variable the mention has no value for (no product, no author name, no link) is *missing*: it is
falsy, so ``{{ author_name or "there" }}`` and ``{% if product %}…{% endif %}`` give the template's
own wording, but when a missing value reaches the text :func:`render` raises :class:`Hole`, so the
template is not offered for that mention rather than read "the quality of !".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from jinja2 import Template, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, UndefinedError

from alerts.replies.sandbox import HOLE, MAX_OUTPUT, Missing, Refused, guard, make_environment, run

VARIABLES = (
    "author_name",
    "author_handle",
    "brand",
    "product",
    "topic",
    "platform",
    "agent_name",
    "signature",
    "case_id",
    "link",
    "status_link",
)
MAX_BODY = 5000
SAMPLE = {
    "author_name": "Jennifer Alvarez",
    "author_handle": "@jalvarez",
    "brand": "Acme",
    "product": "Acme Pay",
    "topic": "delivery",
    "platform": "twitter",
    "agent_name": "Sam",
    "signature": "Sam, Acme Support",
    "case_id": "CS-2026-000123",
    "link": "https://acme.example/help",
    "status_link": "https://status.acme.example",
}
# the longest values a stored mention can give (the columns hold 200 characters)
LONG_SAMPLE = {name: "Ağ" * 100 for name in VARIABLES}
_SPACES = re.compile(r"[^\S\n]+")

_env = make_environment()


class TemplateError(ValueError):
    """A template that cannot be used; the message says why (line numbers where Jinja gives them)."""


class Hole(TemplateError):
    """The template would print a variable this mention has no value for."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"prints a value this mention does not have (missing: {', '.join(missing)})")
        self.missing = missing


@contextmanager
def _failures(stage: str) -> Iterator[None]:
    """Turn whatever compiling or rendering a template raises into a :class:`TemplateError`."""
    try:
        yield
    except TemplateSyntaxError as exc:
        raise TemplateError(f"template does not compile: line {exc.lineno}: {exc.message}") from exc
    except Refused as exc:
        raise TemplateError(f"template refused: {exc}") from exc
    except SecurityError as exc:
        raise TemplateError(f"template refused by the sandbox: {exc}") from exc
    except UndefinedError as exc:
        raise TemplateError(f"template uses something that does not exist: {exc.message}") from exc
    except RecursionError as exc:
        raise TemplateError(f"template is nested too deeply to {stage}") from exc
    except (TypeError, ValueError, LookupError, ArithmeticError, MemoryError) as exc:
        raise TemplateError(f"template failed to {stage}: {type(exc).__name__}") from exc


@lru_cache(maxsize=1024)
def _compiled(body: str) -> Template:
    with _failures("compile"):
        return _env.from_string(guard(_env.parse(body)))


def check_template(body: str) -> None:
    """Refuse a body that is too long, does not compile, names unknown variables, breaks the
    sandbox's limits, or fails to render with the sample values (short and longest possible)."""
    if len(body) > MAX_BODY:
        raise TemplateError(f"template is {len(body)} characters; at most {MAX_BODY}")
    with _failures("compile"):
        _env.parse(body)
    unknown = sorted(variables_of(body) - set(VARIABLES))
    if unknown:
        raise TemplateError(f"unknown variable(s) {', '.join(unknown)}; available: {', '.join(VARIABLES)}")
    render(body, SAMPLE)
    render(body, LONG_SAMPLE)


@lru_cache(maxsize=4096)
def variables_of(body: str) -> frozenset[str]:
    """The reply variables a (valid) template body uses."""
    try:
        return frozenset(meta.find_undeclared_variables(_env.parse(body)))
    except (TemplateSyntaxError, RecursionError):  # check_template reports it when compiling
        return frozenset()


def _value(name: str, value: Any) -> Any:
    if value is None:
        return Missing(name=name)
    text = _SPACES.sub(" ", str(value).replace(HOLE, "")).strip()
    return text if text else Missing(name=name)


def render(body: str, context: dict[str, Any]) -> str:
    """The rendered text, whitespace-trimmed. :class:`Hole` when a variable without a value would
    be printed; :class:`TemplateError` when the template is refused, fails or runs out of budget."""
    template = _compiled(body)
    values = {name: _value(name, context.get(name)) for name in VARIABLES}
    with _failures("render"):
        out = run(lambda: template.render(values))
    if HOLE in out:
        raise Hole(sorted(n for n in variables_of(body) if isinstance(values.get(n), Missing)))
    out = out.strip()
    if len(out) > MAX_OUTPUT:
        raise TemplateError(f"template renders to {len(out)} characters; at most {MAX_OUTPUT}")
    return out
