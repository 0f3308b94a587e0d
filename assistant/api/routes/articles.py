"""The full text of a cited article: what "Xem toàn văn điều khoản" shows (open to everyone, like the catalogue)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from assistant.api.deps import get_services
from assistant.api.schemas import ArticleOut, errors
from assistant.domain import UNIT_ID_PATTERN
from assistant.services import Services
from assistant.services.views import article_to_dict

router = APIRouter(tags=["documents"])
UnitId = Annotated[
    str,
    Path(
        min_length=3,
        max_length=128,
        pattern=UNIT_ID_PATTERN,
        description="Mã đơn vị: điều, khoản hoặc điểm (phần điều được dùng)",
        examples=["58-2010-qh12:d33:k3:a"],
    ),
]


@router.get(
    "/articles/{unit_id}",
    summary="Toàn văn điều khoản được trích dẫn",
    response_model=ArticleOut,
    responses=errors(404, 422, 503),
)
def get_article(unit_id: UnitId, services: Annotated[Services, Depends(get_services)]) -> dict[str, Any]:
    return article_to_dict(*services.knowledge.article(unit_id))
