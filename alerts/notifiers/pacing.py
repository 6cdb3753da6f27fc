"""Pacing within one process: at most one message per ``Pacing.min_gap`` to one receiver, across
delivery rounds (a backlog after an outage drains at the receiver's rate instead of bursting at each
round's start). Across processes the outbox adds a database lock (``listener/engine/delivery.py``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pacer:
    """Remembers when each receiver (any hashable key) last got a message in this process."""

    def __init__(self) -> None:
        self._last: dict[object, float] = {}
        self._lock = threading.Lock()

    def wait(self, key: object, gap: float, sleep: Callable[[float], None], at_least: float = 0.0) -> None:
        """Sleep until ``key`` may take the next message (``gap`` seconds after its last one, and
        at least ``at_least`` seconds), then count this message as sent now."""
        with self._lock:
            last = self._last.get(key)
            pause = at_least if last is None else max(at_least, gap - (time.monotonic() - last))
            if pause > 0:
                sleep(pause)
            self._last[key] = time.monotonic()
