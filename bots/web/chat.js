// The chat page: ask, see the quoted clauses arrive one by one, open each in its article, pick a cadre of one's
// own units and see that cadre's training status. The API answers in one piece (no streaming endpoint), so the
// page reveals the answer's quote blocks one after another as they are rendered.

import { api, docPath, download } from "./api.js";
import { start } from "./auth.js";
import { personalView } from "./personal.js";
import {
  $,
  clear,
  formatDate,
  h,
  requirementBadge,
  sleep,
  validityBadges,
} from "./ui.js";

const REVEAL_MS = matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 180;
const RELATION_LABELS = {
  amends: "Sửa đổi, bổ sung",
  amended_by: "Được sửa đổi, bổ sung bởi",
  replaces: "Thay thế",
  replaced_by: "Được thay thế bởi",
  repeals: "Bãi bỏ",
  repealed_by: "Bị bãi bỏ bởi",
};

const state = { me: null, cadres: new Map(), documents: new Map() };

start({ roles: ["hr", "admin", "cadre"], onReady });

function onReady(me) {
  state.me = me;
  $("#admin-link").hidden = me.role !== "admin";
  $("#reports-link").hidden = !["hr", "admin"].includes(me.role);
  setupTabs();
  setupComposer();
  if (me.role === "hr") loadCadres();
  if (me.role === "cadre" && me.cadre_code) showCadre(me.cadre_code, { focus: false });
  $("#question").focus();
}

// ------------------------------------------------------------------------------------------------ cadre picker

async function loadCadres() {
  const picker = $("#cadre-picker");
  $("#cadre-bar").hidden = false;
  try {
    const cadres = await api("/cadres"); // the API already limits the list to the HR officer's units
    const groups = new Map();
    for (const c of cadres) {
      state.cadres.set(c.code, c);
      if (!groups.has(c.unit_name)) groups.set(c.unit_name, []);
      groups.get(c.unit_name).push(c);
    }
    for (const [unit, members] of groups) {
      picker.append(
        h("optgroup", { label: unit }, members.map((c) => h("option", { value: c.code }, `${c.full_name} — ${c.code}`))),
      );
    }
    $("#cadre-count").textContent = `${cadres.length} cán bộ thuộc phạm vi của anh/chị`;
  } catch (e) {
    $("#cadre-count").textContent = e.message;
  }
  picker.addEventListener("change", () => {
    if (picker.value) showCadre(picker.value, { focus: false, reveal: true });
  });
}

// ------------------------------------------------------------------------------------------------ asking

function setupComposer() {
  const form = $("#ask-form");
  const question = $("#question");
  question.addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter is a new line; never while an input method (Telex, VNI) is composing a letter.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = question.value.trim();
    if (!text) return;
    question.value = "";
    ask(text);
  });
}

async function ask(question) {
  const cadreCode = $("#cadre-picker").value || undefined;
  const messages = $("#messages");
  const cadre = cadreCode ? state.cadres.get(cadreCode) : null;
  messages.append(
    h("li.msg.msg-user", {}, h("p", {}, question), cadre ? h("p.muted", {}, `Cho cán bộ: ${cadre.full_name}`) : null),
  );
  const reply = h("li.msg.msg-bot", { "aria-busy": "true" }, h("p.muted.thinking", {}, "Đang tra cứu quy định…"));
  messages.append(reply);
  reply.scrollIntoView({ block: "end" });
  const send = $("#send");
  send.disabled = true;
  try {
    const answer = await api("/ask", { method: "POST", json: { question, cadre_code: cadreCode } });
    await renderAnswer(reply, answer);
  } catch (e) {
    clear(reply, h("p.error", { role: "alert" }, e.message));
  } finally {
    reply.removeAttribute("aria-busy");
    send.disabled = false;
  }
}

