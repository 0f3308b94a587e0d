"""Command line: parse arguments, call one service method, print the result. Errors exit with a message."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from assistant.accounts.models import Role
from assistant.accounts.principal import Principal
from assistant.config import Settings
from assistant.enrollment.errors import ImportRejected
from assistant.errors import AssistantError, InvalidInput
from assistant.services import PersonalServices, Services, build_services

app = typer.Typer(help="Trợ lý đào tạo cán bộ — tra cứu quy định đào tạo, bồi dưỡng.", no_args_is_help=True)
corpus_app = typer.Typer(help="Kho văn bản: nhập từ nguồn.", no_args_is_help=True)
index_app = typer.Typer(help="Chỉ mục: xây dựng, cập nhật, trạng thái, quay lui.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
app.add_typer(index_app, name="index")
db_app = typer.Typer(help="Cơ sở dữ liệu: nâng cấp lược đồ.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console(stderr=True)
OPERATOR = Principal("cli:operator", role=Role.ADMIN)  # whoever runs the CLI on the server administers it
F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(fn: F) -> F:
    """Domain errors become a one-line Vietnamese message and exit code 1, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AssistantError as e:
            console.print(f"[red]Lỗi:[/red] {e.message}")
            raise typer.Exit(1) from e
        except OSError as e:  # disk full, read-only directory, missing file: one sentence, no traceback
            from assistant.errors import storage_message

            where = f" ({e.filename})" if e.filename else ""
            console.print(f"[red]Lỗi:[/red] {storage_message(e, 'hoàn tất lệnh')}{where}")
            raise typer.Exit(1) from e

    return wrapper  # type: ignore[return-value]


def services() -> Services:
    from assistant.services import shared_pointer

    settings = Settings()
    svc = build_services(settings)
    if shared_pointer(settings) and svc.personal is not None:
        svc.personal.migrate()  # the serving pointer's tables; a no-op when the schema is current
    return svc


