// Sign-in shared by both pages: the login form, who is signed in (/auth/me) and sign-out.

import { ApiError, api, session } from "./api.js";
import { $, announce, clear, h } from "./ui.js";

const ROLE_LABELS = { hr: "Cán bộ tổ chức (HR)", admin: "Quản trị", cadre: "Cán bộ" };

/** Show the login form until someone signs in with an allowed role, then call onReady(me). */
export async function start({ roles, onReady }) {
  const me = await currentUser();
  if (me && roles.includes(me.role)) return ready(me, onReady);
  showLogin(roles, onReady, me ? `Tài khoản này (${ROLE_LABELS[me.role] || me.role}) không dùng được trang này.` : "");
}

async function currentUser() {
  try {
    const me = await api("/auth/me");
    return me.role ? me : null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) session.token = ""; // expired or revoked
    return null;
  }
}

function showLogin(roles, onReady, message) {
  const form = $("#login-form");
  const status = $("#login-status");
  $("#login").hidden = false;
  $("#app").hidden = true;
  announce(status, message, message ? "error" : "");
  $("#username").focus();
  form.onsubmit = async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    announce(status, "Đang đăng nhập…");
    try {
      const body = await api("/auth/login", {
        method: "POST",
        json: { username: form.username.value.trim(), password: form.password.value },
      });
      session.token = body.access_token;
      form.password.value = "";
      const me = await api("/auth/me");
      if (!roles.includes(me.role)) {
        await logout();
        announce(status, `Tài khoản ${body.user.username} không có quyền dùng trang này.`, "error");
        return;
      }
      ready(me, onReady);
    } catch (e) {
      announce(status, e.message, "error");
      form.password.focus();
    } finally {
      button.disabled = false;
    }
  };
}

function ready(me, onReady) {
  $("#login").hidden = true;
  $("#app").hidden = false;
  const who = me.name.replace(/^user:/, "");
  clear($("#whoami"), h("span", {}, who), h("span.role", {}, ROLE_LABELS[me.role] || me.role));
  const out = $("#logout");
  out.hidden = false;
  out.onclick = async () => {
    await logout();
    location.reload();
  };
  onReady(me);
}

async function logout() {
  try {
    await api("/auth/logout", { method: "POST" });
  } catch {
    /* already signed out */
  }
  session.token = "";
}
