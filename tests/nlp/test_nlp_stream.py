from __future__ import annotations

import io
import json

from nlp.stream import score_lines


def test_streaming_keeps_order_and_reports_bad_lines(pipeline):
    lines = []
    for i in range(10_000):
        if i % 997 == 0:
            lines.append("{not json")
        elif i % 1_001 == 0:
            lines.append(json.dumps({"language": "en"}))
        else:
            lines.append(
                json.dumps({"text": f"message number {i} love it" if i % 2 else f"message {i} is awful"})
            )
    out = io.StringIO()
    written = score_lines(iter(lines), out, pipeline=pipeline, batch_size=333)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert written == len(rows) == 10_000
    for i, row in enumerate(rows):
        if i % 997 == 0:
            assert row["error"].startswith(f"line {i + 1}: invalid JSON")
        elif i % 1_001 == 0:
            assert row == {"error": f"line {i + 1}: 'text' must be a string"}
        else:
            assert row["sentiment"]["label"] == ("positive" if i % 2 else "negative")
            assert set(row) == {
                "language",
                "language_confidence",
                "sentiment",
                "topics",
                "entities",
                "crisis_terms",
                "keyphrases",
            }


def test_brand_named_in_line_gets_brand_sentiment(pipeline):
    out = io.StringIO()
    score_lines([json.dumps({"text": "Acme is great", "brand": "Acme", "rating": 5})], out, pipeline=pipeline)
    row = json.loads(out.getvalue())
    assert row["brand_sentiment"]["Acme"]["label"] == "positive"


def test_bad_fields_are_errors_not_crashes(pipeline):
    out = io.StringIO()
    lines = [
        "[1, 2]",
        '{"text": "ok", "rating": "five"}',
        '{"text": "ok", "brand": 3}',
        "",
        '{"text": "fine"}',
    ]
    assert score_lines(lines, out, pipeline=pipeline) == 4
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[0] == {"error": "line 1: expected a JSON object, got list"}
    assert rows[1] == {"error": "line 2: 'rating' must be a number"}
    assert rows[2] == {"error": "line 3: 'brand' must be a string"}
    assert "sentiment" in rows[3]
