// The administrators' pages: the document catalogue, upload → preview → commit, the re-index job's live
// progress and result, status and relations, rollback, and the questions the assistant could not answer.

import { api, docPath } from "./api.js";
import { start } from "./auth.js";
import { $, announce, badge, clear, formatTime, h, sleep, validityBadges } from "./ui.js";

const STATUSES = {
  con_hieu_luc: "Còn hiệu lực",
  het_hieu_luc: "Hết hiệu lực",
  het_hieu_luc_mot_phan: "Hết hiệu lực một phần",
  chua_co_hieu_luc: "Chưa có hiệu lực",
  khong_ro: "Không rõ",
};
const COMPLETENESS = { full: "Toàn văn", codified: "Các điều đã pháp điển", partial: "Một phần văn bản" };
const RELATIONS = {
  amends: "Sửa đổi, bổ sung",
  amended_by: "Được sửa đổi, bổ sung bởi",
  replaces: "Thay thế",
  replaced_by: "Được thay thế bởi",
  repeals: "Bãi bỏ",
  repealed_by: "Bị bãi bỏ bởi",
};
const PHASES = { "": "Đang chuẩn bị", lexical: "Lập chỉ mục từ khóa", embed: "Tính véc-tơ ngữ nghĩa", store: "Ghi chỉ mục" };
const JOB_KINDS = {
  commit: "Thêm văn bản",
  update: "Sửa văn bản",
  delete: "Rút văn bản",
  restore: "Khôi phục văn bản",
  reindex: "Lập lại toàn bộ",
};
const POLL_MS = 300;
const CHANGES = {
  withdrawn: "đã rút khỏi kho (xem «Văn bản đã rút» để khôi phục)",
  already_absent: "không còn trong kho",
  restored: "đã đưa trở lại kho",
  reverted: "đã trở về phiên bản trước",
  not_restorable: "không tìm thấy phiên bản cũ; giữ phiên bản hiện có",
};

let editing = null; // the document number being edited
let upload = null; // the preview being confirmed

start({ roles: ["admin"], onReady });

function onReady() {
  fillSelect($("#edit-status"), STATUSES);
  fillSelect($("#meta-status"), STATUSES);
  fillSelect($("#meta-completeness"), COMPLETENESS);
  $("#upload-form").addEventListener("submit", onUpload);
  $("#preview").addEventListener("submit", onCommit);
  $("#preview-cancel").addEventListener("click", closePreview);
  for (const id of ["#meta-doc_type", "#meta-number"]) $(id).addEventListener("input", updateCitationExample);
  $("#edit-form").addEventListener("submit", onEdit);
  $("#edit-cancel").addEventListener("click", closeEdit);
  $("#add-relation").addEventListener("click", () => {
    const row = relationRow();
    $("#relations").append(row);
    row.querySelector("select").focus();
  });
  setupRollback();
  $("#feedback-filter").addEventListener("change", loadFeedback);
  refresh();
}

function refresh() {
  return Promise.all([loadDocuments(), loadWithdrawn(), loadIndex(), loadJobs(), loadUnanswered(), loadFeedback()]);
}

/** Who did it, in Vietnamese: "anonymous", "user:…", "bot:…/tg:…", "cli:…" are the log's words, not the reader's. */
function askerLabel(asker) {
  if (!asker || asker === "anonymous") return "Khách (chưa đăng nhập)";
  if (asker.startsWith("user:")) return asker.slice(5);
  const tg = asker.match(/^bot:[^/]+\/tg:(\d+)$/);
  if (tg) return `Telegram ${tg[1]}`;
  if (asker.startsWith("bot:")) return "Bot Telegram (nhóm)";
  if (asker.startsWith("cli:")) return "Dòng lệnh trên máy chủ";
  return asker;
}

function fillSelect(select, options) {
  clear(select, Object.entries(options).map(([value, label]) => h("option", { value }, label)));
}

// ------------------------------------------------------------------------------------------------ catalogue

