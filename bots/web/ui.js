// Small DOM helpers shared by the pages. Text always goes in through textContent, never as HTML.

/** h("p.note", {hidden: true}, "text", child) → element; attributes starting with "on" become listeners. */
export function h(tag, attrs = {}, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(" ");
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

export function clear(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** Validity badges of a document: status, replacement and how much of it the corpus holds. */
export function validityBadges(doc) {
  const out = [];
  const v = doc.validity; // computed by the API as of today: the one badge of the document everywhere
  if (v) out.push(badge(v.badge, v.badge_level || "muted"));
  else if (doc.status_label) out.push(badge(doc.status_label, "muted"));
  if (doc.completeness === "partial") out.push(badge("văn bản một phần", "warn"));
  if (doc.completeness === "codified") out.push(badge("chỉ các điều đã pháp điển", "muted"));
  return out;
}

export function badge(text, tone = "muted") {
  return h(`span.badge.badge-${tone}`, {}, text);
}

const REQUIREMENT_TONES = { met: "ok", in_progress: "warn", missing: "bad", overdue: "bad" };

export function requirementBadge(s) {
  return badge(s.status_label || s.status, REQUIREMENT_TONES[s.status] || "muted");
}

export function formatDate(iso) {
  if (!iso) return "—";
  const [y, m, d] = String(iso).slice(0, 10).split("-");
  return d ? `${d}/${m}/${y}` : iso;
}

export function formatTime(iso) {
  if (!iso) return "—";
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toLocaleString("vi-VN");
}

/** A polite live region message for screen readers and a visible status line. */
export function announce(el, text, tone = "") {
  el.textContent = text;
  el.className = `status-line ${tone}`.trim();
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
