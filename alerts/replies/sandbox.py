"""The sandbox reply templates render in: Jinja2's immutable sandbox with a budget.

A template is user input, so rendering it must end quickly whatever it says. Three layers:

- **Static limits** (:func:`guard`, run when a body is compiled): no recursive loops, loops nested at
  most ``MAX_LOOP_DEPTH`` deep, no macro that calls itself, no ``include`` / ``import`` /
  ``extends``; only the filters in ``FILTERS`` exist. Every loop's iterable and every ``~``
  concatenation are wrapped so the running budget sees them.
- **A running budget** (:class:`Budget`): every loop step, call, attribute or item access, operator
  and concatenation costs one step; more than ``MAX_STEPS`` steps, calls nested deeper than
  ``MAX_CALL_DEPTH`` or more than ``MAX_SECONDS`` of wall time stop the render.
- **Size limits**: no number argument above ``MAX_OUTPUT`` (``center(10**9)``, ``ljust``), no value
  longer than ``MAX_OUTPUT`` from ``*``, ``+``, ``~``, a filter or a method, no ``%`` formatting or
  ``str.format`` (widths hide inside the format string), no ``**``, no integer products above
  ``MAX_INT_BITS`` bits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from jinja2 import StrictUndefined, Undefined, nodes, pass_context
from jinja2 import filters as jf
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_OUTPUT = 10_000
MAX_STEPS = 20_000
MAX_SECONDS = 0.25
MAX_CALL_DEPTH = 10
MAX_LOOP_DEPTH = 2
MAX_INT_BITS = 256
HOLE = "\x00"  # what a variable without a value prints: found in the output, it marks a hole

_STEPS = "_budget_steps"
_CAPPED = "_budget_capped"


class BudgetExceeded(SecurityError):
    """The render took too many steps, nested calls too deep or ran too long."""


class Missing(Undefined):
    """A variable the mention has no value for: falsy (so ``author_name or "there"`` and
    ``default`` work), empty when iterated, and printed as :data:`HOLE` when it reaches the text."""

    __slots__ = ()

    def __str__(self) -> str:
        return HOLE


@dataclass(slots=True)
class Budget:
    """The steps and time one render may still spend."""

    steps: int = MAX_STEPS
    deadline: float = field(default_factory=lambda: time.monotonic() + MAX_SECONDS)
    depth: int = 0

    def tick(self, n: int = 1) -> None:
        self.steps -= n
        if self.steps < 0:
            raise BudgetExceeded(f"the template needs more than {MAX_STEPS} steps to render")
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(f"the template takes longer than {MAX_SECONDS} s to render")


_budget: ContextVar[Budget | None] = ContextVar("reply_template_budget", default=None)


def _tick(n: int = 1) -> None:
    b = _budget.get()
    if b is not None:
        b.tick(n)


def _too_big(value: Any) -> bool:
    return isinstance(value, str | list | tuple | dict) and len(value) > MAX_OUTPUT


def _check_args(args: Iterable[Any]) -> None:
    for a in args:
        if isinstance(a, int) and not isinstance(a, bool) and abs(a) > MAX_OUTPUT:
            raise SecurityError(f"numbers above {MAX_OUTPUT} are not allowed as arguments")


def _check_result(value: Any) -> Any:
    if _too_big(value):
        raise SecurityError(f"a value longer than {MAX_OUTPUT} characters")
    return value


def _checked_filter(f: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        _tick()
        _check_args(args)
        _check_args(kwargs.values())
        return _check_result(f(*args, **kwargs))

    if hasattr(f, "jinja_pass_arg"):
        run.jinja_pass_arg = f.jinja_pass_arg  # type: ignore[attr-defined]
    return run


@pass_context
def _steps(_ctx: Any, iterable: Any) -> Iterator[Any]:
    """A loop's iterable, charging one step per item."""
    for item in iterable:
        _tick()
        yield item


@pass_context
def _capped(_ctx: Any, value: Any) -> Any:
    _tick()
    return _check_result(value)