async function loadDocuments() {
  const body = $("#documents tbody");
  try {
    const docs = await api("/documents");
    clear(
      body,
      docs.map((d) =>
        h(
          "tr",
          { dataset: { number: d.number } },
          h("td", { "data-label": "Số hiệu" }, d.number),
          h("td", { "data-label": "Tên văn bản" }, docTitle(d)),
          h("td", { "data-label": "Hiệu lực" }, validityBadges({ validity: d.validity, status_label: d.status_label })),
          h("td", { "data-label": "Mức đầy đủ" }, COMPLETENESS[d.completeness] || d.completeness),
          h("td", { "data-label": "Số điều" }, String(d.articles)),
          h("td", { "data-label": "Chỉ mục" }, d.indexed ? badge("đã lập chỉ mục", "ok") : badge("chưa lập chỉ mục", "warn")),
          h(
            "td",
            { "data-label": "Thao tác" },
            h("button.secondary", { type: "button", "aria-label": `Sửa hiệu lực, quan hệ của ${d.number}`, onclick: () => openEdit(d.number) }, "Sửa"),
            " ",
            withdrawControl(d.number),
          ),
        ),
      ),
    );
    announce($("#documents-status"), `${docs.length} văn bản.`);
  } catch (e) {
    announce($("#documents-status"), e.message, "error");
  }
}

/** "Rút khỏi kho" asks once, then withdraws: the document leaves this and every later build until restored. */
function withdrawControl(number) {
  const ask = h("button.danger", { type: "button", "aria-label": `Rút văn bản ${number} khỏi kho` }, "Rút khỏi kho");
  const confirm = h(
    "span.confirm",
    { hidden: true },
    h("span", {}, `Rút ${number}: không còn được dùng để trả lời, kể cả sau khi lập chỉ mục lại. Tiếp tục?`),
    h("button.danger", { type: "button", onclick: () => withdraw(number) }, "Xác nhận rút"),
    h("button.secondary", { type: "button", onclick: () => { confirm.hidden = true; ask.hidden = false; ask.focus(); } }, "Hủy"),
  );
  ask.addEventListener("click", () => {
    ask.hidden = true;
    confirm.hidden = false;
    confirm.querySelector("button.secondary").focus();
  });
  return h("span", {}, ask, confirm);
}

async function withdraw(number) {
  try {
    const job = await api(`/admin/documents/${docPath(number)}`, { method: "DELETE" });
    await trackJob(job);
  } catch (e) {
    announce($("#documents-status"), e.message, "error");
  }
}

async function loadWithdrawn() {
  const list = $("#withdrawn");
  try {
    const docs = await api("/admin/withdrawn");
    $("#withdrawn-section").hidden = !docs.length;
    clear(
      list,
      docs.map((d) =>
        h(
          "li",
          { dataset: { number: d.number } },
          h("strong", {}, d.number), ` — ${docTitle(d)} `,
          h("button.secondary", { type: "button", "aria-label": `Khôi phục ${d.number}`, onclick: () => restore(d.number) }, "Khôi phục"),
        ),
      ),
    );
  } catch (e) {
    announce($("#documents-status"), e.message, "error");
  }
}

async function restore(number) {
  try {
    await trackJob(await api(`/admin/withdrawn/${docPath(number)}/restore`, { method: "POST" }));
  } catch (e) {
    announce($("#documents-status"), e.message, "error");
  }
}

/** "Luật Viên chức" stays as it is; "Quy định mã số …" becomes "Thông tư Quy định mã số …". */
function docTitle(d) {
  return !d.doc_type || d.title.startsWith(d.doc_type) ? d.title : `${d.doc_type} ${d.title}`;
}

// ------------------------------------------------------------------------------------------------ status and relations

async function openEdit(number) {
  const doc = await api(`/documents/${docPath(number)}`);
  editing = doc.number;
  const form = $("#edit-form");
  form.hidden = false;
  $("#edit-title").textContent = `Sửa hiệu lực và quan hệ — ${doc.number}`;
  $("#edit-status").value = doc.status;
  $("#edit-source").value = "";
  clear($("#relations"), doc.relations.map(relationRow));
  $("#edit-title").focus();
}

let relationCount = 0;

