"""Listener: the service (settings, storage, API, pages, CLI, jobs)."""

__version__ = "0.1.0"
