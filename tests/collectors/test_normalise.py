"""HTML to text, canonical URLs, time parsing."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
from collectors_testkit import SHARED

from collectors import feeds
from collectors.normalise import (
    _TextExtractor,
    canonical_url,
    fix_mojibake,
    html_to_text,
    http_url,
    iso,
    language_hint,
    parse_datetime,
    tidy_whitespace,
    unwrap_redirect,
)
from collectors.records import Author, Batch, RawMention


def test_html_to_text_keeps_line_breaks_and_unescapes() -> None:
    html = (
        "<p>Hello &amp; <b>welcome</b></p><p>line one<br>line two<br/>three</p><ul><li>a</li><li>b</li></ul>"
    )
    assert html_to_text(html) == "Hello & welcome\n\nline one\nline two\nthree\n\na\nb"


def test_html_to_text_drops_scripts_and_tidies_whitespace() -> None:
    assert html_to_text("<div>  x \t  y</div><script>alert(1)</script><style>p{}</style>") == "x y"
    assert html_to_text("It&#x27;s &lt;fine&gt;") == "It's <fine>"
    assert html_to_text(None) == "" and html_to_text("") == ""


def test_google_alerts_redirect_is_unwrapped_and_tracking_removed() -> None:
    wrapped = (
        "https://www.google.com/url?rct=j&sa=t&url=https://News.Example.com/a/b%3Futm_source%3Dga%26id%3D7"
        "&ct=ga&cd=CAIyGjE&usg=AFQjCNE"
    )
    assert unwrap_redirect(wrapped).startswith("https://News.Example.com/a/b")
    assert canonical_url(wrapped) == "https://news.example.com/a/b?id=7"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.COM:443/p?utm_medium=x&q=1&fbclid=abc#frag", "https://example.com/p?q=1"),
        ("http://example.com?gclid=1", "http://example.com/"),
        ("https://example.com/path?b=2&a=1", "https://example.com/path?b=2&a=1"),
        (None, None),
    ],
)
def test_canonical_url(raw: str | None, expected: str | None) -> None:
    assert canonical_url(raw) == expected


def test_parse_datetime_is_utc() -> None:
    assert parse_datetime("2024-01-03T12:34:56-07:00") == datetime(2024, 1, 3, 19, 34, 56, tzinfo=UTC)
    assert parse_datetime("2025-05-19T17:10:09.561858123Z") == datetime(
        2025, 5, 19, 17, 10, 9, 561858, tzinfo=UTC
    )
    assert parse_datetime("2019-11-26T15:51:44") == datetime(2019, 11, 26, 15, 51, 44, tzinfo=UTC)
    assert parse_datetime("not a date") is None
    assert iso(datetime(2024, 1, 1, tzinfo=UTC)) == "2024-01-01T00:00:00Z"


def test_fix_mojibake_and_language_hint() -> None:
    assert fix_mojibake("itâ€™s") == "it’s"
    assert fix_mojibake("café crème") == "café crème"
    assert language_hint("en-US") == "en" and language_hint("und") is None and language_hint(None) is None


@pytest.mark.parametrize(
    "raw",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "\x01\x02javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "http:///no-host",
        "https:evil.example",
        "//evil.example/x",
        "http://exa mple.com/",
        "http://example.com/a\x00b",
        "http://[::1",
        "",
        None,
    ],
)
def test_only_http_urls_with_a_host_are_kept(raw: str | None) -> None:
    assert http_url(raw) is None
    assert canonical_url(raw) is None


def test_http_urls_in_any_case_are_kept_trimmed() -> None:
    assert http_url("  HTTPS://Example.com/a\n") == "HTTPS://Example.com/a"
    assert canonical_url("HTTP://Example.com:80/a?utm_source=x") == "http://example.com/a"


def test_a_mention_never_keeps_a_non_http_link_and_a_batch_never_keeps_an_empty_item() -> None:
    def raw(external_id: str, url: str | None, text: str, title: str | None) -> RawMention:
        when = datetime(2026, 11, 1, tzinfo=UTC)
        return RawMention("rss", external_id, url, text, title, "news", Author(), {}, None, when, None)

    hostile = raw("a", "JavaScript:alert(1)", "kept as text", None)
    assert hostile.url is None and hostile.text == "kept as text"
    batch = Batch(
        mentions=[hostile, raw("b", "https://x.example/", "", None), raw("c", None, "", "T")],
        next_cursor=None,
    )
    assert [m.external_id for m in batch.mentions] == ["a", "c"]
    assert batch.warnings == ["dropped 1 item(s) without text or title"]


PLAIN_HTML = [
    "<p>One</p><p>Two &amp; three</p>",
    "a<br>b<br/>c<br />d",
    "<div><ul><li>x</li><li>y &lt;z&gt;</li></ul></div>tail",
    "text<!-- note -->more &amp;amp; &nbsp;end",
    '<a href="https://e.x/?a=1&amp;b=2">link</a> <img src="x.png" alt="pic"/> <hr/>after',
    "<h2>Head</h2>\n\n\n<p>para  with   spaces</p><blockquote>q</blockquote>",
    "&#8217;quoted&#8217; &copy 2017 &unknown; AT&T",
    "<P>Upper</P><BR>case",
]
NOT_PLAIN = ["<p>a<script>x()</script>b</p>", "<p title='a>b'>t</p>", "a < b <p>c", "<custom>t</custom>"]


def _parsed_text(value: str) -> str:
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    return tidy_whitespace(html.unescape("".join(parser.parts)))


def _feed_values() -> list[str]:
    if not SHARED.is_dir():
        return []
    values = []
    for path in sorted((SHARED / "rss").rglob("*.xml")):
        for entry in feeds._parse(path.read_bytes().lstrip(), {})["entries"]:
            values += [entry.get("title") or "", entry.get("summary") or ""]
            values += [c.get("value") or "" for c in entry.get("content") or []]
    return [v for v in values if "<" in v]


@pytest.mark.parametrize("value", PLAIN_HTML + NOT_PLAIN)
def test_plain_html_shortcut_extracts_what_the_html_parser_extracts(value: str) -> None:
    assert html_to_text(value) == _parsed_text(value)


def test_plain_html_shortcut_on_every_recorded_feed_entry() -> None:
    values = _feed_values()
    assert all(html_to_text(v) == _parsed_text(v) for v in values)
