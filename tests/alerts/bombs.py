"""Hostile reply templates (issue 16, point 5): each must be refused at save and skipped at render."""

from __future__ import annotations


def _nest(depth: int, over: str = "author_name") -> str:
    return "".join(f"{{% for v{i} in {over} %}}" for i in range(depth)) + "x" + "{% endfor %}" * depth


def _doubling(steps: int, op: str) -> str:
    body = "{% set s0 = author_name %}"
    body += "".join(f"{{% set s{i} = s{i - 1} {op} s{i - 1} %}}" for i in range(1, steps))
    return body + f"{{{{ s{steps - 1} }}}}"


BOMBS = {
    "five nested loops over author_name": _nest(5),
    "two quiet loops over a long string": "{% for a in author_name * 50 %}{% for b in author_name * 50 %}"
    "{% endfor %}{% endfor %}",
    "a recursive loop": "{% for x in [1, 2] recursive %}{{ loop([x]) }}{% endfor %}",
    "a self-calling macro": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "macros calling each other": "{% macro g() %}{{ h() }}{% endmacro %}"
    "{% macro h() %}{{ g() }}{% endmacro %}{{ g() }}",
    "a huge range": "{% for i in range(10**9) %}x{% endfor %}",
    "a huge list": "{% for i in [0] * 1000000000 %}x{% endfor %}",
    "string multiplication": "{{ author_name * 1000000000 }}",
    "a join with a long separator": "{{ (author_name * 100)|list|join(author_name * 100) }}",
    "concatenation doubling": _doubling(40, "~"),
    "addition doubling": _doubling(40, "+"),
    "integer squaring": "{% set a = 99999999 %}" + "{% set a = a * a %}" * 40 + "{{ a }}",
    "a padded method": "{{ author_name.ljust(999999999) }}",
    "a width in str.format": "{{ '{:>999999999}'.format(author_name) }}",
    "a width in %-formatting": "{{ '%999999999s' % author_name }}",
    "chained replace": "{{ author_name" + "|replace('', author_name)" * 3 + " }}",
    "an include": "{% include 'x' %}",
}
