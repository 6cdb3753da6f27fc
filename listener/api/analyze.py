"""``POST /api/v1/analyze``: the NLP result for up to 1,000 texts, the same as ``listener score``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select

from listener.deps import SessionDep, Viewer
from listener.pipeline.analysis import brand_contexts, pipeline_for
from listener.schemas.common import StrictIn
from listener.schemas.mentions import MAX_TEXT
from listener.storage.models import Brand
from nlp import BrandContext, NlpInput

router = APIRouter(tags=["nlp"])


class AnalyzeItem(StrictIn):
    text: Annotated[str, Field(max_length=MAX_TEXT)]
    title: Annotated[str, Field(max_length=2000)] | None = None
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")] | None = None
    rating: Annotated[float, Field(ge=0, le=5)] | None = None
    brand: Annotated[str, Field(max_length=200)] | None = None
    platform: Annotated[str, Field(max_length=32)] | None = None
    kind: Annotated[str, Field(max_length=16)] | None = None


class AnalyzeRequest(StrictIn):
    items: list[AnalyzeItem] = Field(min_length=1, max_length=1000)


class SentimentOut(BaseModel):
    score: float | None
    label: str
    drivers: list[dict[str, Any]]


class AnalyzeResult(BaseModel):
    language: str
    language_confidence: float
    sentiment: SentimentOut
    topics: list[str]
    entities: list[dict[str, str]]
    crisis_terms: list[str]
    keyphrases: list[str]
    brand_sentiment: dict[str, SentimentOut] = Field(default_factory=dict)


class AnalyzeResponse(BaseModel):
    results: list[AnalyzeResult]


@router.post(
    "/analyze", summary="Analyse texts: language, sentiment with drivers, topics, entities, crisis terms"
)
def analyze_texts(body: AnalyzeRequest, session: SessionDep, _: Viewer) -> AnalyzeResponse:
    contexts: dict[str, BrandContext] = brand_contexts(session.scalars(select(Brand)))
    for item in body.items:
        if item.brand and item.brand not in contexts:
            contexts[item.brand] = BrandContext(item.brand)
    inputs = [NlpInput(**item.model_dump()) for item in body.items]
    results = []
    for item, r in zip(body.items, pipeline_for(session).run(inputs, contexts), strict=True):
        data = r.to_dict()
        data.pop("versions")
        if not item.brand:
            data["brand_sentiment"] = {}
        results.append(AnalyzeResult(**data))
    return AnalyzeResponse(results=results)
