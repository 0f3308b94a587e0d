"""Demo accounts for the synthetic demo province — TÀI KHOẢN MẪU, never for real use.

Fixed, documented passwords so anyone trying the assistant can sign in; each account is flagged `demo`.
Idempotent: existing accounts are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.accounts.models import Role
from assistant.accounts.service import AccountService
from assistant.enrollment.engine import Status
from assistant.enrollment.service import EnrollmentService
from assistant.errors import InvalidInput, NotFound

DEMO_HR_UNIT = "DEMO-H1"  # UBND huyện Mẫu Một and its schools


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    unit_code: str | None = None
    cadre_code: str | None = None
    created: bool = False


def seed_demo_accounts(accounts: AccountService, enrollment: EnrollmentService) -> list[DemoAccount]:
    """An admin, an HR officer of DEMO-H1 and a cadre of that unit (the demo province must be loaded);
    refused when demo accounts are switched off (ASSISTANT_DEMO__ENABLED=false)."""
    accounts.require_demo_enabled()
    cadre = _instructive_cadre(enrollment)
    wanted = [
        DemoAccount("demo_admin", "demo-admin-2025", Role.ADMIN),
        DemoAccount("demo_hr", "demo-hr-2025", Role.HR, unit_code=DEMO_HR_UNIT),
        DemoAccount("demo_canbo", "demo-canbo-2025", Role.CADRE, cadre_code=cadre),
    ]
    out = []
    for a in wanted:
        existing = accounts.get_user(a.username)
        if existing is None:
            accounts.create_user(
                a.username,
                a.password,
                a.role,
                unit_code=a.unit_code,
                cadre_code=a.cadre_code,
                full_name=f"Tài khoản mẫu ({a.role.value})",
                demo=True,
            )
        else:
            a = DemoAccount(a.username, a.password, existing.role, existing.unit_code, existing.cadre_code)
        out.append(DemoAccount(a.username, a.password, a.role, a.unit_code, a.cadre_code, created=existing is None))
    return out


def _instructive_cadre(enrollment: EnrollmentService) -> str:
    """A cadre with something still to do, so the demo shows missing/overdue requirements next to the answer."""
    try:
        reports = enrollment.unit_report(DEMO_HR_UNIT)
    except NotFound as e:
        raise InvalidInput("Chưa nạp tỉnh mẫu (DỮ LIỆU MẪU); hãy nạp dữ liệu mẫu trước khi tạo tài khoản mẫu.") from e
    pending = (Status.MISSING, Status.OVERDUE)
    for r in reports:
        if any(s.status in pending for s in r.statuses):
            return r.cadre.code
    return reports[0].cadre.code