def echo_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    labels = {"embed": "Nhúng vector", "lexical": "Chỉ mục từ khóa", "store": "Ghi Chroma", "eval": "Đánh giá"}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("còn"),
        TimeRemainingColumn(),
        console=console,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(labels.get(phase, phase), total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield update


@corpus_app.command("import")
@handles_errors
def corpus_import(
    sources: Annotated[Path | None, typer.Option(help="Thư mục nguồn (mặc định ../shared/corpus-sources)")] = None,
    if_missing: Annotated[bool, typer.Option(help="Chỉ nhập khi kho chưa có văn bản nào")] = False,
) -> None:
    """Build corpus/ reproducibly from the real source texts."""
    from assistant.ingest.corpus import import_corpus

    s = Settings()
    target = s.paths.corpus_dir
    if if_missing and any((target / "documents").glob("*.json")):
        console.print(f"Kho văn bản đã có sẵn ở {target}.")
        return
    report = import_corpus(sources or s.paths.sources_dir, target)
    echo_json(report.to_dict() if hasattr(report, "to_dict") else report.__dict__)


@corpus_app.command("vectors")
@handles_errors
def corpus_vectors() -> None:
    """Ship the cached vectors of the current corpus in corpus/vectors/ (after a full index build)."""
    n = services().knowledge.export_vectors()
    console.print(f"Đã ghi {n} vector vào corpus/vectors/.")


def _build(dense: bool, only_if_changed: bool) -> None:
    svc = services()
    if only_if_changed and svc.knowledge.up_to_date(dense=dense):
        console.print(f"Chỉ mục đã cập nhật (thế hệ {svc.generations.current_id()}); không có gì thay đổi.")
        return
    with progress_bar() as update:
        report = svc.knowledge.build(dense=dense, progress=update)
    echo_json(report.to_dict())


@index_app.command("build")
@handles_errors
def index_build(
    lexical_only: Annotated[bool, typer.Option(help="Chỉ dựng chỉ mục từ khóa (nhanh, không nhúng vector)")] = False,
) -> None:
    """Build a new index generation from all documents and switch to it."""
    _build(dense=not lexical_only, only_if_changed=False)


@index_app.command("update")
@handles_errors
def index_update(lexical_only: Annotated[bool, typer.Option(help="Chỉ dựng chỉ mục từ khóa")] = False) -> None:
    """Build a new generation only if documents changed; unchanged units are never re-embedded."""
    _build(dense=not lexical_only, only_if_changed=True)


@index_app.command("status")
@handles_errors
def index_status() -> None:
    """Show the serving generation and the ones kept for rollback."""
    echo_json(services().knowledge.status())


@index_app.command("rollback")
@handles_errors
def index_rollback() -> None:
    """Switch back to the generation the current one replaced, and make the document set match it."""
    console.print(_personal().library.rollback(OPERATOR)["message"])


@app.command()
@handles_errors
def ask(
    question: str,
    as_json: Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON")] = False,
    doc: Annotated[list[str] | None, typer.Option(help="Chỉ tìm trong văn bản số … (lặp lại được)")] = None,
    cadre: Annotated[str | None, typer.Option(help="Mã cán bộ: kèm tình trạng đào tạo của người này")] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Hiệu lực tính tại ngày (YYYY-MM-DD hoặc DD/MM/YYYY; mặc định: hôm nay)"),
    ] = None,
) -> None:
    """Ask a question; the answer quotes the regulation with its citation (and a cadre's own status).

    --json prints the body POST /api/v1/ask returns, field for field."""
    from assistant.services.views import PersonalAnswer, personal_answer
    from assistant.validity import parse_as_of

    when = parse_as_of(as_of)
    if cadre is None:  # the regulation alone needs no database
        result = PersonalAnswer(services().knowledge.ask(question, documents=doc, as_of=when))
    else:
        result = _personal().asking.ask(OPERATOR, question, documents=doc, cadre_code=cadre, as_of=when)
    if as_json:
        echo_json(personal_answer(result))
        return
    sys.stdout.write(result.timed.answer.text + "\n")
    if result.personal:
        from assistant.reporting.personal import dict_to_text

        sys.stdout.write("\n" + dict_to_text(result.personal) + "\n")
    elif result.status_summary:
        sys.stdout.write("\n" + result.status_summary + "\n")


@app.command()
@handles_errors
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Số tiến trình API (cùng cơ sở dữ liệu).")] = 1,
    first_run: Annotated[
        bool, typer.Option(help="Lần chạy đầu: cho phép tạo cơ sở dữ liệu SQLite trống nếu chưa có")
    ] = False,
) -> None:
    """Start the HTTP API; with --workers N, N processes share the port (migrations run once, before them)."""
    import uvicorn

    from assistant.api.app import create_app

    svc = services()
    if svc.personal is not None and not first_run:
        svc.personal.require_database()
    if workers == 1:
        uvicorn.run(create_app(svc), host=host, port=port)
        return
    if svc.personal is not None:
        svc.personal.migrate()
        svc.personal.engine.dispose()
    uvicorn.run(
        "assistant.api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_worker_healthcheck=120,  # a worker's start-up (imports, migrations check, first load) on a busy host
    )


@app.command()
@handles_errors
def worker() -> None:
    """Run queued re-index jobs (ASSISTANT_JOBS__QUEUE=procrastinate) until stopped; start one or more per host."""
    from assistant.jobs.queue import QueuedJobRunner

    svc = services()
    assert svc.personal is not None
    runner = svc.personal.jobs
    if not isinstance(runner, QueuedJobRunner):
        raise InvalidInput(
            "Chưa bật hàng đợi: đặt ASSISTANT_JOBS__QUEUE=procrastinate và ASSISTANT_DATABASE__URL (PostgreSQL)."
        )
    svc.personal.open()
    console.print("Tiến trình lập chỉ mục đang chờ việc trong hàng đợi 'reindex'.")
    runner.run_worker()


