from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from assistant.api.deps import Caller, Personal, ask_rate_limit
from assistant.api.schemas import AskOut, AskRequest, FeedbackRequest, OkOut, OwnAnswerOut, errors
from assistant.services.views import personal_answer

router = APIRouter(tags=["ask"])


@router.post(
    "/ask",
    summary="Hỏi đáp quy định, trả lời bằng trích dẫn nguyên văn",
    description=(
        "Trả lời bằng nguyên văn điều khoản kèm trích dẫn và ghi chú hiệu lực, hoặc từ chối trả lời (`abstained`) "
        "khi kho văn bản không có câu trả lời. Không cần đăng nhập. Khi người hỏi là cán bộ (đăng nhập, hoặc bot gửi "
        "`X-API-Key` + `X-Telegram-User-Id` của người đã liên kết) — hoặc HR/quản trị nêu `cadre_code` trong phạm vi "
        "mình — câu trả lời kèm tình trạng các yêu cầu đào tạo liên quan của cán bộ đó. "
        "Hiệu lực văn bản được tính tại ngày `as_of` (mặc định: hôm nay): văn bản còn hiệu lực vào ngày đó được "
        "xếp trước; mỗi văn bản được trích có một nhãn hiệu lực (`validity[]`, `quotes[].badge`) và, khi không "
        "(hoặc có thể không) còn hiệu lực, một ghi chú ngắn nêu văn bản thay thế và kho có văn bản đó hay không. "
        "Mọi câu trả lời được ghi nhật ký với `trace_id`."
    ),
    response_model=AskOut,
    responses=errors(401, 403, 413, 422, 429, 503),
    dependencies=[Depends(ask_rate_limit)],
)
def ask(req: AskRequest, personal: Personal, caller: Caller) -> dict[str, Any]:
    return personal_answer(
        personal.asking.ask(caller, req.question, documents=req.documents, cadre_code=req.cadre_code, as_of=req.as_of)
    )


@router.post(
    "/feedback",
    summary="Góp ý cho một câu trả lời (hữu ích / không)",
    description="Theo `trace_id` của câu trả lời. Không cần đăng nhập.",
    response_model=OkOut,
    responses=errors(404, 422),
)
def feedback(req: FeedbackRequest, personal: Personal, caller: Caller) -> OkOut:
    changed = personal.asking.feedback(caller, req.trace_id, req.helpful, req.comment)
    return OkOut(message="Đã cập nhật góp ý của anh/chị." if changed else "Cảm ơn anh/chị đã góp ý.")


@router.get(
    "/answers/{trace_id}",
    summary="Một câu trả lời mình đã nhận: các điều khoản đã trích (người hỏi; bot cho người dùng của mình)",
    description=(
        "Chỉ người đã nhận câu trả lời (cùng tài khoản, hoặc bot cùng `X-Telegram-User-Id`) xem được; người khác "
        "nhận 404. Nút «Xem toàn văn» của bot dùng mục này nên vẫn hoạt động sau khi bot khởi động lại."
    ),
    response_model=OwnAnswerOut,
    responses=errors(404, 422),
)
def own_answer(
    trace_id: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[\w-]+$")], personal: Personal, caller: Caller
) -> OwnAnswerOut:
    a = personal.asking.own_answer(caller, trace_id)
    return OwnAnswerOut(
        trace_id=a.trace_id, question=a.question, abstained=a.abstained, cited_unit_ids=a.cited_unit_ids
    )
