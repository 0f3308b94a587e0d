// HR planning and reports for the units in the signed-in user's scope: the training-needs plan, LLCT/QLNN levels
// against what the rules require, overlapping enrollments, completed-training counts and the succession pool.
// Each report is the same set of tables on the page and in the XLSX/CSV export (the API builds both).

import { api, download, enc } from "./api.js";
import { start } from "./auth.js";
import { $, announce, clear, h } from "./ui.js";

const KINDS = ["plan", "levels", "overlaps", "completed", "succession"];
const state = { kind: "plan" };

start({ roles: ["hr", "admin"], onReady });

async function onReady() {
  const units = await api("/reports/units").catch((e) => {
    announce($("#report-status"), e.message, "error");
    return [];
  });
  const picker = $("#unit");
  clear(picker, units.map((u) => h("option", { value: u.code }, `${"— ".repeat(u.depth)}${u.name} (${u.code})`)));
  $("#year").value = new Date().getFullYear();
  const fromHash = location.hash.slice(1);
  if (KINDS.includes(fromHash)) state.kind = fromHash;
  for (const link of document.querySelectorAll("#report-nav a")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      state.kind = link.dataset.kind;
      history.replaceState(null, "", `#${state.kind}`);
      show();
    });
  }
  $("#report-form").addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  for (const button of document.querySelectorAll("[data-format]")) {
    button.addEventListener("click", () => exportReport(button.dataset.format));
  }
  if (units.length) show();
}

function query() {
  const params = new URLSearchParams({ unit: $("#unit").value });
  const from = $("#from").value;
  const to = $("#to").value;
  if (from || to) {
    params.set("from", from);
    params.set("to", to);
  } else if ($("#year").value) {
    params.set("year", $("#year").value);
  }
  return params;
}

function markNav() {
  for (const link of document.querySelectorAll("#report-nav a")) {
    if (link.dataset.kind === state.kind) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function show() {
  markNav();
  const status = $("#report-status");
  const body = $("#report-body");
  announce(status, "Đang lập báo cáo…");
  try {
    const report = await api(`/reports/${enc(state.kind)}?${query()}`);
    $("#report-title").textContent = report.title;
    clear(body, report.sheets.map(sheetView));
    announce(status, "");
  } catch (e) {
    clear(body, h("p.error", { role: "alert" }, e.message));
    announce(status, e.message, "error");
  }
}

function sheetView(sheet) {
  const rows = sheet.rows.length
    ? sheet.rows.map((r) => h("tr", {}, r.map((v, i) => h("td", { "data-label": sheet.headers[i] }, v === null ? "" : String(v)))))
    : [h("tr", {}, h("td", { colspan: String(sheet.headers.length) }, "Không có dòng nào."))];
  return h(
    "section.report-sheet",
    { dataset: { sheet: sheet.name } },
    h("h3", {}, sheet.title),
    sheet.note ? h("p.muted", {}, sheet.note) : null,
    h(
      "div.table-wrap",
      {},
      h("table.stack-table", {}, h("thead", {}, h("tr", {}, sheet.headers.map((x) => h("th", { scope: "col" }, x)))), h("tbody", {}, rows)),
    ),
  );
}

async function exportReport(format) {
  const status = $("#report-status");
  announce(status, "Đang tạo tệp…");
  try {
    await download(`/reports/${enc(state.kind)}/export?${query()}&format=${format}`, `bao-cao-${state.kind}.${format}`);
    announce(status, "Đã tải tệp.");
  } catch (e) {
    announce(status, e.message, "error");
  }
}