async function renderAnswer(reply, answer) {
  clear(reply);
  if (answer.abstained) {
    reply.classList.add("abstained");
    reply.append(h("p", {}, answer.answer));
  } else {
    const warnings = validityWarnings(answer.quotes);
    if (warnings.length) {
      // text not (or maybe not) in force: its one warning per document comes before any quote
      reply.append(h("div.validity-warnings", { role: "note" }, warnings.map((w) => h("p", {}, w))));
    }
    reply.append(h("p.lead", {}, answer.quotes.length > 1 ? "Các quy định liên quan:" : "Quy định liên quan:"));
    for (const quote of answer.quotes) {
      await sleep(REVEAL_MS);
      reply.append(quoteBlock(quote));
      reply.scrollIntoView({ block: "end" });
    }
  }
  if (answer.cadre_code) reply.append(await statusBlock(answer));
  reply.append(feedbackBar(answer.trace_id));
}

/** The validity warnings of the quoted documents, one per document, in quote order (the API sets `warning` on a
 * document's first quote only). */
function validityWarnings(quotes) {
  const seen = new Set();
  const out = [];
  for (const q of quotes) {
    if (q.warning && !seen.has(q.doc_number)) {
      seen.add(q.doc_number);
      out.push(q.warning);
    }
  }
  return out;
}

function quoteBlock(quote) {
  const notes = (quote.notes || []).filter((n) => n !== quote.warning); // the warning already leads the answer
  const badges = h("span.badges", {});
  documentDetail(quote.doc_number)
    .then((doc) => badges.append(...validityBadges(doc)))
    .catch(() => {});
  return h(
    "article.quote",
    { dataset: { unit: quote.unit_id } },
    h("header", {}, h("h3.citation", {}, quote.citation), badges),
    h("blockquote", {}, quote.text),
    notes.length ? h("ul.notes", {}, notes.map((n) => h("li", {}, n))) : null,
    h("button.link", { type: "button", onclick: () => openCitation(quote) }, "Xem trong văn bản"),
  );
}

async function statusBlock(answer) {
  const cadre = state.cadres.get(answer.cadre_code);
  const name = cadre ? cadre.full_name : answer.cadre_code;
  const block = h("section.status-block", {}, h("h3", {}, `Tình trạng đào tạo của ${name}`));
  if (answer.personal) block.append(personalView(answer.personal));
  else if (answer.status_summary) block.append(h("p", {}, answer.status_summary));
  if (!answer.personal && answer.statuses.length) {
    block.append(
      h(
        "ul.plain",
        {},
        answer.statuses.map((s) => h("li", {}, requirementBadge(s), " ", s.title, s.due_date ? ` — hạn ${formatDate(s.due_date)}` : "")),
      ),
    );
  }
  block.append(h("button.link", { type: "button", onclick: () => showCadre(answer.cadre_code) }, "Xem đầy đủ tình trạng"));
  return block;
}

function feedbackBar(traceId) {
  const status = h("span.muted", { role: "status", "aria-live": "polite" });
  const comment = h("input", { type: "text", maxlength: "2000", "aria-label": "Góp ý thêm (không bắt buộc)", placeholder: "Góp ý thêm (không bắt buộc)", hidden: true });
  const buttons = [];
  const send = async (helpful) => {
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.helpful === String(helpful))));
    try {
      const body = await api("/feedback", {
        method: "POST",
        json: { trace_id: traceId, helpful, comment: comment.value.trim() },
      });
      status.textContent = body.message;
      comment.hidden = helpful;
    } catch (e) {
      status.textContent = e.message;
    }
  };
  buttons.push(
    h("button.icon", { type: "button", "aria-pressed": "false", dataset: { helpful: "true" }, onclick: () => send(true) }, h("span", { "aria-hidden": "true" }, "👍 "), "Hữu ích"),
    h("button.icon", { type: "button", "aria-pressed": "false", dataset: { helpful: "false" }, onclick: () => send(false) }, h("span", { "aria-hidden": "true" }, "👎 "), "Không hữu ích"),
  );
  comment.addEventListener("keydown", (event) => {
    if (event.key === "Enter") send(false);
  });
  return h("footer.feedback", {}, ...buttons, comment, status, h("small.trace", {}, `Mã tra cứu ${traceId}`));
}

// ------------------------------------------------------------------------------------------------ citations panel

function documentDetail(number) {
  if (!state.documents.has(number)) {
    const pending = api(`/documents/${docPath(number)}`);
    pending.catch(() => state.documents.delete(number));
    state.documents.set(number, pending);
  }
  return state.documents.get(number);
}

