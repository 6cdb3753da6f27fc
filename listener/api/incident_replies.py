"""An incident's proposed replies, drafted for approval through the reply workflow."""

from __future__ import annotations

from fastapi import APIRouter

from listener.deps import Agent, SessionDep, SettingsDep
from listener.engine.proposals import draft_proposal
from listener.schemas.alerts import IncidentDraftIn
from listener.schemas.replies import ReplyRead
from listener.storage.lookup import get_or_404
from listener.storage.models import Incident

router = APIRouter(tags=["alerts"])


@router.post(
    "/incidents/{incident_id}/drafts",
    status_code=201,
    summary="Draft a proposed reply for the incident's mentions (each a draft awaiting approval)",
)
def draft(
    incident_id: int, body: IncidentDraftIn, session: SessionDep, settings: SettingsDep, who: Agent
) -> list[ReplyRead]:
    incident = get_or_404(session, Incident, incident_id, "incident")
    replies = draft_proposal(
        session, incident, settings, who=who, template_id=body.template_id, mention_ids=body.mention_ids
    )
    return [ReplyRead.model_validate(r) for r in replies]
