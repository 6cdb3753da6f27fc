"""Charts inlined in a page under ``style-src 'self'``: matplotlib's inline styles become SVG
presentation attributes (which the policy does not govern), so the chart keeps its colours."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from listener.charts import Band, Marker, baseline_series
from listener.web.svg import inline_svg


def test_a_chart_keeps_its_colours_without_any_inline_style() -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    drawn = baseline_series(
        [Band(start + timedelta(days=d), float(d % 3)) for d in range(7)],
        markers=[Marker(start + timedelta(days=2), severity="critical")],
        value_name="incidents",
        title="Incidents <per> day",
        empty="none",
    ).decode()
    assert 'style="' in drawn and "<style" in drawn  # what matplotlib writes
    shown = str(inline_svg(drawn))
    assert 'style="' not in shown and "<style" not in shown
    colours = set(re.findall(r'style="[^"]*?fill: (#[0-9a-f]{6})', drawn))
    assert colours and colours <= set(re.findall(r'fill="(#[0-9a-f]{6})"', shown))
    assert shown.startswith('<svg stroke-linejoin="round" stroke-linecap="butt" ')
    assert "Incidents &lt;per&gt; day" in shown  # the text stays escaped