async function openCitation(quote) {
  const panel = $("#panel-citation");
  selectTab("citation");
  clear(panel, h("p.muted", {}, "Đang tải văn bản…"));
  try {
    const doc = await documentDetail(quote.doc_number);
    clear(panel, citationView(doc, quote));
  } catch (e) {
    clear(panel, h("p.error", { role: "alert" }, e.message));
  }
  const heading = panel.querySelector("h2");
  (heading || panel).focus();
}

function citationView(doc, quote) {
  const article = doc.structure.find((a) => a.number === quote.article);
  const articleId = quote.unit_id.split(":").slice(0, 2).join(":");
  const unit = doc.units.find((u) => u.unit_id === articleId);
  const heading = unit?.heading || (article ? `Điều ${article.number}. ${article.title}` : `Điều ${quote.article}`);
  const where = [article?.chapter, article?.section].filter(Boolean).join(" › ");
  const position = [quote.point && `Điểm ${quote.point}`, quote.clause && `Khoản ${quote.clause}`]
    .filter(Boolean)
    .join(", ");
  return h(
    "div.citation-view",
    {},
    h("h2", { tabindex: "-1" }, `${doc.doc_type} số ${doc.number}`),
    h("p.doc-title", {}, doc.title),
    h("p.badges", {}, validityBadges(doc)),
    h(
      "dl.meta",
      {},
      h("dt", {}, "Cơ quan ban hành"), h("dd", {}, doc.issuer || "—"),
      h("dt", {}, "Ngày ban hành"), h("dd", {}, formatDate(doc.issued_date)),
      h("dt", {}, "Hiệu lực từ"), h("dd", {}, formatDate(doc.effective_date)),
      h("dt", {}, "Tình trạng"), h("dd", {}, doc.validity?.badge || doc.status_label),
    ),
    doc.validity?.note ? h("p.note.validity-note", {}, doc.validity.note) : null,
    doc.completeness_note ? h("p.note", {}, doc.completeness_note) : null,
    h(
      "section.article",
      { "aria-label": heading },
      where ? h("p.where", {}, where) : null,
      h("h3", {}, heading),
      articleBody(unit, quote, article, position),
    ),
    doc.relations.length
      ? h(
          "section.relations",
          {},
          h("h3", {}, "Quan hệ với văn bản khác"),
          h("ul.plain", {}, doc.relations.map((r) => h("li", {}, `${RELATION_LABELS[r.kind] || r.kind} ${r.target}`))),
        )
      : null,
  );
}

/** The article with the quoted clause marked; the whole article text when the API provides it. */
function articleBody(unit, quote, article, position) {
  const text = unit?.text;
  if (text && text.includes(quote.text)) {
    const at = text.indexOf(quote.text);
    return h("div.article-text", {}, text.slice(0, at), h("mark", {}, quote.text), text.slice(at + quote.text.length));
  }
  const size = article && article.clauses ? `${article.clauses} khoản` : "";
  return h(
    "div.article-text",
    {},
    h("p.muted", {}, [position ? `Đoạn được trích: ${position}` : "Đoạn được trích", size && ` (điều này có ${size})`].join("")),
    h("mark.block", {}, quote.text),
  );
}

// ------------------------------------------------------------------------------------------------ cadre status

async function showCadre(code, { focus = true, reveal = false } = {}) {
  const panel = $("#panel-cadre");
  selectTab("cadre", { focus: false });
  clear(panel, h("p.muted", {}, "Đang tải tình trạng đào tạo…"));
  if (reveal) revealPanel(panel);
  try {
    const report = await api(`/cadres/${encodeURIComponent(code)}/status`);
    clear(panel, cadreView(report));
  } catch (e) {
    clear(panel, h("p.error", { role: "alert" }, e.message));
  }
  if (focus) (panel.querySelector("h2") || panel).focus();
  if (reveal) revealPanel(panel);
}

/** On a phone the side panel sits below the whole chat: bring it into view when the user asked for it. */
function revealPanel(panel) {
  const box = panel.getBoundingClientRect();
  if (box.top < 0 || box.top > window.innerHeight * 0.6) {
    const tabs = document.querySelector(".side .tabs") || panel;
    tabs.scrollIntoView({ block: "start", behavior: REVEAL_MS ? "smooth" : "auto" });
  }
}

