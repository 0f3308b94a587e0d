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
const JOB_KINDS = { commit: "Thêm văn bản", update: "Sửa văn bản", delete: "Rút văn bản", reindex: "Lập lại toàn bộ" };
const POLL_MS = 300;

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
  $("#edit-form").addEventListener("submit", onEdit);
  $("#edit-cancel").addEventListener("click", closeEdit);
  $("#add-relation").addEventListener("click", () => {
    const row = relationRow();
    $("#relations").append(row);
    row.querySelector("select").focus();
  });
  setupRollback();
  refresh();
}

function refresh() {
  return Promise.all([loadDocuments(), loadIndex(), loadJobs(), loadUnanswered()]);
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
          ),
        ),
      ),
    );
    announce($("#documents-status"), `${docs.length} văn bản.`);
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
  clear($("#preview-tree"), structureTree(p.structure));
  for (const field of ["number", "doc_type", "title", "issuer", "issued_date", "effective_date", "status", "completeness"]) {
    $(`#meta-${field}`).value = doc[field] || "";
  }
  $("#meta-completeness_note").value = "";
  $("#meta-source").value = "";
  $("#preview").hidden = false;
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
      announce($("#index-status"), `Đã quay lui về thế hệ ${body.generation}.`, "ok");
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
          h("td", { "data-label": "Người yêu cầu" }, j.requested_by.replace(/^user:/, "")),
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
          h("td", { "data-label": "Người hỏi" }, a.asker.replace(/^user:/, "")),
          h("td", { "data-label": "Độ tin cậy" }, a.confidence.toFixed(2)),
        ),
      ),
    );
  } catch (e) {
    clear(body, h("tr", {}, h("td", { colspan: "4" }, e.message)));
  }
}