@app.command()
@handles_errors
def topology(
    database_url: Annotated[
        str, typer.Option(help="PostgreSQL đang chạy", envvar="ASSISTANT_DATABASE__URL")
    ] = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    apis: Annotated[int, typer.Option(min=1, max=8, help="Số tiến trình API")] = 2,
    workers: Annotated[int, typer.Option(min=1, max=4, help="Số tiến trình lập chỉ mục")] = 1,
    root: Annotated[Path, typer.Option(help="Thư mục dữ liệu của cụm chạy thử")] = Path(".topology"),
) -> None:
    """Start the whole topology on this machine for a demo: Chroma server, N API processes, M workers (Ctrl-C stops)."""
    import time

    from assistant.ops.topology import Topology

    settings = Settings()
    topo = Topology(root.resolve(), database_url, settings.paths.corpus_dir, apis=apis, workers=workers)
    with topo:
        assert topo.chroma is not None
        console.print(f"Chroma: http://{topo.chroma.host}:{topo.chroma.port}   nhật ký: {root}/")
        for url in topo.urls:
            console.print(f"API: {url}  (/ready cho biết thế hệ chỉ mục đang phục vụ)")
        console.print("Nhấn Ctrl-C để dừng cả cụm.")
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            console.print("Đang dừng…")


@db_app.command("upgrade")
@handles_errors
def db_upgrade() -> None:
    """Bring the database schema to the newest migration (once, even if several processes run it together)."""
    svc = services()
    assert svc.personal is not None
    svc.personal.migrate()
    console.print("Cơ sở dữ liệu đã ở phiên bản mới nhất.")


