// ScaiDial admin console: talking to the /v1 API with the session cookie.
"use strict";

const Admin = (window.ScaiDialAdmin = window.ScaiDialAdmin || {});
/// The views by their address, /admin/<name>[/<id>]; each script registers its own:
/// {title, tenant: needs a tenant, platform: platform admins only, noun, render(ctx) -> Node}.
Admin.views = {};

/// A refused request: the problem details ScaiDial answered with (`errors` name the fields).
class ApiError extends Error {
  constructor(status, problem) {
    // In words: the API's field names ("date_from") as people say them (Admin.words, admin-ui.js).
    const detail = (problem && (problem.detail || problem.title)) || `HTTP ${status}`;
    super(Admin.words ? Admin.words(detail) : detail);
    this.status = status;
    this.code = problem && problem.code;
    this.errors = (problem && problem.errors) || [];
  }
}
Admin.ApiError = ApiError;

/// One API call. `body` is sent as JSON, or as-is when it is a Blob/File (`contentType` says what
/// it is). Answers the parsed JSON, or null for 204.
Admin.api = async function (method, path, body, contentType) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body instanceof Blob) {
    init.headers["Content-Type"] = contentType || body.type || "application/octet-stream";
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { detail: "ScaiDial can't be reached. Check your connection and try again." });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    data = { detail: text.slice(0, 200) };
  }
  if (!response.ok) {
    if (response.status === 401 && Admin.sessionEnded && !path.startsWith("/v1/auth/")) Admin.sessionEnded();
    throw new ApiError(response.status, data);
  }
  return data;
};

/// `?a=1&b=2` from an object, leaving out empty values.
Admin.query = function (params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
};

/// A path inside the tenant being administered: `/v1/tenants/{id}` + `rest`.
Admin.t = (rest) => `/v1/tenants/${Admin.tenant.id}${rest}`;

/// A list endpoint's first page (up to 200 items: a console view is read whole in one request).
Admin.list = (path, params) => Admin.api("GET", path + Admin.query({ limit: 200, ...params }));