function relationRow(r = { kind: "amended_by", target: "", note: "" }) {
  const n = ++relationCount;
  const kind = h("select", { id: `rel-kind-${n}`, name: "kind" }, Object.entries(RELATIONS).map(([v, l]) => h("option", { value: v }, l)));
  kind.value = r.kind;
  const row = h(
    "div.relation-row",
    {},
    h("div", {}, h("label", { for: `rel-kind-${n}` }, "Loại quan hệ"), kind),
    h("div", {}, h("label", { for: `rel-target-${n}` }, "Số hiệu văn bản"), h("input", { id: `rel-target-${n}`, name: "target", value: r.target, maxlength: "64", required: true })),
    h("div", {}, h("label", { for: `rel-note-${n}` }, "Ghi chú"), h("input", { id: `rel-note-${n}`, name: "note", value: r.note, maxlength: "500" })),
    h("button.secondary", { type: "button", onclick: () => row.remove() }, "Xóa"),
  );
  return row;
}

async function onEdit(event) {
  event.preventDefault();
  const relations = [...$("#relations").querySelectorAll(".relation-row")].map((row) => ({
    kind: row.querySelector("[name=kind]").value,
    target: row.querySelector("[name=target]").value.trim(),
    note: row.querySelector("[name=note]").value.trim(),
  }));
  const json = { status: $("#edit-status").value, relations };
  const source = $("#edit-source").value.trim();
  if (source) json.status_source = source;
  try {
    const job = await api(`/admin/documents/${docPath(editing)}`, { method: "PATCH", json });
    closeEdit();
    await trackJob(job);
  } catch (e) {
    announce($("#documents-status"), e.message, "error");
  }
}

function closeEdit() {
  $("#edit-form").hidden = true;
  editing = null;
}

// ------------------------------------------------------------------------------------------------ upload → preview → commit

async function onUpload(event) {
  event.preventDefault();
  const file = $("#upload-file").files[0];
  const status = $("#upload-status");
  if (!file) return announce(status, "Hãy chọn một tệp.", "error");
  const form = new FormData();
  form.append("file", file);
  announce(status, `Đang đọc ${file.name}…`);
  try {
    upload = await api("/admin/documents/preview", { method: "POST", form });
    showPreview(upload);
    announce(status, `Đã đọc ${file.name}: ${upload.structure.length} điều. Kiểm tra rồi xác nhận.`, "ok");
  } catch (e) {
    announce(status, e.message, "error");
  }
}

function showPreview(p) {
  const doc = p.document;
  clear($("#preview-warnings"), p.warnings.map((w) => h("li", {}, w)));
  showCitationExample(p.citation_example);
  clear($("#preview-tree"), structureTree(p.structure));
  for (const field of ["number", "doc_type", "title", "issuer", "issued_date", "effective_date", "status", "completeness"]) {
    $(`#meta-${field}`).value = doc[field] || "";
  }
  $("#meta-completeness_note").value = "";
  $("#meta-source").value = "";
  $("#preview").hidden = false;
  $("#citation-warning").hidden = Boolean(doc.doc_type);
  $("#preview-title").focus();
}

/** Chương → Điều (khoản, điểm), as the parser read it. */
function structureTree(articles) {
  const chapters = [];
  for (const a of articles) {
    const name = [a.chapter, a.section].filter(Boolean).join(" › ") || "(Không thuộc chương nào)";
    if (!chapters.length || chapters.at(-1).name !== name) chapters.push({ name, articles: [] });
    chapters.at(-1).articles.push(a);
  }
  if (!chapters.length) return [h("li.muted", {}, "Không nhận ra điều khoản nào.")];
  return chapters.map((c) =>
    h(
      "li",
      {},
      h("span.chapter", {}, c.name),
      h(
        "ul",
        {},
        c.articles.map((a) => {
          const parts = [a.clauses && `${a.clauses} khoản`, a.points && `${a.points} điểm`, `${a.chars} ký tự`].filter(Boolean);
          return h("li", {}, `Điều ${a.number}. ${a.title}`, h("span.muted", {}, ` — ${parts.join(", ")}`));
        }),
      ),
    ),
  );
}

async function onCommit(event) {
  event.preventDefault();
  const corrections = {};
  for (const field of ["number", "doc_type", "title", "issuer", "issued_date", "effective_date", "status", "completeness", "completeness_note", "source"]) {
    const value = $(`#meta-${field}`).value.trim();
    if (value) corrections[field] = value;
  }
  try {
    const job = await api(`/admin/documents/${encodeURIComponent(upload.upload_id)}/commit`, { method: "POST", json: corrections });
    closePreview();
    await trackJob(job);
  } catch (e) {
    announce($("#upload-status"), e.message, "error");
  }
}