@app.command("eval")
@handles_errors
def eval_cmd(file: Path, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Evaluate on gold questions: articles (retrieval, abstention) or clauses (the answers themselves)."""
    from assistant.answer.grading import is_clause_level
    from assistant.services.evaluation import evaluate, evaluate_answers, load_questions

    rows = load_questions(file)
    svc = services()
    with progress_bar() as update:
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            update("eval", done, len(rows))

        clause_level = bool(rows) and is_clause_level(rows[0])
        result = (evaluate_answers if clause_level else evaluate)(svc.knowledge, rows, progress=step)
    if as_json:
        echo_json(result)
        return
    if clause_level:
        sys.stdout.write(answers_table(result) + "\n")
        return
    table = {k: v for k, v in result.items() if k != "questions"}
    echo_json(table)


ANSWER_COLUMNS = (
    ("fact", "fact_hit"),
    ("lead", "lead_fact_hit"),
    ("clause", "clause_hit"),
    ("point", "point_hit"),
    ("article", "article_hit"),
    ("abst.unans", "abstention_on_unanswerable"),
    ("false.abst", "false_abstentions"),
    ("warning", "warning_hit"),
    ("len.med", "answer_len_median"),
    ("len.p90", "answer_len_p90"),
)


def answers_table(result: dict[str, Any]) -> str:
    """The clause-level summary as a fixed-width table: one row overall, one per kind."""
    rows = [("all", result["summary"])] + list(result["by_kind"].items())
    head = f"{'kind':<14}{'n':>4}" + "".join(f"{c:>11}" for c, _ in ANSWER_COLUMNS)

    def cell(v: Any) -> str:
        return f"{'—' if v is None else v:>11}"

    lines = [head] + [f"{k:<14}{s['n']:>4}" + "".join(cell(s[key]) for _, key in ANSWER_COLUMNS) for k, s in rows]
    lat = result.get("latency_ms", {})
    lines.append(f"latency ms: p50 {lat.get('p50')}, p95 {lat.get('p95')}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------- accounts

users_app = typer.Typer(help="Tài khoản: tạo người dùng, khóa API cho bot, tài khoản mẫu.", no_args_is_help=True)
app.add_typer(users_app, name="users")


def _personal() -> PersonalServices:
    svc = services()
    assert svc.personal is not None
    svc.personal.open()
    return svc.personal


@users_app.command("create")
@handles_errors
def users_create(
    username: str,
    role: Annotated[str, typer.Option(help="cadre | hr | admin")],
    unit: Annotated[str | None, typer.Option(help="Mã đơn vị (bắt buộc với hr)")] = None,
    cadre: Annotated[str | None, typer.Option(help="Mã cán bộ (bắt buộc với cadre)")] = None,
    full_name: Annotated[str, typer.Option(help="Họ tên")] = "",
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="Mật khẩu (≥ 8 ký tự)")
    ] = "",
) -> None:
    """Create a user account (the password is asked for when not given)."""
    user = _personal().access.create_user(
        OPERATOR, username, password, role, unit_code=unit, cadre_code=cadre, full_name=full_name
    )
    console.print(f"Đã tạo tài khoản {user.username} ({user.role.value}).")


@users_app.command("api-key")
@handles_errors
def users_api_key(name: Annotated[str, typer.Argument(help="Tên dịch vụ, ví dụ telegram-bot")]) -> None:
    """Create an API key for a service (printed once; only its hash is stored)."""
    sys.stdout.write(_personal().access.create_api_key(OPERATOR, name) + "\n")


@users_app.command("disable")
@handles_errors
def users_disable(username: str) -> None:
    """Disable an account at once (its sessions end; it cannot sign in until enabled)."""
    user = _personal().accounts.set_active(OPERATOR, username, False)
    console.print(f"Đã vô hiệu hóa tài khoản {user.username}; mọi phiên đăng nhập của tài khoản đã kết thúc.")


@users_app.command("enable")
@handles_errors
def users_enable(username: str) -> None:
    """Enable a disabled account again."""
    user = _personal().accounts.set_active(OPERATOR, username, True)
    console.print(f"Đã kích hoạt lại tài khoản {user.username}.")


@users_app.command("password")
@handles_errors
def users_password(
    username: str,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="Mật khẩu mới (≥ 8 ký tự)")
    ] = "",
) -> None:
    """Set a user's password (asked for when not given); every session of that user ends."""
    _personal().accounts.reset_password(OPERATOR, username, password)
    console.print(f"Đã đặt lại mật khẩu cho {username}; mọi phiên đăng nhập của tài khoản đã kết thúc.")


@users_app.command("revoke-key")
@handles_errors
def users_revoke_key(name: Annotated[str, typer.Argument(help="Tên khóa API, ví dụ telegram-bot")]) -> None:
    """Revoke a service's API key at once (the next request with it is refused)."""
    _personal().accounts.revoke_api_key(OPERATOR, name)
    console.print(f"Đã thu hồi khóa API '{name}'.")


@users_app.command("keys")
@handles_errors
def users_keys() -> None:
    """List the services' API keys (names and dates; never the keys)."""
    echo_json([k.__dict__ for k in _personal().accounts.list_api_keys(OPERATOR)])


@users_app.command("list")
@handles_errors
def users_list() -> None:
    """List accounts (role, scope, demo, active)."""
    echo_json([u.__dict__ for u in _personal().accounts.list_users()])


@users_app.command("seed-demo")
@handles_errors
def users_seed_demo() -> None:
    """Create the demo accounts (admin, HR of DEMO-H1, one cadre) for the demo province — TÀI KHOẢN MẪU."""
    from assistant.accounts.demo import seed_demo_accounts

    personal = _personal()
    for a in seed_demo_accounts(personal.accounts, personal.enrollment):
        scope = a.unit_code or a.cadre_code or "toàn hệ thống"
        state = "mới tạo" if a.created else "đã có"
        console.print(f"[bold]{a.username}[/bold] / {a.password}  — {a.role.value}, {scope} ({state}, TÀI KHOẢN MẪU)")


# ----------------------------------------------------------------------------------------------- enrollment

demo_app = typer.Typer(help="Dữ liệu mẫu (tỉnh giả lập, không phải người thật).", no_args_is_help=True)
app.add_typer(demo_app, name="demo")


@demo_app.command("load")
@handles_errors
def demo_load(
    as_of: Annotated[
        str | None, typer.Option(help="Ngày làm mốc cho dữ liệu mẫu yyyy-mm-dd (mặc định hôm nay)")
    ] = None,
) -> None:
    """Load the synthetic demo province, dated relative to today (or --as-of), and its demo accounts — DỮ LIỆU MẪU."""
    from assistant.accounts.demo import seed_demo_accounts

    personal = _personal()
    personal.accounts.require_demo_enabled()  # production: no synthetic province, no published passwords
    report = personal.enrollment.load_demo(_date(as_of))
    console.print(f"Dữ liệu mẫu (không phải người thật): {report.summary()}")
    for a in seed_demo_accounts(personal.accounts, personal.enrollment):
        scope = a.unit_code or a.cadre_code or "toàn hệ thống"
        console.print(f"  tài khoản mẫu [bold]{a.username}[/bold] / {a.password} — {a.role.value}, {scope}")


@app.command()
@handles_errors
def status(
    code: str,
    as_of: Annotated[str | None, typer.Option(help="Ngày đánh giá yyyy-mm-dd (mặc định hôm nay)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """A cadre's training requirements: met, in progress, missing or overdue, each with its legal basis."""
    from assistant.reporting.personal import view_to_text
    from assistant.services.views import status_report_to_dict

    personal = _personal()
    view = personal.reports.personal_view(OPERATOR, code, as_of=_date(as_of))
    report = personal.enrollment.cadre_status(code, as_of=view.as_of)
    if as_json:
        echo_json({**status_report_to_dict(report), "personal": view.to_dict()})
    else:
        c = report.cadre
        head = f"{c.full_name} ({c.code}) — {c.kind_label}, {c.unit_name}\n"
        head += f"Tình trạng đào tạo, bồi dưỡng tính đến {view.as_of:%d/%m/%Y}:\n"
        sys.stdout.write(head + view_to_text(view) + "\n")


@app.command("import")
@handles_errors
def import_cmd(file: Path) -> None:
    """Import cadres, courses or enrollments from CSV/XLSX: all rows or nothing, errors per row in Vietnamese."""
    try:
        data = file.read_bytes()
    except OSError as e:
        raise InvalidInput(f"Không đọc được tệp {file}: {e.strerror}") from e
    try:
        report = _personal().records.import_file(OPERATOR, data, file.name)  # audited like the API's import
    except ImportRejected as e:
        if not isinstance(e.detail, list):  # the file as a whole (layout, encoding): one message
            raise
        for message in e.detail:
            console.print(f"[red]{message}[/red]")
        raise typer.Exit(1) from e
    for message in report.warning_messages:
        console.print(f"[yellow]Cảnh báo — {message}[/yellow]")
    console.print(report.summary())


rules_app = typer.Typer(
    help="Quy tắc yêu cầu đào tạo, bồi dưỡng: danh sách, đối chiếu điều khoản, độ phủ.", no_args_is_help=True
)
app.add_typer(rules_app, name="rules")


def _catalog() -> Any:
    from assistant.enrollment.catalog import RuleCatalog
    from assistant.enrollment.rules import load_rules
    from assistant.ingest.repository import DocumentRepository

    settings = Settings()
    repo = DocumentRepository(settings.paths.corpus_dir / "documents", settings.paths.data_dir / "documents")
    return RuleCatalog(load_rules(settings.rules.path), repo.list)


@rules_app.command("list")
@handles_errors
def rules_list(
    query: Annotated[str, typer.Argument(help="Lọc theo mã quy tắc, tên, số văn bản")] = "",
    title_code: Annotated[str, typer.Option("--title-code", help="Chỉ các quy tắc áp dụng cho mã chức danh này")] = "",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Rules with the clause each implements (citation) and what the engine checks."""
    from assistant.enrollment.catalog import describe_condition

    catalog = _catalog()
    rules = catalog.search(query, title_code)
    if as_json:
        echo_json(
            [
                {
                    "id": r.id,
                    "title": r.title,
                    "title_codes": r.applies_to.title_codes,
                    "citation": r.citation,
                    "purpose": r.purpose,
                }
                for r in rules
            ]
        )
        return
    for r in rules:
        checks = " | ".join(describe_condition(c, catalog.rules) for c in r.satisfied_by)
        codes = ", ".join(r.applies_to.title_codes) or "-"
        sys.stdout.write(f"{r.id}\t{codes}\t{r.legal_basis[0].full_label}\t{checks}\n")
    console.print(f"{len(rules)} quy tắc.")


@rules_app.command("show")
@handles_errors
def rules_show(
    rule_id: str,
    as_of: Annotated[str | None, typer.Option(help="Ngày xét hiệu lực căn cứ yyyy-mm-dd (mặc định hôm nay)")] = None,
) -> None:
    """One rule side by side with the corpus text of every clause it cites (and whether the quote is verbatim)."""
    view = _catalog().show(rule_id, _date(as_of))
    r = view.rule
    out = [f"Quy tắc {r.id}: {r.title}", r.summary]
    if r.note:
        out.append(f"Lưu ý: {r.note}")
    out.append(
        "Áp dụng: " + ", ".join(x for x in [", ".join(r.applies_to.kinds), ", ".join(r.applies_to.title_codes)] if x)
    )
    out.append("Đáp ứng khi có một trong: " + " | ".join(view.conditions))
    if view.deadlines:
        out.append("Hạn: " + " ; ".join(view.deadlines))
    for e in view.exemptions:
        out.append(f"Miễn trừ / chuyển tiếp: {e}")
    for c in view.clauses:
        out.append("")
        out.append(f"── {c.label} [{c.role}] ({c.unit_id})")
        out.append(f"   Quy tắc trích: «{c.quote}»")
        out.append(
            "   Văn bản trong kho: "
            + (f"«{' '.join((c.corpus_text or '').split())}»" if c.corpus_text else "KHÔNG CÓ TRONG KHO")
        )
        out.append("   Đối chiếu: " + ("khớp nguyên văn" if c.found_verbatim else "KHÔNG KHỚP NGUYÊN VĂN"))
        if c.validity:
            out.append(f"   Hiệu lực: {c.validity}")
    sys.stdout.write("\n".join(out) + "\n")


@rules_app.command("coverage")
@handles_errors
def rules_coverage(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Share of the corpus's title codes with a training standard that the rules cover."""
    cov = _catalog().coverage()
    if as_json:
        echo_json(
            {"codes": len(cov.codes), "covered": len(cov.covered), "ratio": round(cov.ratio, 4), "missing": cov.missing}
        )
        return
    sys.stdout.write(
        f"Mã chức danh có tiêu chuẩn trình độ đào tạo, bồi dưỡng trong kho: {len(cov.codes)}; có quy tắc: "
        f"{len(cov.covered)} ({cov.ratio:.1%}). Chưa có: {', '.join(cov.missing) or 'không'}\n"
    )


@rules_app.command("check")
@handles_errors
def rules_check(
    as_of: Annotated[str | None, typer.Option(help="Ngày xét hiệu lực yyyy-mm-dd (mặc định hôm nay)")] = None,
) -> None:
    """Bases of rules that are missing from the corpus or not plainly in force on the date."""
    notes = _catalog().check(_date(as_of))
    for n in notes:
        sys.stdout.write(f"{n.rule_id}\t{n.state.value}\t{n.message}\n")
    console.print(f"{len(notes)} căn cứ cần lưu ý.")


@rules_app.command("draft")
@handles_errors
def rules_draft(out: Annotated[Path, typer.Option("--out", help="Thư mục ghi bản nháp (*.yaml)")]) -> None:
    """Draft rules from the corpus structure (one per point of each title's training-standard clause)."""
    catalog = _catalog()
    report = catalog.draft()
    written = catalog.write_drafts(out)
    for uid, reason, _ in report.skipped:
        console.print(f"cần soạn tay: {uid} — {reason}")
    rules = sum(len(f["rules"]) for f in report.files.values())
    console.print(
        f"Đã ghi {len(written)} tệp, {rules} quy tắc nháp vào {out}; {len(report.skipped)} điểm cần soạn tay."
    )


# ----------------------------------------------------------------------------------------------- reports

reports_app = typer.Typer(
    help="Kế hoạch và báo cáo đào tạo của đơn vị (in ra hoặc ghi tệp XLSX/CSV).", no_args_is_help=True
)
app.add_typer(reports_app, name="reports")
REPORT_HELP = {
    "plan": "Kế hoạch đào tạo, bồi dưỡng theo quy định: ai cần học gì, hạn nào, căn cứ điều nào; tổng theo quý.",
    "levels": "Trình độ lý luận chính trị, quản lý nhà nước so với yêu cầu của chức vụ, chức danh (nơi kho nêu).",
    "overlaps": "Khóa học trùng lặp: cùng người, cùng loại, trùng thời gian; hoặc học lại chứng chỉ đã có.",
    "completed": "Số lượt cán bộ hoàn thành đào tạo, bồi dưỡng theo loại khóa và quý.",
    "succession": "Cán bộ quy hoạch, dự nguồn và những gì còn thiếu theo quy định.",
}


def _report_command(kind: str) -> None:
    @reports_app.command(kind, help=REPORT_HELP[kind])
    @handles_errors
    def command(
        unit: Annotated[str, typer.Argument(help="Mã đơn vị (kèm các đơn vị trực thuộc)")],
        year: Annotated[int | None, typer.Option(help="Năm của kỳ báo cáo (mặc định năm nay)")] = None,
        start: Annotated[str | None, typer.Option("--from", help="Từ ngày yyyy-mm-dd")] = None,
        end: Annotated[str | None, typer.Option("--to", help="Đến ngày yyyy-mm-dd")] = None,
        as_of: Annotated[str | None, typer.Option(help="Ngày đánh giá hồ sơ yyyy-mm-dd")] = None,
        output: Annotated[Path | None, typer.Option(help="Ghi tệp .xlsx hoặc .csv thay vì in ra")] = None,
        as_json: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        from assistant.reporting.tables import sheets_to_text
        from assistant.services.reports import Period

        reports = _personal().reports
        period = Period.of(_date(start), _date(end), year, reports.today())
        if output is not None:
            fmt = output.suffix.lstrip(".").lower()
            out = reports.export(OPERATOR, kind, unit, period, fmt, _date(as_of))
            output.write_bytes(out.data)
            console.print(f"Đã ghi {output} ({len(out.data):,} byte).")
            return
        view = reports.view(OPERATOR, kind, unit, period, _date(as_of))
        if as_json:
            echo_json(view.to_dict())
        else:
            sys.stdout.write(view.title + "\n\n" + sheets_to_text(view.sheets) + "\n")

    command.__name__ = f"report_{kind}"


for _kind in REPORT_HELP:
    _report_command(_kind)


@reports_app.command("personal-coverage")
@handles_errors
def personal_coverage(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị gốc (ví dụ DEMO-TINH)")],
    question: Annotated[
        str, typer.Option(help="Câu hỏi của cán bộ")
    ] = "Tôi cần chứng chỉ bồi dưỡng gì để đạt chuẩn chức danh hiện tại?",
    as_of: Annotated[str | None, typer.Option(help="Ngày đánh giá yyyy-mm-dd")] = None,
) -> None:
    """For every cadre of the unit, the personal answer to the question: how many are covered by a rule, and how
    many answers name requirement (quoted, cited), record evidence, gap and next step."""
    from assistant.services.reports import personal_coverage as measure

    echo_json(measure(_personal().reports, OPERATOR, unit, question, _date(as_of)))


def _date(text: str | None) -> date | None:

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise InvalidInput(f"Ngày không hợp lệ: {text} (dạng yyyy-mm-dd)") from e


if __name__ == "__main__":
    app()
