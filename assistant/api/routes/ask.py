from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from assistant.api.deps import get_services
from assistant.presenters import answer_to_dict
from assistant.services import Services

router = APIRouter(tags=["ask"])


class AskRequest(BaseModel):
    question: str = Field(..., max_length=2000, examples=["Viên chức được đào tạo, bồi dưỡng theo những hình thức nào?"])
    documents: list[str] | None = Field(None, description="Chỉ tìm trong các văn bản số …", examples=[["58/2010/QH12"]])


@router.post("/ask", summary="Hỏi đáp quy định, trả lời bằng trích dẫn nguyên văn")
def ask(req: AskRequest, services: Annotated[Services, Depends(get_services)]) -> dict[str, Any]:
    return answer_to_dict(services.knowledge.ask(req.question, documents=req.documents))
