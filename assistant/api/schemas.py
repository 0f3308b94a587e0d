"""Request and response bodies of the HTTP API, with the examples shown in the OpenAPI document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

CADRE_CODE = Field(..., min_length=1, max_length=64, examples=["DEMO-0001"])


class ErrorDetail(BaseModel):
    code: str = Field(examples=["forbidden"])
    message: str = Field(examples=["Anh/chị không có quyền xem hoặc thay đổi hồ sơ của cán bộ này."])
    detail: Any | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route may answer with; every one has the same body."""
    text = {
        400: "Dữ liệu không hợp lệ",
        401: "Chưa đăng nhập / khóa API sai",
        403: "Không có quyền",
        404: "Không tìm thấy",
        409: "Xung đột (đang có lượt lập chỉ mục, bản ghi đã tồn tại)",
        413: "Tệp hoặc yêu cầu quá lớn",
        415: "Kiểu nội dung không hỗ trợ",
        422: "Yêu cầu sai định dạng",
        429: "Quá nhiều lần thử",
        503: "Chưa có chỉ mục",
    }
    return {s: {"model": ErrorBody, "description": text.get(s, "Lỗi")} for s in statuses}


# ----------------------------------------------------------------------------------------------- auth


class LoginRequest(BaseModel):
    username: str = Field(..., min_length=1, max_length=64, examples=["demo_hr"])
    password: str = Field(..., min_length=1, max_length=256, examples=["demo-hr-2025"])


class UserOut(BaseModel):
    username: str
    role: str = Field(examples=["hr"])
    full_name: str = ""
    unit_code: str | None = Field(None, examples=["DEMO-H1"])
    cadre_code: str | None = None
    demo: bool = False
    active: bool = True


class TokenOut(BaseModel):
    access_token: str = Field(examples=["tk_0cJ…"])
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    user: UserOut


class MeOut(BaseModel):
    name: str = Field(examples=["user:demo_hr"])
    role: str | None = Field(None, examples=["hr"])
    unit_code: str | None = None
    cadre_code: str | None = None
    service: str | None = None
    telegram_user_id: str | None = None


class CreateUserRequest(BaseModel):
    username: str = Field(..., min_length=1, max_length=64, examples=["hr_soyte"])
    password: str = Field(..., min_length=8, max_length=256, examples=["mat-khau-du-dai"])
    role: Literal["cadre", "hr", "admin"] = Field(..., examples=["hr"])
    unit_code: str | None = Field(None, max_length=64, examples=["DEMO-SYT"])
    cadre_code: str | None = Field(None, max_length=64)
    full_name: str = Field("", max_length=255)


class CreateApiKeyRequest(BaseModel):
    name: str = Field(..., min_length=1, max_length=64, examples=["telegram-bot"])


class ApiKeyOut(BaseModel):
    name: str
    api_key: str = Field(description="Chỉ hiển thị một lần; hệ thống chỉ lưu bản băm.")


class ApiKeyInfoOut(BaseModel):
    name: str
    created_at: datetime
    revoked_at: datetime | None


class PasswordChange(BaseModel):
    current_password: str = Field(..., min_length=1, max_length=256)
    new_password: str = Field(..., min_length=8, max_length=256)


class PasswordReset(BaseModel):
    new_password: str = Field(..., min_length=8, max_length=256)


# ----------------------------------------------------------------------------------------------- Telegram


class LinkCodeRequest(BaseModel):
    cadre_code: str = CADRE_CODE


class LinkCodeOut(BaseModel):
    code: str = Field(description="Mã dùng một lần; trao cho cán bộ để gửi cho bot.", examples=["K7QX-M2PA-9RTB-4WZE"])
    cadre_code: str
    expires_at: datetime


class RedeemRequest(BaseModel):
    telegram_user_id: int = Field(..., ge=1, le=10**15, examples=[123456789])
    code: str = Field(..., min_length=1, max_length=64, examples=["K7QX-M2PA-9RTB-4WZE"])


class BindingOut(BaseModel):
    telegram_user_id: str
    cadre_code: str
    linked_at: datetime


