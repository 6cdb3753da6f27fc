"""No holes: every default template, rendered for mentions that lack a product, an author's name,
a support link, a brand or a case number, reads as a finished sentence or is not offered at all."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from alerts.replies import SAMPLE, Hole, check_template, render, variables_of

LIBRARY = json.loads(
    (Path(__file__).parents[2] / "alerts/templates/replies/defaults.json").read_text(encoding="utf-8")
)
GROUPS = {
    "product": ("product",),
    "author": ("author_name", "author_handle"),
    "link": ("link", "status_link"),
    "brand": ("brand",),
    "case": ("case_id",),
}
DEFECTS = {
    "a hole": re.compile(r"\x00"),
    "a double space": re.compile(r"[^\S\n]{2}"),
    "space before punctuation": re.compile(r"[^\S\n][,.!?;:)]"),
    "punctuation after nothing": re.compile(r"^[^\S\n]*[,.!?;:]|[,(][^\S\n]*[,.!?;:)]", re.M),
    "a dangling word": re.compile(
        r"^(?!-)[^\n]*\b(?:at|of|for|about|with|the|your|to|from|is|case|reference|number|numarası|adresinden|ile)[:,]?[^\S\n]*$(?!\n-)",
        re.M | re.I,
    ),
    "a line ending in a colon with nothing after it": re.compile(r":[^\S\n]*$(?!\n-)", re.M),
    "template syntax": re.compile(r"\{\{|\}\}|\{%|%\}"),
    "a None": re.compile(r"\bNone\b"),
}


def contexts():
    for n in range(len(GROUPS) + 1):
        for missing in itertools.combinations(GROUPS, n):
            ctx = dict(SAMPLE)
            for group in missing:
                for name in GROUPS[group]:
                    ctx[name] = None if group != "author" else ""
            yield "-".join(missing) or "nothing", ctx


@pytest.mark.parametrize("template", LIBRARY, ids=[t["name"] for t in LIBRARY])
def test_no_holes_whatever_is_missing(template):
    check_template(template["body"])
    for missing, ctx in contexts():
        try:
            text = render(template["body"], ctx)
        except Hole:
            assert "case" in missing and "case_id" in variables_of(template["body"]), (
                f"{template['name']} is not offered without {missing}: it needs fallback wording"
            )
            continue
        for defect, pattern in DEFECTS.items():
            found = pattern.search(text)
            assert not found, f"{template['name']} without {missing}: {defect} at {found.start()}: {text!r}"


def test_a_missing_value_is_never_printed():
    body = "Hi {{ author_name or 'there' }}, we're glad you like {{ product }}!"
    assert render(body, {**SAMPLE, "author_name": None}) == "Hi there, we're glad you like Acme Pay!"
    with pytest.raises(Hole) as err:
        render(body, {**SAMPLE, "product": ""})
    assert err.value.missing == ["product"]
    assert render("{{ (product ~ ' is') if product else \"we're\" }} great", {**SAMPLE, "product": "  "}) == (
        "we're great"
    )