/** How answers will cite the document, updated as the administrator fills in the type and number. */
function showCitationExample(example) {
  const out = $("#citation-example");
  out.textContent = example || "—";
}

function updateCitationExample() {
  if (!upload) return;
  const type = $("#meta-doc_type").value.trim();
  const number = $("#meta-number").value.trim();
  const first = upload.structure[0]?.number || "1";
  showCitationExample(number ? `Điều ${first} ${type ? `${type} ` : ""}số ${number}` : "");
  $("#citation-warning").hidden = Boolean(type);
}

function closePreview() {
  $("#preview").hidden = true;
  $("#upload-form").reset();
  upload = null;
}

// ------------------------------------------------------------------------------------------------ job progress

async function trackJob(job) {
  const section = $("#job");
  const progress = $("#job-progress");
  const status = $("#job-status");
  section.hidden = false;
  clear($("#job-result"));
  announce(status, "Đang chuẩn bị…"); // never the previous job's outcome
  $("#job-title").textContent = `${JOB_KINDS[job.kind] || job.kind}${job.target ? ` — ${job.target}` : ""}`;
  section.scrollIntoView({ block: "nearest" });
  $("#job-title").focus();
  while (job.status === "queued" || job.status === "running") {
    progress.max = Math.max(job.total, 1);
    progress.value = job.done;
    const count = job.total ? ` ${job.done}/${job.total}` : "";
    announce(status, `${PHASES[job.phase] || job.phase}…${count}`);
    await sleep(POLL_MS);
    job = await api(`/admin/jobs/${encodeURIComponent(job.id)}`);
  }
  progress.max = 1;
  progress.value = 1;
  showResult(job);
  await refresh();
  return job;
}

function showResult(job) {
  const status = $("#job-status");
  if (job.status === "failed") {
    announce(status, `Lập chỉ mục thất bại: ${job.error || "không rõ lỗi"}. Chỉ mục đang phục vụ không thay đổi.`, "error");
    return;
  }
  const r = job.result || {};
  announce(status, "Đã lập chỉ mục xong; câu hỏi mới được trả lời bằng chỉ mục mới.", "ok");
  const cell = (label, value) => h("div", {}, h("span.count", {}, String(value ?? 0)), label);
  clear(
    $("#job-result"),
    cell("đã lập chỉ mục", r.indexed),
    cell("bỏ qua (không đổi)", r.skipped),
    cell("lỗi", r.failed),
    r.failures?.length ? h("ul.warnings", {}, r.failures.map((f) => h("li", {}, typeof f === "string" ? f : JSON.stringify(f)))) : null,
  );
}

// ------------------------------------------------------------------------------------------------ index and rollback

async function loadIndex() {
  try {
    const info = await api("/admin/index");
    const rows = (info.generations || []).slice().reverse().map((g) =>
      h("li", {}, g.id === info.current ? badge("đang phục vụ", "ok") : null, ` ${g.id} — ${g.documents} văn bản, ${g.units} điều (${formatTime(g.created)})`),
    );
    clear($("#index-info"), h("p", {}, "Thế hệ đang phục vụ: ", h("strong", { id: "current-generation" }, info.current || "chưa có")), h("ul.plain", {}, rows));
  } catch (e) {
    announce($("#index-status"), e.message, "error");
  }
}

function setupRollback() {
  const button = $("#rollback");
  const confirm = $("#rollback-confirm");
  button.addEventListener("click", () => {
    button.hidden = true;
    confirm.hidden = false;
    $("#rollback-no").focus();
  });
  $("#rollback-no").addEventListener("click", () => {
    confirm.hidden = true;
    button.hidden = false;
    button.focus();
  });
  $("#rollback-yes").addEventListener("click", async () => {
    confirm.hidden = true;
    button.hidden = false;
    try {
      const body = await api("/admin/index/rollback", { method: "POST" });
      announce($("#index-status"), body.message || `Đã quay lui về thế hệ ${body.generation}.`, "ok");
      clear($("#rollback-changes"), (body.changes || []).map((c) => h("li", {}, `${c.number}: ${CHANGES[c.change] || c.change}`)));
      await refresh();
    } catch (e) {
      announce($("#index-status"), e.message, "error");
    }
    button.focus();
  });
}

