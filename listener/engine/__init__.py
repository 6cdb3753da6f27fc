"""The alert engine: rule evaluation, windows, incident payloads, dry runs, outbox delivery, digests
and reply suggestions."""
