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
  for (const name of ["ring", "ring_cancelled", "call_updated", "voicemail"]) {
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
