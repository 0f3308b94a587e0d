"""Queries over the enrollment tables and the conversion of ORM rows into the engine's plain records."""

from __future__ import annotations

import logging
from collections import defaultdict

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from assistant.enrollment.engine import (
    CadreRecord,
    CertificateRecord,
    CommitmentRecord,
    EnrollmentRecord,
    TitleChange,
    TitleSpell,
)
from assistant.enrollment.models import Cadre, Enrollment, OrgUnit, StudyCommitment
from assistant.errors import NotFound

log = logging.getLogger("assistant.enrollment")
_WARNED: set[tuple[str, ...]] = set()
QUALIFICATION_FIELDS = ("education_level", "political_theory", "state_management", "foreign_language", "it_skill")


class UnitTree:
    """All units loaded once; subtree and ancestor look-ups in memory (a province has hundreds, not millions)."""

    def __init__(self, units: list[OrgUnit]) -> None:
        self.by_id = {u.id: u for u in units}
        self.by_code = {u.code: u for u in units}
        self.children: dict[int | None, list[OrgUnit]] = defaultdict(list)
        for u in units:
            self.children[u.parent_id].append(u)
        self.cyclic = self._cyclic()
        if self.cyclic:
            codes = tuple(sorted(self.by_id[i].code for i in self.cyclic))
            if codes not in _WARNED:  # once per process and set of units, not on every look-up
                _WARNED.add(codes)
                log.warning("unit tree has a cycle; units left out of every scope: %s", ", ".join(codes[:20]))

    def _cyclic(self) -> set[int]:
        """Units whose chain of parents never reaches a root (a cycle in bad data, or below one)."""
        rooted: set[int] = set()
        cyclic: set[int] = set()
        for start in self.by_id:
            chain: list[int] = []
            seen: set[int] = set()
            current: int | None = start
            while current is not None and current not in rooted and current not in cyclic:
                if current in seen or current not in self.by_id:
                    break
                seen.add(current)
                chain.append(current)
                current = self.by_id[current].parent_id
            loops = current is not None and (current in cyclic or current in seen)
            (cyclic if loops else rooted).update(chain)
        return cyclic

    @classmethod
    def load(cls, session: Session) -> UnitTree:
        return cls(list(session.scalars(select(OrgUnit).order_by(OrgUnit.code))))

    def get(self, code: str) -> OrgUnit:
        try:
            return self.by_code[code]
        except KeyError:
            raise NotFound(f"Không tìm thấy đơn vị mã '{code}'") from None

    def path(self, unit_id: int) -> tuple[OrgUnit, ...]:
        """Root first, the unit itself last; a cycle in bad data stops the walk instead of looping."""
        chain: list[OrgUnit] = []
        seen: set[int] = set()
        current: int | None = unit_id
        while current is not None and current not in seen:
            seen.add(current)
            unit = self.by_id[current]
            chain.append(unit)
            current = unit.parent_id
        return tuple(reversed(chain))

    def subtree(self, code: str) -> list[OrgUnit]:
        """The unit and every unit below it, depth first; units caught in a cycle belong to no subtree, so bad data
        can only narrow an HR officer's scope, never widen it."""
        out: list[OrgUnit] = []
        stack = [self.get(code)]
        seen: set[int] = set()
        while stack:
            unit = stack.pop()
            if unit.id in seen or unit.id in self.cyclic:
                continue
            seen.add(unit.id)
            out.append(unit)
            stack.extend(sorted(self.children.get(unit.id, []), key=lambda u: u.code, reverse=True))
        return out


def _cadre_query() -> Select[Cadre]:
    return select(Cadre).options(
        selectinload(Cadre.unit),
        selectinload(Cadre.certificates),
        selectinload(Cadre.enrollments).selectinload(Enrollment.course),
        selectinload(Cadre.commitments).selectinload(StudyCommitment.course),
        selectinload(Cadre.title_history),
    )


def find_cadre(session: Session, code: str) -> Cadre:
    cadre = session.scalars(_cadre_query().where(Cadre.code == code.strip())).first()
    if cadre is None:
        raise NotFound(f"Không tìm thấy cán bộ, công chức, viên chức mã '{code}'")
    return cadre


def cadres_in_units(session: Session, unit_ids: list[int]) -> list[Cadre]:
    if not unit_ids:
        return []
    return list(session.scalars(_cadre_query().where(Cadre.unit_id.in_(unit_ids)).order_by(Cadre.code)))


def to_record(cadre: Cadre, tree: UnitTree) -> CadreRecord:
    return CadreRecord(
        title_history=tuple(
            TitleSpell(h.title_code, h.since, TitleChange(h.change.value), h.title_name or "", h.title_rank)
            for h in cadre.title_history
        ),
        code=cadre.code,
        full_name=cadre.full_name,
        kind=cadre.kind,
        unit_path=tuple(u.code for u in tree.path(cadre.unit_id)),
        title_code=cadre.title_code,
        title_name=cadre.title_name,
        title_rank=cadre.title_rank,
        title_appointed_on=cadre.title_appointed_on,
        position=cadre.position,
        position_appointed_on=cadre.position_appointed_on,
        recruited_on=cadre.recruited_on,
        qualifications={f: getattr(cadre, f) for f in QUALIFICATION_FIELDS},
        education_major=cadre.education_major,
        certificates=tuple(
            CertificateRecord(c.cert_type, c.issued_on, c.number or "", c.name or "", c.expires_on)
            for c in cadre.certificates
        ),
        enrollments=tuple(_enrollment_record(e) for e in cadre.enrollments),
        commitments=tuple(
            CommitmentRecord(
                c.start_date,
                c.service_years,
                int(c.cost) if c.cost is not None else None,
                c.course.code if c.course else None,
            )
            for c in cadre.commitments
        ),
    )


def _enrollment_record(e: Enrollment) -> EnrollmentRecord:
    c = e.course
    return EnrollmentRecord(
        course_code=c.code,
        course_name=c.name,
        course_type=c.course_type,
        status=e.status,
        certificate_type=c.certificate_type,
        course_hours=c.hours,
        hours_earned=e.hours_earned,
        start_date=c.start_date,
        end_date=c.end_date,
        completed_on=e.completed_on,
        certificate_number=e.certificate_number,
        certificate_date=e.certificate_date,
    )
