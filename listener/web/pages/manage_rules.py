"""Alert rules (``/manage/rules``, managers): the rules, and a form for a new one whose "Preview"
replays it over the past days with the engine's dry run (``engine.dryrun``) before anything is
saved: the incidents it would have opened, as a chart (``listener.charts``) and one by one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select

from alerts.base import RuleType
from listener.charts import Band, Marker, baseline_series
from listener.deps import SessionDep
from listener.engine.dryrun import dry_run
from listener.engine.rule_check import create_rule, unsaved_rule
from listener.errors import ListenerError
from listener.schemas.alerts import RuleCreate
from listener.storage.models import AlertRule, Brand, Channel
from listener.web.frame import back, page_router, render
from listener.web.i18n import N_, translate
from listener.web.manage_forms import json_field, problem
from listener.web.nav import NavItem, register_nav
from listener.web.session import ManagerPage

router = page_router()
register_nav(NavItem("/manage/rules", N_("Alert rules"), role="manager", section="manage", order=40))
SEVERITIES = ("info", "warning", "critical")
Small = Annotated[str, Form(max_length=200)]


def _page(request: Request, session: SessionDep, who: ManagerPage, form: dict, **extra: Any) -> Response:
    context = {
        "rules": list(session.scalars(select(AlertRule).order_by(AlertRule.id))),
        "brands": list(session.scalars(select(Brand).order_by(Brand.name))),
        "channels": list(session.scalars(select(Channel).order_by(Channel.name))),
        "types": [t.value for t in RuleType],
        "severities": SEVERITIES,
        "form": form,
        "error": None,
        "backtest": None,
        **extra,
    }
    return render(request, who, "manage_rules.html", context, status_code=422 if extra.get("error") else 200)


def _blank() -> dict:
    return {"name": "", "type": "negative_share", "params": "{}", "brand_id": "", "severity": "warning",
            "channels": [], "resolve_after_minutes": "120", "days": "7"}  # fmt: skip


@router.get("/manage/rules")
def rules(request: Request, session: SessionDep, who: ManagerPage) -> Response:
    """The rules and the form for a new one."""
    return _page(request, session, who, _blank())


def _backtest(session: SessionDep, rule: AlertRule, days: int, locale: str) -> dict[str, Any]:
    """The dry run over the last ``days`` days, and its chart: incidents opened per day with a
    marker at each opening (``listener.charts``)."""
    until = datetime.now(UTC)
    since = until - timedelta(days=days)
    result = dry_run(session, rule, since, until)
    start = since.replace(hour=0, minute=0, second=0, microsecond=0)
    per_day = {start + timedelta(days=d): 0 for d in range(days + 1)}
    for inc in result["incidents"]:
        day = inc["at"].replace(hour=0, minute=0, second=0, microsecond=0)
        per_day[day] = per_day.get(day, 0) + 1
    chart = baseline_series(
        [Band(at, float(n)) for at, n in sorted(per_day.items())],
        markers=[Marker(i["at"], severity=rule.severity) for i in result["incidents"]],
        value_name=translate(locale, "incidents"),
        title=translate(locale, "Incidents per day"),
        empty=translate(locale, "No incident in this period."),
    )
    return {**result, "chart": chart.decode(), "days": days}


@router.post("/manage/rules")
def save(
    request: Request,
    session: SessionDep,
    who: ManagerPage,
    name: Small = "",
    type: Small = "negative_share",  # noqa: A002
    params: Annotated[str, Form(max_length=20000)] = "{}",
    brand_id: Small = "",
    severity: Small = "warning",
    channels: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies defaults
    resolve_after_minutes: Small = "120",
    days: Small = "7",
    action: Small = "preview",
) -> Response:
    """``action=preview``: the backtest of the rule as described; ``action=save``: create it."""
    form = {"name": name, "type": type, "params": params, "brand_id": brand_id, "severity": severity,
            "channels": channels, "resolve_after_minutes": resolve_after_minutes, "days": days}  # fmt: skip
    try:
        data = {
            "name": name,
            "type": type,
            "params": json_field(params, "params"),
            "scope": {"brand_ids": [int(brand_id)]} if brand_id.isdigit() else {},
            "severity": severity,
            "channels": [int(c) for c in channels if c.isdigit()],
            "resolve_after_minutes": int(resolve_after_minutes) if resolve_after_minutes.isdigit() else 0,
        }
        body = RuleCreate.model_validate(data)
        if action == "save":
            rule = create_rule(session, body, actor=who.principal.name)
        else:
            window = min(max(int(days) if days.isdigit() else 7, 1), 30)
            return _page(
                request,
                session,
                who,
                form,
                backtest=_backtest(session, unsaved_rule(body), window, who.locale),
            )
    except (ValidationError, ListenerError) as exc:
        session.rollback()
        return _page(request, session, who, form, error=problem(exc))
    return back(request, "/manage/rules", translate(who.locale, "Rule %(name)s saved.", name=rule.name))
