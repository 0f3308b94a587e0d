// The personal view the API returns (`personal` in /ask and in a cadre's status), rendered as cards: for each
// requirement its status, the clause quoted with its citation, what the record shows, the gap and the next step.
// The wording ("anh/chị" or "cán bộ …") comes from the API, so the web page, the bot and the CLI read the same.

import { formatDate, h, requirementBadge } from "./ui.js";

export function personalView(view) {
  return h(
    "section.personal",
    {},
    h("p.summary", {}, view.lead),
    view.coverage_note ? h("p.note", { role: "note" }, view.coverage_note) : null,
    view.items.length ? h("ul.requirements", {}, view.items.map(personalItem)) : null,
  );
}

function personalItem(item) {
  return h(
    "li.requirement",
    { dataset: { rule: item.rule_id, status: item.status } },
    h("p.requirement-title", {}, requirementBadge(item), " ", item.title, item.due_date && item.status !== "met" ? ` — hạn ${formatDate(item.due_date)}` : ""),
    h("p", {}, item.requirement),
    item.quotes.map((q) => h("blockquote.clause", {}, h("cite", {}, q.citation), ": «", q.quote, "»")),
    (item.basis_notes || []).length ? h("ul.notes", {}, item.basis_notes.map((n) => h("li", {}, n))) : null,
    h(
      "dl.meta",
      {},
      h("dt", {}, "Hồ sơ"), h("dd.record", {}, item.record),
      h("dt", {}, "Còn thiếu"), h("dd.gap", {}, item.gap),
      h("dt", {}, "Bước tiếp theo"), h("dd.next-step", {}, item.next_step),
    ),
  );
}