function cadreView(report) {
  const c = report.cadre;
  const canExport = ["hr", "admin"].includes(state.me?.role); // a cadre's own page has no report to export
  const exportStatus = h("span.muted", { role: "status", "aria-live": "polite" });
  const exportButton = (format) =>
    h(
      "button.secondary",
      {
        type: "button",
        onclick: async () => {
          exportStatus.textContent = "Đang tạo báo cáo…";
          try {
            await download(`/reports/units/${encodeURIComponent(c.unit_code)}?format=${format}`, `bao-cao-${c.unit_code}.${format}`);
            exportStatus.textContent = "Đã tải báo cáo.";
          } catch (e) {
            exportStatus.textContent = e.message;
          }
        },
      },
      `Tải báo cáo đơn vị (${format.toUpperCase()})`,
    );
  return h(
    "div.cadre-view",
    {},
    h("h2", { tabindex: "-1" }, c.full_name),
    h("p.muted", {}, [c.kind_label, c.position, c.title_name].filter(Boolean).join(" · ")),
    h("p", {}, c.unit_path.concat(c.unit_path.at(-1) === c.unit_name ? [] : [c.unit_name]).join(" › ")),
    report.personal ? null : h("p.summary", {}, report.summary),
    h("p.muted", {}, `Tính đến ngày ${formatDate(report.as_of)}`),
    report.personal ? personalView(report.personal) : report.statuses.length ? statusTable(report.statuses) : null,
    report.enrollments.length
      ? h(
          "section",
          {},
          h("h3", {}, "Khóa học đã ghi danh"),
          h("ul.plain", {}, report.enrollments.map((e) => h("li", {}, `${e.course_name || e.course_code}: ${e.status_label || "—"}`, e.completed_on ? ` (hoàn thành ${formatDate(e.completed_on)})` : ""))),
        )
      : null,
    canExport
      ? h(
          "div.exports",
          {},
          h("p.muted", {}, `Báo cáo của đơn vị ${c.unit_name}:`),
          exportButton("csv"),
          exportButton("xlsx"),
          h("a.button-link", { href: "reports.html" }, "Kế hoạch và báo cáo các đơn vị"),
          exportStatus,
        )
      : null,
  );
}

/** One card per requirement: a table would need five columns, too many for the side panel or a phone. */
function statusTable(statuses) {
  return h(
    "section",
    {},
    h("h3", {}, "Các yêu cầu đào tạo, bồi dưỡng"),
    h(
      "ul.requirements",
      {},
      statuses.map((s) =>
        h(
          "li.requirement",
          {},
          h("p.requirement-title", {}, requirementBadge(s), " ", s.title, s.progress ? ` (${s.progress[0]}/${s.progress[1]})` : ""),
          s.detail ? h("p.muted", {}, s.detail) : null,
          h(
            "dl.meta",
            {},
            h("dt", {}, "Hạn"), h("dd", {}, formatDate(s.due_date)),
            h("dt", {}, "Bằng chứng"),
            h("dd", {}, s.evidence.length ? h("ul.plain", {}, s.evidence.map((e) => h("li", { class: e.counts ? "" : "muted" }, e.label, e.on ? ` (${formatDate(e.on)})` : ""))) : "Chưa có"),
            h("dt", {}, "Căn cứ"), h("dd", {}, s.citation || "—"),
          ),
        ),
      ),
    ),
  );
}

// ------------------------------------------------------------------------------------------------ tabs

function setupTabs() {
  const tabs = [...document.querySelectorAll("[role=tab]")];
  for (const tab of tabs) {
    tab.addEventListener("click", () => selectTab(tab.id.replace("tab-", "")));
    tab.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
      const next = tabs[(tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      selectTab(next.id.replace("tab-", ""));
    });
  }
}

function selectTab(name, { focus = true } = {}) {
  for (const tab of document.querySelectorAll("[role=tab]")) {
    const selected = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(`#${tab.getAttribute("aria-controls")}`).hidden = !selected;
    if (selected && focus && document.activeElement?.getAttribute("role") === "tab") tab.focus();
  }
}
