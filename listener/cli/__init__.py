"""The ``listener`` command line (typer). Each command reads settings once and exits with a sentence
and a non-zero code on bad input: 1 for a failure, 2 for bad usage."""

from __future__ import annotations

from listener.cli.main import app

__all__ = ["app"]
