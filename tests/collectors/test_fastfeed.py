"""The fast feed path gives the same mentions as feedparser, and leaves hostile or odd feeds to it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from collectors_testkit import SHARED, Recorder

from collectors import feeds
from collectors.base import CollectorError
from collectors.fastfeed import fast_parse
from collectors.normalise import language_hint
from collectors.rss import RssCollector, RssParams, _to_mention
from listener.settings import Settings

RSS = "application/rss+xml; charset=utf-8"
FETCHED = datetime(2030, 1, 1, tzinfo=UTC)
XML_FIXTURES = sorted(p for p in (SHARED / "rss").rglob("*.xml")) if SHARED.is_dir() else []
REAL = ["TechCrunch", "HuffPostCanada", "RSSWithComments", "google_alerts_atom", "youtube_atom"]

SYNTHETIC = {
    "atom author with e-mail, html title, xhtml-free content": b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><id>urn:x:1</id><title type="html">Caf&amp;eacute; &lt;b&gt;Acme&lt;/b&gt;</title>
<link rel="alternate" type="text/html" href="https://example.com/a?utm_source=x"/>
<link rel="enclosure" href="https://example.com/a.mp3"/>
<author><name>Ann</name><email>ann@example.com</email></author>
<updated>2024-01-02T03:04:05+01:00</updated>
<summary>short</summary>
<content type="html">&lt;p&gt;Long &lt;i&gt;text&lt;/i&gt;&lt;/p&gt;&lt;p&gt;two&lt;/p&gt;</content>
</entry>
<entry><id>https://example.com/only-id</id><title>No link</title><summary>s</summary></entry>
</feed>""",
    "rss guid not a permalink, dc:date, description after content": b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>c</title><language>tr-TR</language>
<item><guid isPermaLink="false">g-1</guid><title>Ba\xc5\x9fl\xc4\xb1k &amp; AT&amp;T</title>
<content:encoded><![CDATA[<div>body <script>alert(1)</script>
<iframe src="x">frame</iframe></div>]]></content:encoded>
<description>after content</description>
<dc:date>2024-02-03T10:00:00Z</dc:date><dc:creator>Veli</dc:creator></item>
<item><guid>https://example.com/p/2</guid><title>Plain &lt;not a tag</title>
<description>x &lt;b&gt;y&lt;/b&gt; z</description>
<pubDate>Sat, 03 Feb 2024 10:00:00 GMT</pubDate><category>c</category><comments>https://example.com/c</comments></item>
<item><title></title><title>second title</title><link>https://example.com/l?a=1&amp;b=2</link>
<description>\xc3\x83\xc2\xa9t\xc3\x83\xc2\xa9</description></item>
</channel></rss>""",
}


def _mentions(parsed: dict) -> list:
    language = language_hint(parsed["feed"].get("language"))
    return [_to_mention(e, "https://feeds.example/f", "news", language, FETCHED) for e in parsed["entries"]]


def _both(body: bytes, content_type: str = RSS) -> tuple[dict | None, dict]:
    body = body.lstrip()
    return fast_parse(body, {"content-type": content_type}), feeds._parse(
        body, {"content-type": content_type}
    )


@pytest.mark.parametrize("path", XML_FIXTURES, ids=lambda p: p.name)
def test_fast_path_gives_the_mentions_feedparser_gives_or_declines(path: Path) -> None:
    fast, slow = _both(path.read_bytes())
    if any(name in path.name for name in REAL):
        assert fast is not None, "a plain real-world feed takes the fast path"
    if fast is not None:
        assert _mentions(fast) == _mentions(slow)
        assert fast["version"] == slow["version"] and not feeds.broken(path.read_bytes().lstrip(), fast)


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_fast_path_matches_feedparser_on_awkward_entries(name: str) -> None:
    fast, slow = _both(SYNTHETIC[name])
    assert fast is not None
    assert _mentions(fast) == _mentions(slow)


def test_other_charsets_and_types_go_to_feedparser() -> None:
    body = SYNTHETIC["rss guid not a permalink, dc:date, description after content"]
    assert fast_parse(body, {"content-type": "application/rss+xml; charset=iso-8859-1"}) is None
    assert fast_parse(body, {"content-type": "text/xml"}) is None  # us-ascii to feedparser
    assert fast_parse(body.replace(b"<?xml version", b'<?xml encoding="koi8-r" version'), {}) is None
    assert fast_parse(body.replace(b"</channel>", b"<item><title>x</title>"), {"content-type": RSS}) is None


XXE = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://%s">]>
<rss version="2.0"><channel><title>t</title><item><title>Hello &xxe; end</title>
<description>d &xxe;</description><guid>g1</guid></item></channel></rss>"""
LAUGHS = (
    b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
"""
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%s;" % (str(i - 1).encode() if i > 1 else b"")) * 10)
        for i in range(1, 10)
    )
    + b"""]>
<rss version="2.0"><channel><title>t</title><item><title>Laughs &lol9;</title><guid>g2</guid></item>
</channel></rss>"""
)


def _texts_or_refusal(settings: Settings, body: bytes) -> str:
    """Everything the collector keeps from ``body``, or its refusal's message."""
    recorder = Recorder([httpx.Response(200, content=body, headers={"content-type": RSS})])
    collector = RssCollector(recorder.client(settings), settings)
    try:
        batch = collector.collect(RssParams(urls=["https://f.example/x"]), None)
    except CollectorError as exc:  # refusing the feed is fine; expanding it is not
        return str(exc)
    return " ".join(f"{m.title} {m.text}" for m in batch.mentions)


def test_external_entities_are_never_read(settings: Settings, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-42")
    body = XXE % str(secret).encode()
    assert fast_parse(body, {"content-type": RSS}) is None
    assert "TOPSECRET" not in _texts_or_refusal(settings, body)


def test_nested_entities_are_never_expanded(settings: Settings) -> None:
    assert fast_parse(LAUGHS, {"content-type": RSS}) is None
    assert "lollol" not in _texts_or_refusal(settings, LAUGHS)
