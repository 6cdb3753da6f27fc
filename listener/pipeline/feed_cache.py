"""Feed pages kept as the bytes that were sent, for as long as the stored data has not changed.

A team opens the same few feed views again and again (the brand's newest, its negatives, the open
ones); between two writes the answer is the same bytes. ``FeedCache`` keeps recent pages by request
(the query string) with the change clock's version they were built at
(``listener.storage.changes``), and hands one back only while the clock still reads that version:
any committed write to mentions, their brand links or brands, from any process, retires every
page. A page is labelled with the version read *before* its query ran, so a write that lands
while it is built retires it too. When the clock cannot tell (``None``), nothing is kept or served.

Bounded by bytes (least recently used first out); used from the event loop only.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable


class FeedCache:
    """Pages by key, valid for one clock version, at most ``max_bytes`` in all."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, tuple[Hashable, bytes]] = OrderedDict()
        self._bytes = 0

    def get(self, key: Hashable, version: Hashable | None) -> bytes | None:
        """The page stored under ``key`` at ``version``, or ``None``."""
        if version is None:
            return None
        entry = self._pages.get(key)
        if entry is None:
            return None
        if entry[0] != version:
            self._drop(key)
            return None
        self._pages.move_to_end(key)
        return entry[1]

    def put(self, key: Hashable, version: Hashable | None, body: bytes) -> None:
        """Keep ``body`` under ``key`` for ``version`` (nothing when the clock cannot tell or the
        page alone would take more than an eighth of the budget)."""
        if version is None or len(body) > self.max_bytes // 8:
            return
        if key in self._pages:
            self._drop(key)
        self._pages[key] = (version, body)
        self._bytes += len(body)
        while self._bytes > self.max_bytes:
            self._drop(next(iter(self._pages)))

    def _drop(self, key: Hashable) -> None:
        _, body = self._pages.pop(key)
        self._bytes -= len(body)

    def __len__(self) -> int:
        return len(self._pages)
