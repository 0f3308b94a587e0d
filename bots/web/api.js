// The one place the pages talk to the API: same origin, bearer token from the login, errors as ApiError.

const BASE = "/api/v1";
const TOKEN_KEY = "assistant.token";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

function headers(extra = {}) {
  const h = { ...extra };
  if (session.token) h.authorization = `Bearer ${session.token}`;
  return h;
}

async function failure(response) {
  let code = `http_${response.status}`;
  let message = `Lỗi máy chủ (${response.status}).`;
  try {
    const body = await response.json();
    code = body.error?.code || code;
    message = body.error?.message || message;
  } catch {
    /* not JSON: keep the generic message */
  }
  return new ApiError(response.status, code, message);
}

/** fetch + JSON; `json` becomes the body, `form` (FormData) is sent as multipart. */
export async function api(path, { method = "GET", json, form } = {}) {
  const init = { method, headers: headers(), credentials: "same-origin" };
  if (json !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (form) {
    init.body = form;
  }
  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch {
    throw new ApiError(0, "network", "Không kết nối được máy chủ; vui lòng thử lại.");
  }
  if (!response.ok) throw await failure(response);
  return response.status === 204 ? null : response.json();
}

/** Download an authenticated file (a report) and hand it to the browser as a file. */
export async function download(path, filename) {
  const response = await fetch(BASE + path, { headers: headers(), credentials: "same-origin" });
  if (!response.ok) throw await failure(response);
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const enc = encodeURIComponent;
/** Document numbers contain slashes ("58/2010/QH12"); the API takes them as a path, segment by segment. */
export const docPath = (number) => number.split("/").map(enc).join("/");
