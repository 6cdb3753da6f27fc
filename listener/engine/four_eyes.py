"""Four-eyes approval: the person who drafted a reply cannot approve it (``LISTENER_REPLY_FOUR_EYES``,
on by default). People are compared when both keys belong to users (one person with two keys is
still one person); otherwise the keys are."""

from __future__ import annotations

from listener.auth import Principal
from listener.errors import Forbidden
from listener.storage.reply_models import Reply


class FourEyes(Forbidden):
    """403: the reviewer drafted this reply themselves."""

    code = "four_eyes"


def drafted_by(reply: Reply, who: Principal) -> bool:
    """True when ``who`` is the person (or, without users, the key) that drafted ``reply``."""
    if reply.created_by_user_id is not None and who.user_id is not None:
        return reply.created_by_user_id == who.user_id
    return reply.created_by == who.name
