"""Pausing and resuming a source by hand (the API's PATCH and the sources page share this)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from listener.storage.audit import record
from listener.storage.models import BLOCKED_STATUSES, Source


def wake(source: Source, *, enabled_now: bool, params_changed: bool) -> None:
    """After a person turns a source on or changes its params: a ``paused`` source (or, with new
    params, one blocked for credentials) runs again at the next tick instead of waiting."""
    if (enabled_now and source.status == "paused") or (params_changed and source.status in BLOCKED_STATUSES):
        source.status, source.consecutive_failures = "ok", 0
        if params_changed:
            source.next_run_at = None


def set_enabled(session: Session, source: Source, enabled: bool, *, by: str) -> None:
    """Pause (``enabled=False``: the worker skips it) or resume a source; audited."""
    source.enabled = enabled
    wake(source, enabled_now=enabled, params_changed=False)
    session.flush()
    record(
        session,
        actor=by,
        entity="source",
        entity_id=source.id,
        action="resume" if enabled else "pause",
        changes={"enabled": enabled},
    )
