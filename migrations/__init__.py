"""Alembic migrations (``env.py``, ``versions/``); run them with ``listener migrate``."""
