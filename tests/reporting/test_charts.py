"""listener.charts: the same drawing as SVG, PNG and PDF, byte-identical for the same data, with
the caller's (translated) text in it and nothing that changes from run to run."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from listener.charts import FORMATS, Band, Marker, baseline_series, hbars, sentiment_volume

T0 = datetime(2026, 11, 6, tzinfo=UTC)


def buckets(days: int = 14) -> list[dict]:
    return [
        {"bucket": T0 + timedelta(days=i), "total": 10 + i, "positive": 3, "negative": i, "neutral": 7,
         "unscored": 0}
        for i in range(days)
    ]  # fmt: skip


def colours(png: bytes) -> set[tuple[int, int, int]]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {c for _, c in image.getcolors(maxcolors=1 << 20)}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_chart_renders_in_each_format_and_is_deterministic(fmt: str) -> None:
    marker = [Marker(T0 + timedelta(days=5))]
    spike = [Band(T0 + timedelta(hours=i), 5 + (i == 20) * 30, 5, 2, 9) for i in range(48)]
    draws = [
        lambda: sentiment_volume(buckets(), step=timedelta(days=1), markers=marker, fmt=fmt),
        lambda: baseline_series(spike, fmt=fmt),
        lambda: hbars([("Acme", 0.6), ("Globex", 0.4)], highlight="Acme", percent=True, fmt=fmt),
    ]
    for draw in draws:
        first, second = draw(), draw()
        assert first == second  # no date, version or random id in the file
        magic = {"svg": b"<svg", "png": b"\x89PNG", "pdf": b"%PDF"}[fmt]
        assert first.startswith(magic)
        assert b"2026-12" not in first and b"Matplotlib v" not in first


def test_svg_can_be_inlined_and_names_itself() -> None:
    svg = sentiment_volume(buckets(), step=timedelta(days=1), title="Bahsedilmeler & <duygu>").decode()
    assert svg.startswith("<svg") and "<?xml" not in svg and "DOCTYPE" not in svg
    assert 'role="img"' in svg and "<title>Bahsedilmeler &amp; &lt;duygu&gt;</title>" in svg
    assert '<g id="figure_1">' not in svg  # the same group ids in every chart would clash in one page


def test_stacked_volume_uses_the_sentiment_colours_and_marks_incidents() -> None:
    png = sentiment_volume(
        buckets(),
        step=timedelta(days=1),
        markers=[Marker(T0 + timedelta(days=5), "spike", "critical")],
        fmt="png",
    )
    seen = colours(png)
    assert (0x1E, 0x8E, 0x3E) in seen  # positive
    assert (0xD9, 0x30, 0x25) in seen  # negative
    assert (0xA5, 0x0E, 0x0E) in seen  # the critical incident's marker
    without = colours(sentiment_volume(buckets(), step=timedelta(days=1), fmt="png"))
    assert (0xA5, 0x0E, 0x0E) not in without


def test_an_empty_period_says_so_instead_of_drawing_axes() -> None:
    empty = sentiment_volume([], step=timedelta(days=1), empty="Bu dönemde bahsedilme yok", fmt="svg")
    zeros = sentiment_volume(
        [{**b, "total": 0, "positive": 0, "negative": 0, "neutral": 0} for b in buckets()],
        step=timedelta(days=1), empty="Bu dönemde bahsedilme yok", fmt="svg",
    )  # fmt: skip
    assert empty == zeros
    assert len(empty) < len(sentiment_volume(buckets(), step=timedelta(days=1), fmt="svg"))


def test_bars_highlight_the_own_brand_only() -> None:
    own = colours(hbars([("Acme", 10), ("Globex", 5)], highlight="Acme", fmt="png"))
    other = colours(hbars([("Acme", 10), ("Globex", 5)], highlight="Nobody", fmt="png"))
    assert (0x1A, 0x73, 0xE8) in own
    assert (0x1A, 0x73, 0xE8) not in other


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown chart format"):
        hbars([("a", 1)], fmt="gif")