# ----------------------------------------------------------------------------------------------- ask


class AskRequest(BaseModel):
    question: str = Field(
        ...,
        max_length=2000,
        pattern=r"\S",  # at least one visible character: a blank question is refused (400), as the schema says
        examples=["Viên chức được đào tạo, bồi dưỡng theo những hình thức nào?"],
    )
    documents: list[str] | None = Field(
        None, description="Chỉ tìm trong các văn bản số …", examples=[["58/2010/QH12"]], max_length=50
    )
    cadre_code: str | None = Field(
        None,
        max_length=64,
        description="HR/quản trị: hỏi thay cho một cán bộ trong phạm vi mình (kèm tình trạng đào tạo của người đó).",
    )
    as_of: date | None = Field(
        None,
        description="Tính hiệu lực văn bản tại ngày này (YYYY-MM-DD), ví dụ để hỏi quy định áp dụng ngày 01/3/2026; "
        "mặc định: hôm nay.",
        examples=["2026-03-01"],
    )

    @field_validator("question", "cadre_code", mode="after")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        """NUL cannot be stored in PostgreSQL text; it carries no meaning in a question, so it becomes U+FFFD."""
        return None if value is None else value.replace("\x00", "\ufffd")

    @field_validator("documents", mode="after")
    @classmethod
    def _no_nul_in_documents(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [v.replace("\x00", "\ufffd") for v in value]


class QuoteOut(BaseModel):
    unit_id: str
    citation: str = Field(examples=["Khoản 1 Điều 33 Luật Viên chức số 58/2010/QH12"])
    text: str
    doc_number: str
    article: str
    clause: str | None = None
    point: str | None = None
    notes: list[str] = Field(default_factory=list, description="Ghi chú hiệu lực (hết hiệu lực, được sửa đổi …)")
    badge: str | None = Field(None, description="Nhãn hiệu lực của văn bản tại ngày hỏi", examples=["Còn hiệu lực"])
    warning: str | None = Field(
        None,
        description=(
            "Cảnh báo hiệu lực (văn bản hết hiệu lực hoặc chưa rõ hiệu lực tại ngày hỏi), chỉ ở trích dẫn đầu tiên "
            "của mỗi văn bản; cũng là ghi chú đầu tiên trong notes. Giao diện hiển thị cảnh báo trước câu trả lời."
        ),
    )


class ValidityOut(BaseModel):
    """Hiệu lực của một văn bản tại ngày hỏi: một nhãn, và một ghi chú ngắn khi cần lưu ý."""

    doc_number: str
    as_of: str
    state: str = Field(description="in_force | not_yet | repealed | partly_repealed | uncertain | unknown")
    badge: str = Field(examples=["Hết hiệu lực"])
    badge_level: str = Field(description="ok | warn | bad")
    note: str | None = None
    since: str | None = None
    until: str | None = None
    replaced_by: list[dict[str, Any]] = Field(default_factory=list)


class SourceOut(BaseModel):
    unit_id: str
    citation: str
    score: float
    status: str
    warning: str = ""
    badge: str | None = None


class AskOut(BaseModel):
    question: str
    answer: str
    abstained: bool
    confidence: float
    quotes: list[QuoteOut]
    sources: list[SourceOut]
    validity: list[ValidityOut] = Field(
        default_factory=list, description="Hiệu lực của từng văn bản được trích (một mục mỗi văn bản)"
    )
    as_of: str | None = Field(None, description="Ngày tính hiệu lực")
    generation: str
    trace_id: str
    latency_ms: float
    cadre_code: str | None = Field(None, description="Cán bộ có tình trạng đào tạo được kèm theo")
    statuses: list[dict[str, Any]] = Field(default_factory=list, description="Tình trạng các yêu cầu đào tạo liên quan")
    status_summary: str | None = None
    personal: dict[str, Any] | None = Field(
        None, description="Với từng yêu cầu liên quan: quy định (trích dẫn), hồ sơ ghi gì, còn thiếu gì, hạn, bước tiếp"
    )


class FeedbackRequest(BaseModel):
    trace_id: str = Field(..., min_length=1, max_length=32, examples=["3f9c2a1b7d4e5f60"])
    helpful: bool
    comment: str = Field("", max_length=2000, examples=["Trích dẫn đúng điều tôi cần."])


class OwnAnswerOut(BaseModel):
    trace_id: str
    question: str
    abstained: bool
    cited_unit_ids: list[str] = Field(description="Các đơn vị đã trích, theo thứ tự trong câu trả lời")


class OkOut(BaseModel):
    ok: bool = True
    message: str = ""


class UnlinkOut(OkOut):
    unlinked: bool = Field(description="True: một liên kết đã bị hủy; False: chưa có liên kết nào")


# ----------------------------------------------------------------------------------------------- cadres


class CadreOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    full_name: str
    kind: str
    kind_label: str
    unit_code: str
    unit_name: str
    unit_path: list[str]
    position: str | None = None
    title_code: str | None = None
    title_name: str | None = None
    title_rank: str | None = None
    recruited_on: date | None = None
    qualifications: dict[str, str | None] = Field(default_factory=dict)


class CadreStatusOut(BaseModel):
    cadre: CadreOut
    as_of: date
    statuses: list[dict[str, Any]]
    enrollments: list[dict[str, Any]]
    summary: str
    personal: dict[str, Any] = Field(
        default_factory=dict, description="Từng yêu cầu: quy định (trích dẫn), hồ sơ, còn thiếu và hạn, bước tiếp theo"
    )


class UnitOut(BaseModel):
    code: str
    name: str
    level: str
    parent_code: str | None
    depth: int


class CourseIn(BaseModel):
    code: str = Field(..., min_length=1, max_length=64, examples=["K-QLNN-2026"])
    name: str = Field(
        ..., min_length=1, max_length=500, examples=["Bồi dưỡng kiến thức quản lý nhà nước ngạch chuyên viên"]
    )
    course_type: str = Field(..., max_length=32, examples=["quan_ly_nha_nuoc"])
    hours: int | None = Field(None, ge=0, le=100000)
    provider: str | None = Field(None, max_length=255)
    certificate_type: str | None = Field(None, max_length=64)
    start_date: date | None = None
    end_date: date | None = None


class CourseOut(BaseModel):
    code: str
    name: str
    course_type: str
    certificate_type: str | None
    provider: str | None
    start_date: date | None
    end_date: date | None
    hours: int | None


class EnrollIn(BaseModel):
    course_code: str = Field(..., min_length=1, max_length=64, examples=["K-QLNN-2026"])
    registered_on: date | None = None


class EnrollmentUpdate(BaseModel):
    """Only the fields sent change; a field sent as null is cleared, one left out keeps its value."""

    model_config = {"json_schema_extra": {"minProperties": 1}}

    status: Literal["registered", "in_progress", "completed", "failed", "withdrawn"] | None = Field(
        None, examples=["completed"]
    )
    completed_on: date | None = Field(None, examples=["2026-04-30"])
    certificate_number: str | None = Field(None, max_length=64, examples=["QLNN-2026/0123"])
    certificate_date: date | None = None
    hours_earned: int | None = Field(None, ge=0, le=100000)


class EnrollmentOut(BaseModel):
    cadre_code: str
    course_code: str
    status: str
    registered_on: date | None
    completed_on: date | None
    hours_earned: int | None
    certificate_number: str | None
    certificate_date: date | None


class ImportOut(BaseModel):
    ok: bool
    summary: str
    filename: str
    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[str]
    warnings: list[str] = []  # imported as typed, but worth a look (title matched by name, unknown certificate type)


# ----------------------------------------------------------------------------------------------- documents and jobs


class DocumentOut(BaseModel):
    number: str = Field(examples=["58/2010/QH12"])
    doc_type: str
    title: str
    issuer: str
    issued_date: str
    effective_date: str
    status: str
    status_label: str
    validity: ValidityOut | None = None
    completeness: str
    articles: int
    indexed: bool


class DocumentDetailOut(DocumentOut):
    status_source: str
    completeness_note: str
    provenance: dict[str, str]
    relations: list[dict[str, str]]
    structure: list[dict[str, Any]]
    units: list[dict[str, str]]


class ArticleOut(BaseModel):
    """Toàn văn một điều (nguyên văn), kèm trích dẫn và ghi chú hiệu lực."""

    unit_id: str = Field(examples=["58-2010-qh12:d33"])
    citation: str = Field(examples=["Điều 33 Luật Viên chức số 58/2010/QH12"])
    heading: str
    text: str
    clauses: list[dict[str, str]]
    doc_number: str
    doc_name: str
    doc_title: str
    status: str
    status_label: str
    validity: ValidityOut | None = None
    completeness: str
    notes: list[str]


class PreviewOut(BaseModel):
    upload_id: str
    document: DocumentOut
    structure: list[dict[str, Any]]
    warnings: list[str]
    citation_example: str = Field("", description="Trích dẫn điều đầu tiên sẽ đọc như thế nào trong câu trả lời")


class RelationIn(BaseModel):
    kind: Literal["amends", "amended_by", "replaces", "replaced_by", "repeals", "repealed_by"]
    target: str = Field(..., min_length=1, max_length=64, examples=["29/2012/NĐ-CP"])
    note: str = Field("", max_length=500)


class CommitIn(BaseModel):
    """Hiệu chỉnh siêu dữ liệu trước khi thêm vào kho (mọi trường đều tùy chọn)."""

    number: str | None = Field(None, max_length=64, examples=["12/2026/QĐ-UBND"])
    doc_type: str | None = Field(None, max_length=64)
    title: str | None = Field(None, max_length=500)
    issuer: str | None = Field(None, max_length=255)
    issued_date: str | None = Field(None, max_length=10, examples=["2026-03-01"])
    effective_date: str | None = Field(None, max_length=10)
    status: Literal["con_hieu_luc", "het_hieu_luc", "het_hieu_luc_mot_phan", "chua_co_hieu_luc", "khong_ro"] | None = (
        None
    )
    completeness: Literal["full", "codified", "partial"] | None = None
    completeness_note: str | None = Field(None, max_length=500)
    relations: list[RelationIn] | None = Field(None, max_length=50)
    source: str | None = Field(None, max_length=255, description="Căn cứ của các hiệu chỉnh")


class DocumentPatch(BaseModel):
    status: Literal["con_hieu_luc", "het_hieu_luc", "het_hieu_luc_mot_phan", "chua_co_hieu_luc", "khong_ro"] | None = (
        Field(None, examples=["het_hieu_luc"])
    )
    status_source: str | None = Field(None, max_length=255, examples=["Điều 40 Nghị định 115/2020/NĐ-CP"])
    relations: list[RelationIn] | None = Field(None, max_length=50, description="Thay toàn bộ danh sách quan hệ")


class JobOut(BaseModel):
    id: str
    kind: str
    status: Literal["queued", "running", "succeeded", "failed"]
    target: str
    requested_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    phase: str
    done: int
    total: int
    result: dict[str, Any] | None = Field(None, description="indexed / skipped / failed và báo cáo đầy đủ")
    error: str | None


class DocumentChangeOut(BaseModel):
    number: str
    change: Literal["withdrawn", "already_absent", "restored", "reverted", "not_restorable"]


class RollbackOut(BaseModel):
    generation: str = Field(description="Thế hệ chỉ mục đang phục vụ sau khi quay lui")
    replaced: str | None = Field(None, description="Thế hệ vừa thôi phục vụ")
    changes: list[DocumentChangeOut] = Field(
        default_factory=list, description="Văn bản được rút / đưa lại / trả về phiên bản trước để khớp thế hệ đó"
    )
    message: str = ""


class LoggedAnswerOut(BaseModel):
    trace_id: str
    at: datetime
    question: str
    asker: str
    generation: str
    abstained: bool
    confidence: float
    cadre_code: str | None
    cited_unit_ids: list[str]
    statuses: list[dict[str, Any]]


class RatedAnswerOut(BaseModel):
    at: datetime
    helpful: bool
    comment: str
    rated_by: str
    answer: LoggedAnswerOut


class LoggedActionOut(BaseModel):
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]
