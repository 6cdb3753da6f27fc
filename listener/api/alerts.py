"""The alert engine's HTTP API: rules, incidents, silences, channels and the delivery log
(manager and up to change, viewer to read)."""

from fastapi import APIRouter

from listener.api import alert_channels, alert_rules, notifications

router = APIRouter()
router.include_router(alert_rules.router)
router.include_router(alert_channels.router)
router.include_router(notifications.router)
