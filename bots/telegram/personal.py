"""Telegram HTML for the personal view the API returns (`personal` in /ask and in a cadre's status).

The view is already worded for its reader ("anh/chị" or "cán bộ …"); this only lays it out: one block per
requirement — status and title, the clause quoted with its citation, what the record shows, the gap, the next step —
so `render.pack` never splits one requirement across messages while it fits.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

ICONS = {"met": "✅", "in_progress": "⏳", "missing": "❗", "overdue": "⛔"}


def _e(text: Any) -> str:
    return html.escape(str(text or ""), quote=False)


def item_block(item: Mapping[str, Any]) -> str:
    icon = ICONS.get(str(item.get("status")), "•")
    lines = [f"{icon} <b>{_e(item.get('status_label'))}</b>: {_e(item.get('title'))}"]
    lines.append(_e(item.get("requirement")))
    for q in item.get("quotes") or ():
        lines.append(f"<i>{_e(q.get('citation'))}</i>: «{_e(q.get('quote'))}»")
    for note in item.get("basis_notes") or ():
        lines.append(f"<i>⚠️ {_e(note)}</i>")
    for key in ("record", "gap"):
        if item.get(key):
            lines.append(_e(item[key]))
    if item.get("next_step"):
        lines.append(f"👉 <b>Bước tiếp theo:</b> {_e(item['next_step'])}")
    return "\n".join(lines)


def personal_blocks(view: Mapping[str, Any], *, heading: str = "📋 <b>Tình trạng đào tạo liên quan</b>") -> list[str]:
    """Heading with the lead sentence (and the plain 'no rule' note), then one block per requirement."""
    head = f"{heading}\n{_e(view.get('lead'))}"
    if view.get("coverage_note"):
        head += f"\n<i>{_e(view['coverage_note'])}</i>"
    items: Sequence[Mapping[str, Any]] = view.get("items") or ()
    return [head, *(item_block(i) for i in items)]
