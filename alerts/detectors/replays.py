"""A small, bounded, thread-safe memory of replayed detector states for batch assessments.

A rule judges its window every minute, but the history before the newest bucket changes only once
per bucket (hourly). ``SeasonalSpikeDetector.assess_last`` stores its state after replaying that
history here, keyed by its settings and the history itself, and the next minutes reuse it: the cold
replay costs tens of milliseconds, a reuse about two. States are pickled (a private copy each time).
"""

from __future__ import annotations

import logging
import pickle
import threading
from collections import OrderedDict
from typing import Any

log = logging.getLogger(__name__)

MAX_STATES = 128  # about 64 KB each for five weeks of hourly buckets

_states: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_lock = threading.Lock()


def recall(key: tuple[Any, ...]) -> dict[str, Any] | None:
    """A private copy of the state stored under ``key``, or None."""
    with _lock:
        blob = _states.get(key)
        if blob is None:
            return None
        _states.move_to_end(key)
    return pickle.loads(blob)  # noqa: S301 - our own pickles, never from outside the process


def remember(key: tuple[Any, ...], state: dict[str, Any]) -> None:
    """Store a copy of ``state`` under ``key``, dropping the least recently used beyond the bound."""
    blob = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    with _lock:
        _states[key] = blob
        _states.move_to_end(key)
        while len(_states) > MAX_STATES:
            _states.popitem(last=False)


def forget() -> None:
    """Drop every stored state (benchmarks measuring the cold cost, tests)."""
    with _lock:
        _states.clear()
