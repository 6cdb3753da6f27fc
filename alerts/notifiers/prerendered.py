"""Messages rendered before they reach the outbox (scheduled reports): the payload carries the
subject, the text and HTML bodies, inline images the HTML refers to as ``cid:``, attachments, and
its own recipients. Data is base64 in the payload (the outbox row is JSON).

``payload["message"]``: ``{"subject", "text", "html", "inline": [{"cid", "content_type", "data"}],
"attachments": [{"filename", "content_type", "data"}]}``; ``payload["to"]``: the recipients.
"""

from __future__ import annotations

import base64
from email.message import EmailMessage
from typing import Any


def is_prerendered(payload: dict[str, Any]) -> bool:
    """True when ``payload`` carries its own rendered message."""
    return isinstance(payload.get("message"), dict)


def recipients(payload: dict[str, Any], fallback: list[str]) -> list[str]:
    """The payload's own recipients when it has them, else ``fallback`` (the channel's)."""
    own = payload.get("to") if is_prerendered(payload) else None
    return [str(a) for a in own] if own else list(fallback)


def fill(msg: EmailMessage, payload: dict[str, Any]) -> None:
    """Put the prerendered subject, bodies, inline images (multipart/related under the HTML part)
    and attachments (multipart/mixed) into ``msg``."""
    m = payload["message"]
    del msg["Subject"]
    msg["Subject"] = str(m["subject"])
    msg.set_content(str(m["text"]))
    msg.add_alternative(str(m["html"]), subtype="html")
    html = msg.get_payload()[1]
    for image in m.get("inline") or []:
        maintype, subtype = str(image["content_type"]).split("/", 1)
        html.add_related(base64.b64decode(image["data"]), maintype, subtype, cid=f"<{image['cid']}>")
    for item in m.get("attachments") or []:
        maintype, subtype = str(item["content_type"]).split("/", 1)
        msg.add_attachment(
            base64.b64decode(item["data"]), maintype=maintype, subtype=subtype, filename=str(item["filename"])
        )
