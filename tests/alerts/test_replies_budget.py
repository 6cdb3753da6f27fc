"""Template rendering with a budget: hostile templates are refused quickly, with a reason, and the
render-time path stops them too (a bomb stored before the save check existed)."""

from __future__ import annotations

import time

import pytest

from alerts.replies import SAMPLE, TemplateError, check_template, render
from tests.alerts.bombs import BOMBS


@pytest.mark.parametrize("body", BOMBS.values(), ids=BOMBS.keys())
def test_bomb_refused_at_save_with_a_reason(body):
    started = time.monotonic()
    with pytest.raises(TemplateError) as err:
        check_template(body)
    assert time.monotonic() - started < 5, "a bomb must be stopped, not waited out"
    assert str(err.value).startswith(("template", "unknown variable")), str(err.value)


@pytest.mark.parametrize("body", BOMBS.values(), ids=BOMBS.keys())
def test_bomb_fails_cleanly_at_render_with_a_long_name(body):
    context = {**SAMPLE, "author_name": "Jennifer Alexandra Alvarez-Montgomery Smith"}  # 45 characters
    with pytest.raises(TemplateError):
        render(body, context)


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "Hi {{ author_name }}{% for w in author_name.split() %} {{ w|upper }}{% endfor %}",
            "Hi Ann Lee ANN LEE",
        ),
        ("{% macro hi(n) %}Hi {{ n }}{% endmacro %}{{ hi(author_name) }}!", "Hi Ann Lee!"),
        ("{{ author_name|truncate(20) }} — {{ brand ~ ' team' }}", "Ann Lee — Acme team"),
        ("{% for a in ['x', 'y'] %}{% for b in author_name %}{% endfor %}{{ a }}{% endfor %}", "xy"),
    ],
)
def test_ordinary_templates_still_work(body, expected):
    check_template(body)
    assert render(body, {**SAMPLE, "author_name": "Ann Lee"}) == expected
