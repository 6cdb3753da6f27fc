"""Reports: a brand's report for any range as PDF, CSV or HTML, and the schedules that mail it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.deps import Manager, PresetQuery, SessionDep, SettingsDep, Viewer, make_range
from listener.errors import Unprocessable
from listener.reporting.files import MEDIA, report_response
from listener.reporting.schedule import upcoming
from listener.schemas.common import IsoTime
from listener.schemas.reports import ScheduleCreate, ScheduleRead, ScheduleUpdate
from listener.storage.alert_models import ReportSchedule
from listener.storage.audit import add_recorded, delete_recorded, update_changed
from listener.storage.base import utcnow
from listener.storage.lookup import get_or_404, resolve_brand, resolve_brand_or_all
from listener.storage.models import Brand, Channel
from listener.storage.times import aware

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/{brand}",
    summary="A brand's report (or `all` brands') for any range, as PDF, CSV or HTML",
    responses={200: {"content": {m.split(";")[0]: {} for m in MEDIA.values()}}},
    response_class=Response,
)
def download_report(
    brand: str,
    session: SessionDep,
    settings: SettingsDep,
    _: Viewer,
    since: Annotated[
        IsoTime | None, Query(alias="from", description="Start, ISO time (UTC if no zone)")
    ] = None,
    until: Annotated[IsoTime | None, Query(alias="to", description="End, exclusive")] = None,
    range_: PresetQuery = "7d",
    format: Annotated[Literal["pdf", "csv", "html"], Query()] = "pdf",
    locale: Annotated[Literal["en", "tr"], Query(description="The report's language")] = "en",
) -> Response:
    found = resolve_brand_or_all(session, brand)
    rng = make_range(aware(since, "from"), aware(until, "to"), range_)
    return report_response(session, found, rng, format, locale, base_url=settings.base_url)


def _read(session: Session, s: ReportSchedule) -> ScheduleRead:
    brand = session.get(Brand, s.brand_id)
    period, at = upcoming(s, utcnow())
    return ScheduleRead(
        id=s.id, brand=brand.name if brand else "", channel=s.channel_id, frequency=s.frequency,
        recipients=s.recipients, timezone=s.timezone, send_hour=s.send_hour, enabled=s.enabled,
        created_by=s.created_by, created_at=s.created_at,
        next_period=period.label if s.enabled else None, next_send_at=at if s.enabled else None,
    )  # fmt: skip


def _email_channel(session: Session, channel_id: int) -> Channel:
    channel = session.get(Channel, channel_id)
    if channel is None or channel.type != "email":
        raise Unprocessable(
            f"channel {channel_id} is not an email channel; create one under /api/v1/channels first",
            details=[{"field": "channel"}],
        )
    return channel


@router.get("/report-schedules", summary="List scheduled reports")
def list_schedules(session: SessionDep, _: Manager) -> list[ScheduleRead]:
    return [_read(session, s) for s in session.scalars(select(ReportSchedule).order_by(ReportSchedule.id))]


@router.post("/report-schedules", status_code=201, summary="Schedule a brand's report to e-mail recipients")
def create_schedule(body: ScheduleCreate, session: SessionDep, who: Manager) -> ScheduleRead:
    brand = resolve_brand(session, body.brand)
    _email_channel(session, body.channel)
    data = body.model_dump(exclude={"brand", "channel"})
    row = ReportSchedule(brand_id=brand.id, channel_id=body.channel, created_by=who.name, **data)
    add_recorded(session, row, actor=who.name, entity="report_schedule",
                 changes={"brand": brand.name, "channel": body.channel, **data})  # fmt: skip
    return _read(session, row)


@router.get("/report-schedules/{schedule_id}", summary="Read a scheduled report")
def read_schedule(schedule_id: int, session: SessionDep, _: Manager) -> ScheduleRead:
    return _read(session, get_or_404(session, ReportSchedule, schedule_id, "report schedule"))


@router.patch("/report-schedules/{schedule_id}", summary="Change a scheduled report")
def update_schedule(
    schedule_id: int, body: ScheduleUpdate, session: SessionDep, who: Manager
) -> ScheduleRead:
    row = get_or_404(session, ReportSchedule, schedule_id, "report schedule", lock=True)
    changes = body.model_dump(exclude_unset=True)
    if "channel" in changes:
        _email_channel(session, changes["channel"])
        changes["channel_id"] = changes.pop("channel")
    update_changed(session, row, changes, actor=who.name, entity="report_schedule")
    return _read(session, row)


@router.delete("/report-schedules/{schedule_id}", status_code=204, summary="Delete a scheduled report")
def delete_schedule(schedule_id: int, session: SessionDep, who: Manager) -> Response:
    row = get_or_404(session, ReportSchedule, schedule_id, "report schedule")
    delete_recorded(session, row, actor=who.name, entity="report_schedule")
    return Response(status_code=204)
