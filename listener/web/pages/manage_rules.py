"""Alert rules (``/manage/rules``, managers): the rules with on / off, and a form for a new one or
for changing one (``/manage/rules/{id}``). The rule's params are typed inputs built from its type's
``Params`` model (``listener.web.model_form``; choosing another type shows its inputs, in two steps
without script). The form's "Preview" replays it over the past days with the
engine's dry run (``engine.dryrun``) before anything is saved: the incidents it would have opened,
as a chart (``listener.charts``) and one by one. Saving checks with ``engine.rule_check``, as the
API does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select

from alerts.base import RuleType
from alerts.rules import RULES
from listener.charts import Band, Marker, baseline_series
from listener.deps import SessionDep
from listener.engine.dryrun import dry_run
from listener.engine.rule_check import create_rule, unsaved_rule, update_rule
from listener.errors import ListenerError
from listener.schemas.alerts import RuleCreate, RuleUpdate
from listener.storage.models import AlertRule, Brand, Channel
from listener.web.frame import back, find_or_404, page_router, render_form
from listener.web.i18n import N_, translate
from listener.web.manage_forms import problem
from listener.web.model_form import FormField, form_fields, read_fields, shown_values
from listener.web.nav import NavItem, register_nav
from listener.web.session import ManagerPage
from listener.web.svg import inline_svg

router = page_router()
register_nav(NavItem("/manage/rules", N_("Alert rules"), role="manager", section="manage", order=40))
SEVERITIES = ("info", "warning", "critical")
TYPES = tuple(t.value for t in RuleType)
PARAMS = "params."  # the inputs of the rule's params fields


def rule_fields(type_: str) -> list[FormField]:
    """The inputs of a rule type's params (its scope is the form's brand); none for a type this
    version does not know."""
    if type_ not in TYPES:
        return []
    return [f for f in form_fields(RULES[RuleType(type_)].Params) if f.name != "scope"]


def _page(request: Request, session: SessionDep, who: ManagerPage, form: dict, **extra: Any) -> Response:
    context = {
        "rules": list(session.scalars(select(AlertRule).order_by(AlertRule.id))),
        "brands": list(session.scalars(select(Brand).order_by(Brand.name))),
        "channels": list(session.scalars(select(Channel).order_by(Channel.name))),
        "types": TYPES,
        "fields": rule_fields(form["type"]),
        "values": shown_values(rule_fields(form["type"]), form["params"]),
        "prefix": PARAMS,
        "severities": SEVERITIES,
        "form": form,
        "error": None,
        "backtest": None,
        "editing": None,
        **extra,
    }
    return render_form(request, who, "manage_rules.html", context)


def _blank(type_: str = "negative_share") -> dict:
    return {"name": "", "type": type_, "params": {}, "brand_id": "", "severity": "warning",
            "channels": [], "resolve_after_minutes": "120", "days": "7"}  # fmt: skip


@router.get("/manage/rules")
def rules(request: Request, session: SessionDep, who: ManagerPage, type: str = "negative_share") -> Response:  # noqa: A002
    """The rules and the form for a new one of ``type`` (its params as inputs)."""
    return _page(request, session, who, _blank(type if type in TYPES else "negative_share"))


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
    return {**result, "chart": inline_svg(chart), "days": days}


def _first_brand(scope: dict | None) -> str:
    brands = (scope or {}).get("brand_ids") or []
    return str(brands[0]) if brands else ""


def _from_rule(rule: AlertRule) -> dict:
    return {"name": rule.name, "type": rule.type, "params": dict(rule.params or {}),
            "brand_id": _first_brand(rule.scope), "severity": rule.severity,
            "channels": [str(c) for c in rule.channels or []],
            "resolve_after_minutes": str(rule.resolve_after_minutes), "days": "7"}  # fmt: skip


def _scope(form: dict, base: dict | None) -> dict:
    """The scope with the form's brand; a rule being changed keeps its other scope keys, and all
    its brands when the brand was not touched."""
    if base and form["brand_id"] == _first_brand(base):
        return dict(base)
    scope = {k: v for k, v in (base or {}).items() if k != "brand_ids"}
    if form["brand_id"].isdigit():
        scope["brand_ids"] = [int(form["brand_id"])]
    return scope


def _data(form: dict, base_scope: dict | None = None) -> dict[str, Any]:
    """The form as the API's request body (numbers as numbers)."""
    minutes = form["resolve_after_minutes"]
    return {
        "name": form["name"],
        "type": form["type"],
        "params": form["params"],
        "scope": _scope(form, base_scope),
        "severity": form["severity"],
        "channels": [int(c) for c in form["channels"] if c.isdigit()],
        "resolve_after_minutes": int(minutes) if minutes.isdigit() else 0,
    }


