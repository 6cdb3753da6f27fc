"""``configure_logging(settings)``: called once by each entry point, never at import."""

from __future__ import annotations

import logging
import sys

from listener.settings import Settings


def configure_logging(settings: Settings) -> None:
    """One stderr handler at the configured level; noisy libraries kept at WARNING."""
    logging.basicConfig(
        level=settings.log_level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    # apscheduler.executors logs every run at INFO: the outbox job runs every second
    for name in ("httpx", "httpcore", "alembic.runtime.migration", "apscheduler.executors"):
        logging.getLogger(name).setLevel(logging.WARNING)
