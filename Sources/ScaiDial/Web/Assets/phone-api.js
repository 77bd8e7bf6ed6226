// ScaiDial softphone: talking to ScaiDial (JSON API, problem details, the event stream).
"use strict";

const Phone = (window.ScaiDialPhone = window.ScaiDialPhone || {});

/// A refused request: the problem details ScaiDial answered with.
class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `HTTP ${status}`);
    this.status = status;
    this.code = problem && problem.code;
    this.errors = (problem && problem.errors) || [];
  }
}

/// One API call with the session cookie; JSON in, JSON out (null for 204).
Phone.api = async function (method, path, body) {
  const init = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { detail: "ScaiDial cannot be reached" });
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
};
Phone.ApiError = ApiError;

/// m:ss (h:mm:ss past an hour) for a duration in seconds.
Phone.duration = function (seconds) {
  const s = Math.round(seconds);
  const two = (n) => String(n).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
};

/// The page's session: the sign-in form, sign-out, the
/// signed-in name, then `signedIn(me)` with ScaiDial's `GET /me`.
Phone.session = async function (signedIn) {
  const $ = (id) => document.getElementById(id);
  async function enter() {
    const me = await Phone.api("GET", "/me");
    $("who").textContent = me.user.display_name || me.user.email;
    $("sign-out").hidden = false;
    await signedIn(me);
  }
  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("sign-in-error").textContent = "";
    try {
      await Phone.api("POST", "/v1/auth/login", { email: $("email").value, password: $("password").value });
      $("sign-in").hidden = true;
      await enter();
    } catch (e) {
      $("sign-in-error").textContent =
        e.status === 429 ? e.message : e.status === 403 ? "This account is disabled." : "The email or password is wrong.";
    }
  });
  $("sign-out").addEventListener("click", async () => {
    try {
      await Phone.api("POST", "/v1/auth/logout");
    } finally {
      window.location.reload();
    }
  });
  try {
    await enter();
  } catch (e) {
    if (e.status === 401) $("sign-in").hidden = false;
    else $("page-error").textContent = "ScaiDial can't be reached right now. Reload the page to try again.";
  }
};

/// Words a person understands for a refused call (problem `code`s of /me/click-to-call).
const refusals = {
  no_grant: "You can't place calls from this extension.",
  unknown_extension: "That extension no longer exists.",
  international_not_allowed: "International calls aren't allowed for your organisation.",
  destination_blocked: "Calls to this number are blocked by your organisation.",
  destination_not_allowed: "Your organisation doesn't allow calls to this number.",
  over_concurrent_limit: "All lines are busy right now. Try again in a moment.",
  rate_limited: "You've placed a lot of calls in a short time. Try again later.",
  no_synced_trunk: "Calling isn't set up for your organisation yet. Ask your administrator.",
  livekit_not_configured: "Calling isn't set up on this server yet. Ask your administrator.",
  no_tenant: "The softphone is for users of an organisation.",
};

Phone.refusalWords = function (error) {
  if (error.status === 0) return "ScaiDial can't be reached. Check your connection.";
  if (error.status === 401) return "Your session has ended. Please sign in again.";
  if (error.code && refusals[error.code]) return refusals[error.code];
  const destination = error.errors.find((e) => e.field === "destination");
  if (destination) return "That doesn't look like a phone number.";
  if (error.status === 409) return "That call is no longer ringing.";
  return "The call could not be placed. Please try again.";
};

/// Words for a refused Answer (or Rejoin), by the problem's `code`: a 409 is not always someone
/// else answering — the call may be over, or the server may have no LiveKit to put anyone through.
const answerRefusals = {
  not_ringing: "This call was answered elsewhere or stopped ringing.",
  call_over: "This call is over.",
  livekit_not_configured: refusals.livekit_not_configured,
};

Phone.answerWords = function (error) {
  if (error.code && answerRefusals[error.code]) return answerRefusals[error.code];
  if (error.status === 404) return "This call is no longer yours to answer.";
  if (error.status === 409 && error.message) return error.message; // the server's own reason
  return Phone.refusalWords(error);
};

/// Words for a call that ended without being connected, from its SIP status and end reason.
Phone.failureWords = function (update) {
  const sip = update.sip_status;
  if (sip === 486 || sip === 600) return "The line is busy.";
  if (sip === 603 || sip === 403 || sip === 607) return "The call was declined.";
  if (sip === 404 || sip === 604 || sip === 410) return "That number doesn't exist.";
  if (sip === 484) return "The number is incomplete.";
  if (sip === 480 || sip === 408 || sip === 504) return "The person can't be reached right now.";
  if (sip && sip >= 500) return "The phone network is having trouble. Try again in a moment.";
  if (sip) return `The call could not be connected (SIP ${sip}).`;
  switch (update.end_reason) {
    case "livekit_error": return "The phone service isn't responding. Try again in a moment.";
    case "no_answer": return "No answer.";
    case "carrier_rejected": return "The call was refused by the phone network.";
    default: return "The call could not be connected.";
  }
};

/// The user's event stream: `ring`, `ring_cancelled`, `call_updated`, `voicemail`; reconnects by itself.
Phone.listen = function (handlers) {
  const source = new EventSource("/me/events", { withCredentials: true });
  source.addEventListener("ready", () => handlers.online(true));
  source.onerror = () => handlers.online(false);
  for (const name of ["ring", "ring_cancelled", "call_updated", "voicemail", "presence"]) {
    if (handlers[name]) source.addEventListener(name, (event) => handlers[name](JSON.parse(event.data)));
  }
  // The server closed this stream for good: signed out (here or elsewhere), a new password, a
  // disabled account — or too many tabs, where reconnecting would only close another one.
  source.addEventListener("signed_out", (event) => {
    source.close();
    handlers.online(false);
    if (JSON.parse(event.data).reason === "too_many_streams") {
      document.getElementById("page-error").textContent = "This phone is open in too many tabs or devices, so this one stopped ringing. Reload to use it here.";
    } else {
      window.location.reload();
    }
  });
  return source;
};

/// The tenant's ways of writing numbers and times, set once signed in (`GET /me`'s tenant).
Phone.tenant = null;

/// A number as people of the tenant's country write it: their own numbers in national format
/// ("+31201110001" → "0201110001", "+12015550123" → "(201) 555-0123"; digits are not grouped
/// elsewhere, as groupings differ by area and would be guessed), other countries' numbers in E.164;
/// "anonymous" as "Withheld number"; anything else (a SIP address) as it is.
Phone.number = function (value) {
  const t = Phone.tenant;
  if (!value || !/^\+\d{6,15}$/.test(value)) return value === "anonymous" ? "Withheld number" : value;
  if (t && t.calling_code && value.startsWith(`+${t.calling_code}`)) {
    const national = value.slice(1 + t.calling_code.length);
    if (t.calling_code === "1" && national.length === 10) return `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
    return `${t.national_prefix}${national}`;
  }
  return value;
};

/// A moment on the tenant's clock (not the browser's): "7 Dec 2026, 14:05", with "Today"/"Yesterday" for recent days.
Phone.when = function (iso) {
  if (!iso) return "";
  const zone = Phone.tenant ? Phone.tenant.timezone : undefined;
  const at = new Date(iso);
  const day = (d) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  const time = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  const today = day(new Date());
  const yesterday = day(new Date(Date.now() - 86400000));
  if (day(at) === today) return `Today, ${time}`;
  if (day(at) === yesterday) return `Yesterday, ${time}`;
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, day: "numeric", month: "short", year: "numeric", hour: "2-digit",
    minute: "2-digit", hourCycle: "h23" }).format(at);
};