def _preview(
    request: Request, session: SessionDep, who: ManagerPage, form: dict, body: RuleCreate, **extra: Any
) -> Response:
    days = form["days"]
    window = min(max(int(days) if days.isdigit() else 7, 1), 30)
    test = _backtest(session, unsaved_rule(body), window, who.locale)
    return _page(request, session, who, form, backtest=test, **extra)


def _text(posted: Any, name: str, default: str) -> str:
    return str(posted.get(name) or default)[:200]


async def rule_form(request: Request) -> dict[str, Any]:
    """The rule form's fields as posted (``action``: ``preview`` or ``save``), the params read from
    the inputs of the posted type (or the rule's, when it is being changed)."""
    posted = await request.form()
    type_ = _text(posted, "type", "negative_share")
    if "rule_id" in request.path_params:  # the type of a rule stays; the route reads the rule's
        type_ = ""
    return {"name": _text(posted, "name", ""), "type": type_, "posted": posted,
            "params": read_fields(rule_fields(type_), posted, PARAMS) if type_ in TYPES else {},
            "brand_id": _text(posted, "brand_id", ""), "severity": _text(posted, "severity", "warning"),
            "channels": [str(c)[:20] for c in posted.getlist("channels")][:100],
            "resolve_after_minutes": _text(posted, "resolve_after_minutes", "120"),
            "days": _text(posted, "days", "7"), "action": _text(posted, "action", "preview")}  # fmt: skip


RuleForm = Annotated[dict[str, Any], Depends(rule_form)]


@router.post("/manage/rules")
def save(request: Request, session: SessionDep, who: ManagerPage, form: RuleForm) -> Response:
    """``action=preview``: the backtest of the rule as described; ``action=save``: create it."""
    if form["type"] not in TYPES:
        form["type"], form["params"] = "negative_share", {}
        return _page(request, session, who, form, error=translate(who.locale, "Choose a rule type."))
    try:
        body = RuleCreate.model_validate(_data(form))
        if form["action"] != "save":
            return _preview(request, session, who, form, body)
        rule = create_rule(session, body, actor=who.principal.name)
    except (ValidationError, ListenerError) as exc:
        session.rollback()
        return _page(request, session, who, form, error=problem(exc))
    return back(request, "/manage/rules", translate(who.locale, "Rule %(name)s saved.", name=rule.name))


@router.get("/manage/rules/{rule_id}")
def edit(request: Request, session: SessionDep, who: ManagerPage, rule_id: int) -> Response:
    """The rules, with the form filled in with this rule to change it."""
    rule = find_or_404(session, AlertRule, rule_id, N_("alert rule"))
    return _page(request, session, who, _from_rule(rule), editing=rule)


@router.post("/manage/rules/{rule_id}")
def change(request: Request, session: SessionDep, who: ManagerPage, rule_id: int, form: RuleForm) -> Response:
    """``action=preview``: the backtest of the rule as changed; ``action=save``: save the change (the
    type of a rule stays)."""
    rule = find_or_404(session, AlertRule, rule_id, N_("alert rule"))
    form["type"] = rule.type
    if rule.type not in TYPES:
        unknown = translate(who.locale, "This version does not know rules of this type.")
        return _page(request, session, who, _from_rule(rule), editing=rule, error=unknown)
    form["params"] = read_fields(rule_fields(rule.type), form["posted"], PARAMS)
    try:
        data = _data(form, rule.scope)
        if form["action"] != "save":
            return _preview(request, session, who, form, RuleCreate.model_validate(data), editing=rule)
        changes = RuleUpdate.model_validate({k: v for k, v in data.items() if k != "type"})
        update_rule(session, rule, changes, actor=who.principal.name)
    except (ValidationError, ListenerError) as exc:
        session.rollback()
        return _page(request, session, who, form, editing=rule, error=problem(exc))
    return back(request, "/manage/rules", translate(who.locale, "Rule %(name)s saved.", name=rule.name))


@router.post("/manage/rules/{rule_id}/enabled")
def switch(
    request: Request, session: SessionDep, who: ManagerPage, rule_id: int, on: Annotated[bool, Form()]
) -> Response:
    """Turn a rule on or off (off: it opens no incident), through the same check as the API."""
    rule = find_or_404(session, AlertRule, rule_id, N_("alert rule"))
    update_rule(session, rule, RuleUpdate(enabled=on), actor=who.principal.name)
    if on:
        return back(request, "/manage/rules", translate(who.locale, "Rule %(name)s is on.", name=rule.name))
    return back(request, "/manage/rules", translate(who.locale, "Rule %(name)s is off.", name=rule.name))
