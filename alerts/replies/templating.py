"""User-editable reply templates, rendered in Jinja2's immutable sandbox with an output cap.

Only the variables in ``VARIABLES`` exist; a template naming any other, one that does not compile,
or one that reaches for internals (``''.__class__``) is refused when it is saved
(:func:`check_template`), so rendering later cannot fail for those reasons.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

VARIABLES = (
    "author_name",
    "author_handle",
    "brand",
    "product",
    "topic",
    "platform",
    "agent_name",
    "case_id",
    "link",
)
MAX_BODY = 5000
MAX_OUTPUT = 5000
SAMPLE = {
    "author_name": "Jennifer Alvarez",
    "author_handle": "jalvarez",
    "brand": "Acme",
    "product": "Acme Pay",
    "topic": "delivery",
    "platform": "twitter",
    "agent_name": "Sam",
    "case_id": "CS-123456",
    "link": "https://acme.example/help",
}


class _ReplySandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, plus limits on ``*`` and ``**`` so no template can build a huge value."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise SecurityError("the ** operator is not allowed in reply templates")
        sizes = [len(x) for x in (left, right) if isinstance(x, str | list | tuple)]
        factor = [x for x in (left, right) if isinstance(x, int) and not isinstance(x, bool)]
        if sizes and factor and sizes[0] * max(factor[0], 0) > MAX_OUTPUT:
            raise SecurityError("repetition would exceed the output limit")
        return super().call_binop(context, operator, left, right)


_env = _ReplySandbox(undefined=StrictUndefined, autoescape=False, trim_blocks=True)
_env.globals.clear()  # no range, lipsum, cycler, namespace …: only the reply variables exist


class TemplateError(ValueError):
    """A template that cannot be used; the message says why (line numbers where Jinja gives them)."""


def check_template(body: str) -> None:
    """Refuse a body that is too long, does not compile, names unknown variables or is unsafe."""
    if len(body) > MAX_BODY:
        raise TemplateError(f"template is {len(body)} characters; at most {MAX_BODY}")
    try:
        ast = _env.parse(body)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"template does not compile: line {exc.lineno}: {exc.message}") from exc
    unknown = sorted(meta.find_undeclared_variables(ast) - set(VARIABLES))
    if unknown:
        raise TemplateError(f"unknown variable(s) {', '.join(unknown)}; available: {', '.join(VARIABLES)}")
    render(body, SAMPLE)


@lru_cache(maxsize=4096)
def variables_of(body: str) -> frozenset[str]:
    """The reply variables a (valid) template body uses."""
    try:
        return frozenset(meta.find_undeclared_variables(_env.parse(body)))
    except TemplateSyntaxError:
        return frozenset()


def render(body: str, context: dict[str, Any]) -> str:
    """The rendered text, whitespace-trimmed; TemplateError on unsafe access or oversized output."""
    values = {name: ("" if context.get(name) is None else str(context.get(name))) for name in VARIABLES}
    try:
        out = _env.from_string(body).render(values)
    except SecurityError as exc:
        raise TemplateError(f"template refused by the sandbox: {exc}") from exc
    except UndefinedError as exc:
        raise TemplateError(f"template uses something that does not exist: {exc.message}") from exc
    except TemplateSyntaxError as exc:
        raise TemplateError(f"template does not compile: line {exc.lineno}: {exc.message}") from exc
    except (TypeError, ValueError, ArithmeticError, OverflowError, MemoryError) as exc:
        raise TemplateError(f"template failed to render: {type(exc).__name__}") from exc
    out = out.strip()
    if len(out) > MAX_OUTPUT:
        raise TemplateError(f"template renders to {len(out)} characters; at most {MAX_OUTPUT}")
    return out
