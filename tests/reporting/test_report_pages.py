"""The demo brand's report in both languages, rendered to PNG pages (pdfium): every page has
content, the first carries the charts' colours, and the two languages differ in their words."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.report_screenshots import demo_reports, pages_png

RED, GREEN, BLUE = (0xD9, 0x30, 0x25), (0x1E, 0x8E, 0x3E), (0x1A, 0x73, 0xE8)


def ink(image) -> float:  # type: ignore[no-untyped-def]
    """The share of pixels that are not (near) white."""
    grey = image.convert("L")
    dark = sum(n for value, n in enumerate(grey.histogram()) if value < 240)
    return dark / (image.width * image.height)


def near(image, colour: tuple[int, int, int]) -> int:  # type: ignore[no-untyped-def]
    return sum(
        n for n, c in image.getcolors(1 << 22) if max(abs(a - b) for a, b in zip(c, colour, strict=True)) <= 6
    )


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    path: Path = tmp_path_factory.mktemp("report-pages") / "demo.db"
    return demo_reports(f"sqlite:///{path}")


@pytest.mark.parametrize("locale", ["en", "tr"])
def test_report_pages_are_not_blank(reports: dict[str, bytes], locale: str) -> None:
    pages = pages_png(reports[locale], scale=1.0)
    assert 2 <= len(pages) <= 6
    for page in pages:
        assert ink(page) > 0.02, "a page is (nearly) blank"
    first = pages[0]
    assert near(first, RED) > 2000 and near(first, GREEN) > 300 and near(first, BLUE) > 2000
    assert ink(first) > 0.05


def test_the_two_languages_differ(reports: dict[str, bytes]) -> None:
    en, tr = (pages_png(reports[x], scale=1.0)[0] for x in ("en", "tr"))
    assert en.size == tr.size and en.tobytes() != tr.tobytes()
