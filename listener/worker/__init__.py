"""The worker: the scheduler, the collection job and the alert jobs."""