FILTERS = {
    name: _checked_filter(jf.FILTERS[name])
    for name in (
        "default", "d", "lower", "upper", "capitalize", "title", "trim", "truncate", "replace", "join",
        "first", "last", "length", "count", "string", "wordcount", "int", "float", "round", "abs",
        "list", "reverse", "striptags",
    )
}  # fmt: skip
REFUSED_ATTRIBUTES = frozenset({"format", "format_map"})


def _refuse(attribute: Any) -> None:
    if isinstance(attribute, str) and attribute in REFUSED_ATTRIBUTES:
        raise SecurityError(f"{attribute} is not available in reply templates (widths hide in the format)")


class ReplySandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with the limits above; one module-level instance renders every template."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "**":
            raise SecurityError("the ** operator is not allowed in reply templates")
        if operator == "%" and isinstance(left, str):
            raise SecurityError("%-formatting is not allowed in reply templates")
        ints = [x for x in (left, right) if isinstance(x, int) and not isinstance(x, bool)]
        if operator == "*" and len(ints) == 2 and sum(x.bit_length() for x in ints) > MAX_INT_BITS:
            raise SecurityError("the product is too large")
        sizes = [len(x) for x in (left, right) if isinstance(x, str | list | tuple)]
        if operator == "*" and sizes and ints and sizes[0] * max(ints[0], 0) > MAX_OUTPUT:
            raise SecurityError("repetition would exceed the output limit")
        if operator == "+" and sum(sizes) > MAX_OUTPUT:
            raise SecurityError("the sum would exceed the output limit")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _tick()
        _refuse(attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _tick()
        _refuse(argument)
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        b = _budget.get()
        _tick()
        _check_args(args)
        _check_args(kwargs.values())
        if b is not None:
            b.depth += 1
            if b.depth > MAX_CALL_DEPTH:
                raise BudgetExceeded(f"calls nest more than {MAX_CALL_DEPTH} deep")
        try:
            return _check_result(super().call(__context, __obj, *args, **kwargs))
        finally:
            if b is not None:
                b.depth -= 1


def make_environment() -> ReplySandbox:
    env = ReplySandbox(undefined=StrictUndefined, autoescape=False, trim_blocks=True)
    env.globals.clear()  # no range, lipsum, cycler, namespace …: only the reply variables exist
    env.filters = {**FILTERS, _STEPS: _steps, _CAPPED: _capped}
    return env


class Refused(ValueError):
    """A template the static limits refuse; the message says which limit and where."""


def guard(template: nodes.Template) -> nodes.Template:
    """Check the static limits and wrap loops and concatenations for the budget (in place)."""
    for node in template.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        raise Refused(f"line {node.lineno}: include, import and extends are not available in reply templates")
    for macro in template.find_all(nodes.Macro):
        for call in macro.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == macro.name:
                raise Refused(f"line {call.lineno}: macro {macro.name!r} calls itself")
    _loops(template, 0)
    for node in list(template.find_all(nodes.Concat)):
        _wrap_concat(node)
    return template


def _loops(node: nodes.Node, depth: int) -> None:
    if not isinstance(node, nodes.For):
        for child in node.iter_child_nodes():
            _loops(child, depth)
        return
    if node.recursive:
        raise Refused(f"line {node.lineno}: recursive loops are not allowed in reply templates")
    if depth + 1 > MAX_LOOP_DEPTH:
        raise Refused(f"line {node.lineno}: loops nest {depth + 1} deep; at most {MAX_LOOP_DEPTH}")
    _loops(node.iter, depth)
    node.iter = nodes.Filter(node.iter, _STEPS, [], [], None, None, lineno=node.lineno)
    for part in (*node.body, *node.else_, *([node.test] if node.test is not None else [])):
        _loops(part, depth + 1)


def _wrap_concat(node: nodes.Concat) -> None:
    inner = nodes.Concat(node.nodes, lineno=node.lineno)
    node.nodes = [nodes.Filter(inner, _CAPPED, [], [], None, None, lineno=node.lineno)]


def run(render: Callable[[], str]) -> str:
    """Call ``render`` under a fresh :class:`Budget`."""
    token = _budget.set(Budget())
    try:
        return render()
    finally:
        _budget.reset(token)
