"""Collectors: one module per platform behind the :class:`Collector` protocol; see README.md."""

from collectors.base import AuthError, Collector, CollectorError, Platform, RetryLater
from collectors.records import Author, Batch, RawMention
from collectors.registry import COLLECTORS, get_collector, validate_params

__all__ = [
    "COLLECTORS",
    "AuthError",
    "Author",
    "Batch",
    "Collector",
    "CollectorError",
    "Platform",
    "RawMention",
    "RetryLater",
    "get_collector",
    "validate_params",
]
