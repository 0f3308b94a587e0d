"""Who may see which cadre: a cadre their own record, HR their unit's subtree, an admin everyone.

Out-of-scope and non-existent cadres give the same refusal to non-admins, so codes cannot be enumerated.
"""

from __future__ import annotations

from assistant.accounts.errors import NotAuthenticated
from assistant.accounts.models import Role
from assistant.accounts.principal import Principal
from assistant.enrollment.service import EnrollmentService
from assistant.errors import NotFound, PermissionDenied

NOT_YOURS = "Anh/chị không có quyền xem hoặc thay đổi hồ sơ của cán bộ này."
NOT_YOUR_UNIT = "Anh/chị không có quyền với đơn vị này (chỉ đơn vị mình và các đơn vị trực thuộc)."
ROLE_NAMES = {Role.CADRE: "cán bộ", Role.HR: "cán bộ tổ chức (HR)", Role.ADMIN: "quản trị"}


class Scope:
    def __init__(self, enrollment: EnrollmentService) -> None:
        self.enrollment = enrollment

    def require_role(self, p: Principal, *roles: Role) -> None:
        if not p.authenticated:
            raise NotAuthenticated("Vui lòng đăng nhập (hoặc gửi khóa API) để dùng chức năng này.")
        if p.role not in roles:
            wanted = ", ".join(ROLE_NAMES[r] for r in roles)
            raise PermissionDenied(f"Chức năng này chỉ dành cho: {wanted}.")

    def require_service(self, p: Principal) -> None:
        if p.service is None:
            if not p.authenticated:
                raise NotAuthenticated("Chức năng này cần khóa API của dịch vụ (bot).")
            raise PermissionDenied("Chức năng này chỉ dành cho dịch vụ (bot) có khóa API.")

    def units(self, p: Principal) -> set[str]:
        """Unit codes an HR principal manages (their unit and every unit below it)."""
        if p.unit_code is None:
            return set()
        try:
            return {u.code for u in self.enrollment.units_under(p.unit_code)}
        except NotFound:
            return set()

    def require_unit(self, p: Principal, unit_code: str) -> None:
        self.require_role(p, Role.HR, Role.ADMIN)
        if p.role is Role.HR and unit_code not in self.units(p):
            raise PermissionDenied(NOT_YOUR_UNIT)

    def can_see_cadre(self, p: Principal, code: str) -> bool:
        code = code.strip()
        if p.role is Role.ADMIN:
            return True
        if p.role is Role.CADRE:
            return p.cadre_code is not None and p.cadre_code == code
        if p.role is Role.HR:
            try:
                unit = self.enrollment.get_cadre(code).unit_code
            except NotFound:
                return False
            return unit in self.units(p)
        return False

    def require_cadre(self, p: Principal, code: str) -> None:
        if not p.authenticated:
            raise NotAuthenticated("Vui lòng đăng nhập để xem hồ sơ cán bộ.")
        if not self.can_see_cadre(p, code):
            raise PermissionDenied(NOT_YOURS)