async function loadJobs() {
  try {
    const jobs = await api("/admin/jobs?limit=10");
    if (!jobs.length) return clear($("#jobs tbody"), h("tr", {}, h("td", { colspan: "5" }, "Chưa có lượt lập chỉ mục nào.")));
    clear(
      $("#jobs tbody"),
      jobs.map((j) =>
        h(
          "tr",
          {},
          h("td", { "data-label": "Thời điểm" }, formatTime(j.created_at)),
          h("td", { "data-label": "Loại" }, JOB_KINDS[j.kind] || j.kind),
          h("td", { "data-label": "Văn bản" }, j.target || "—"),
          h("td", { "data-label": "Kết quả" }, jobOutcome(j)),
          h("td", { "data-label": "Người yêu cầu" }, askerLabel(j.requested_by)),
        ),
      ),
    );
  } catch {
    /* the index section shows the error */
  }
}

function jobOutcome(j) {
  if (j.status === "failed") return badge("thất bại", "bad");
  if (j.status !== "succeeded") return badge("đang chạy", "warn");
  const r = j.result || {};
  return `${r.indexed ?? 0} lập chỉ mục · ${r.skipped ?? 0} bỏ qua · ${r.failed ?? 0} lỗi`;
}

// ------------------------------------------------------------------------------------------------ unanswered questions

async function loadUnanswered() {
  const body = $("#unanswered tbody");
  try {
    const rows = await api("/admin/unanswered?limit=100");
    if (!rows.length) return clear(body, h("tr", {}, h("td", { colspan: "4" }, "Chưa có câu hỏi nào bị từ chối.")));
    clear(
      body,
      rows.map((a) =>
        h(
          "tr",
          {},
          h("td", { "data-label": "Thời điểm" }, formatTime(a.at)),
          h("td", { "data-label": "Câu hỏi" }, a.question),
          h("td", { "data-label": "Người hỏi" }, askerLabel(a.asker)),
          h("td", { "data-label": "Độ tin cậy" }, a.confidence.toFixed(2)),
        ),
      ),
    );
  } catch (e) {
    clear(body, h("tr", {}, h("td", { colspan: "4" }, e.message)));
  }
}

// ------------------------------------------------------------------------------------------------ feedback

async function loadFeedback() {
  const body = $("#feedback tbody");
  const only = $("#feedback-filter").value;
  try {
    const rows = await api(`/admin/feedback?limit=100${only ? `&helpful=${only}` : ""}`);
    if (!rows.length) return clear(body, h("tr", {}, h("td", { colspan: "5" }, "Chưa có góp ý nào.")));
    clear(
      body,
      rows.map((f) =>
        h(
          "tr",
          { dataset: { trace: f.answer.trace_id } },
          h("td", { "data-label": "Thời điểm" }, formatTime(f.at)),
          h("td", { "data-label": "Đánh giá" }, f.helpful ? h("span.vote-up", {}, "👍 Hữu ích") : h("span.vote-down", {}, "👎 Chưa đúng")),
          h("td", { "data-label": "Góp ý" }, f.comment || "—"),
          h(
            "td",
            { "data-label": "Câu trả lời được đánh giá" },
            h("p", {}, f.answer.question),
            f.answer.abstained
              ? h("p.muted", {}, "Hệ thống đã từ chối trả lời câu này.")
              : h("p.muted", {}, `Đã trích: ${f.answer.cited_unit_ids.map(unitLabel).join("; ") || "—"}`),
            h("small.trace", {}, `Mã tra cứu ${f.answer.trace_id}`),
          ),
          h("td", { "data-label": "Người góp ý" }, askerLabel(f.rated_by)),
        ),
      ),
    );
  } catch (e) {
    clear(body, h("tr", {}, h("td", { colspan: "5" }, e.message)));
  }
}

/** "58-2010-qh12:d33:k1:a" → "Điểm a Khoản 1 Điều 33 (58-2010-qh12)": readable without the article text. */
function unitLabel(unitId) {
  const [doc, d, k, p] = unitId.split(":");
  const parts = [p && `Điểm ${p}`, k && `Khoản ${k.slice(1)}`, d && `Điều ${d.slice(1)}`].filter(Boolean);
  return `${parts.join(" ")} (${doc.toUpperCase()})`;
}
