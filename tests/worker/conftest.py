"""The collection tests' fixtures (a local RSS server, a session factory, a short-timeout HTTP
client) for every test in this folder; they live in ``feed_server.py``."""

from tests.worker.feed_server import client, server, sessions  # noqa: F401 - fixtures by name
