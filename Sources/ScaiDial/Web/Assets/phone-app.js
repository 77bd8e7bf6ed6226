// ScaiDial softphone: sign-in, the views (Phone, Voicemail), extension picker, number pad,
// placing and answering calls. One page: a ringing or live call is on screen whatever the view.
"use strict";

(function (Phone) {
  const $ = (id) => document.getElementById(id);
  let card;
  const ringer = new Phone.Ringer();

  function busy() {
    return card.live;
  }

  function refresh() {
    $("place-call").disabled = busy() || $("extension").options.length === 0;
    document.querySelectorAll("[data-answer]").forEach((b) => (b.disabled = busy()));
    ringer.update([...document.querySelectorAll("[data-ring]")].map((entry) => entry.ring));
  }

  /// Enter answers the first ringing call, Esc declines it — unless a field has the keyboard
  /// (Enter in the number field places a call).
  function keys(event) {
    const entry = document.querySelector("[data-ring]");
    if (!entry || event.defaultPrevented) return;
    const typing = event.target.closest && event.target.closest("input, select, textarea, button, a");
    if (event.key === "Escape") {
      event.preventDefault();
      decline(entry.ring, entry);
    } else if (event.key === "Enter" && !typing && !busy()) {
      event.preventDefault();
      answer(entry.ring, entry);
    }
  }

  /// Desktop notifications need the user's yes, asked on a click (browsers ignore asking otherwise).
  function offerNotifications() {
    if (!("Notification" in window) || Notification.permission !== "default") return;
    $("notify-offer").hidden = false;
    $("notify-on").addEventListener("click", async () => {
      try {
        await Notification.requestPermission();
      } finally {
        $("notify-offer").hidden = true;
      }
    });
  }

  /// Shows one view (`phone` or `voicemail`) and marks its tab; the rest of the page stays.
  function show(view) {
    document.querySelectorAll("main [data-view]").forEach((section) => (section.hidden = !signedInAs || section.dataset.view !== view));
    document.querySelectorAll(".nav a[data-view]").forEach((a) => {
      if (a.dataset.view === view) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    document.title = `ScaiDial · ${{ voicemail: "Voicemail", recents: "Recents" }[view] || "Phone"}`;
    current = view;
    if (view === "recents" && signedInAs && signedInAs.tenant) Phone.Recents.load(false);
  }

  function viewOf(path) {
    return path.startsWith("/my/voicemail") ? "voicemail" : path.startsWith("/my/recents") ? "recents" : "phone";
  }

  /// *Call back* (Recents, Voicemail): to the Phone view, from the extension the call came in on
  /// when the user holds it, and the call is placed.
  function callBack(number, extensionNumber) {
    if (busy()) return;
    const select = $("extension");
    const option = [...select.options].find((o) => extensionNumber && o.textContent.startsWith(`${extensionNumber} ·`));
    if (option) select.value = option.value;
    $("number").value = number;
    if (current !== "phone") window.history.pushState({}, "", "/my/dial");
    show("phone");
    placeCall();
  }

  let current = viewOf(window.location.pathname);
  let signedInAs = null;

  async function start() {
    card = new Phone.CallCard({ changed: refresh });
    show(current);
    // The tabs switch views in place (the address follows, so a reload opens the same view).
    document.querySelector(".nav").addEventListener("click", (event) => {
      const link = event.target.closest("a[data-view]");
      if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      if (link.dataset.view !== current) window.history.pushState({}, "", link.getAttribute("href"));
      show(link.dataset.view);
    });
    window.addEventListener("popstate", () => show(viewOf(window.location.pathname)));
    document.addEventListener("keydown", keys);
    $("place-call").addEventListener("click", placeCall);
    $("number").addEventListener("keydown", (e) => {
      if (e.key === "Enter") placeCall();
    });
    $("keypad").addEventListener("click", (e) => {
      const digit = e.target.closest("[data-digit]")?.dataset.digit;
      if (digit === undefined) return;
      if (card.state === "connected" && card.media) card.media.sendDigit(digit);
      else $("number").value += digit;
    });
    $("backspace").addEventListener("click", () => ($("number").value = $("number").value.slice(0, -1)));
    // Leaving the page leaves the call (LiveKit sees this browser go, and ScaiDial ends the call):
    // while one is live, the browser asks first, so a stray reload or closed tab is not a hang-up.
    window.addEventListener("beforeunload", (event) => {
      if (!busy()) return;
      event.preventDefault();
      event.returnValue = "";
    });
    await Phone.session(signedIn);
  }

  async function signedIn(me) {
    signedInAs = me;
    Phone.tenant = me.tenant;
    show(current);
    if (!me.tenant) {
      $("no-extensions").textContent = "The softphone is for users of an organisation; a platform admin has none.";
      $("no-extensions").hidden = false;
      refresh();
      return;
    }
    const extensions = (await Phone.api("GET", "/me/extensions")).items;
    const select = $("extension");
    for (const ext of extensions) {
      const option = document.createElement("option");
      option.value = ext.id;
      option.textContent = `${ext.number} · ${ext.name}`;
      select.appendChild(option);
    }
    $("no-extensions").hidden = extensions.length > 0;
    // The number the callee will see (the tenant's caller id, else its trunk's number).
    if (me.outbound_caller_id && extensions.length > 0) {
      $("caller-id").textContent = `Callees see ${Phone.number(me.outbound_caller_id)}`;
      $("caller-id").hidden = false;
    }
    presence.dnd = !!me.user.do_not_disturb;
    $("presence").addEventListener("click", toggleDoNotDisturb);
    Phone.Devices.start(() => card.media);
    Phone.listen({
      online, ring, presence: (p) => drawPresence({ dnd: !!p.do_not_disturb }), ring_cancelled: ringCancelled, voicemail: () => Phone.Inbox.arrived(),
      call_updated: (u) => {
        card.update(u);
        if (current === "recents" && (u.state === "ended" || u.state === "failed")) Phone.Recents.load(false);
      },
    });
    Phone.Recents.start(callBack);
    Phone.Inbox.start(extensions, callBack);
    if (current === "recents") Phone.Recents.load(false);
    offerNotifications();
    const active = (await Phone.api("GET", "/me/calls/active")).items[0];
    if (active) restore(active);
    refresh();
  }

  // ---- presence: connected or not, and do not disturb (kept on the server, for every device) ----

  const presence = { online: false, dnd: false };

  function drawPresence(change) {
    Object.assign(presence, change);
    const button = $("presence");
    button.dataset.online = String(presence.online);
    button.dataset.dnd = String(presence.dnd);
    button.setAttribute("aria-pressed", String(presence.dnd));
    button.disabled = !presence.online;
    button.textContent = !presence.online ? "Reconnecting…" : presence.dnd ? "Do not disturb" : "Available";
    button.title = presence.dnd ? "Calls don't ring you. Click to be available." : "Click to turn on do not disturb.";
  }

  function online(on) {
    drawPresence({ online: on });
  }

  async function toggleDoNotDisturb() {
    const want = !presence.dnd;
    $("page-error").textContent = "";
    try {
      const me = await Phone.api("PATCH", "/me", { do_not_disturb: want });
      drawPresence({ dnd: !!me.user.do_not_disturb });
    } catch (e) {
      $("page-error").textContent = "Do not disturb could not be changed. Please try again.";
    }
  }

  /// A call still going on when the page opens (it was reloaded, or the call is in another
  /// window): shown on the card, with *Rejoin* to bring its audio here and *Hang up*.
  function restore(call) {
    const outbound = call.direction === "outbound";
    card.open(call.direction, Phone.number(outbound ? call.to : call.from));
    card.attach(call.id);
    card.update({ call_id: call.id, state: call.state });
    card.warn("This call's audio is not in this window.");
    const rejoin = $("rejoin");
    rejoin.hidden = false;
    rejoin.onclick = async () => {
      rejoin.hidden = true;
      card.warn("");
      try {
        await connect(await Phone.api("POST", `/me/calls/${call.id}/rejoin`));
      } catch (e) {
        card.warn(Phone.answerWords(e));
      }
    };
  }

  async function placeCall() {
    const number = $("number").value.trim();
    $("dial-error").textContent = "";
    if (!number) return void ($("dial-error").textContent = "Enter a number to call.");
    if (busy()) return;
    const micProblem = await Phone.Devices.ready();
    if (micProblem) return void ($("dial-error").textContent = `${micProblem} The call was not placed.`);
    card.open("outbound", number);
    let joined;
    try {
      joined = await Phone.api("POST", "/me/click-to-call", { extension_id: $("extension").value, destination: number });
    } catch (e) {
      if (e.status === 422) {
        card.close();
        $("dial-error").textContent = Phone.refusalWords(e);
      } else card.fail(Phone.refusalWords(e));
      return;
    }
    await connect(joined);
  }

  /// Joins the call's room with the token ScaiDial minted and publishes the microphone.
  async function connect(joined) {
    card.attach(joined.call_id);
    if (!card.live) return;
    const media = new Phone.Media(() => card.live && card.warn("The audio connection was lost."));
    card.media = media;
    try {
      await media.join(joined.livekit_url, joined.token);
    } catch (e) {
      card.warn(e.message);
    }
    if (!card.live || card.media !== media) media.leave();
  }

  function ring(r) {
    if (document.querySelector(`[data-ring="${r.call_id}"]`)) return;
    const entry = $("ring-template").content.firstElementChild.cloneNode(true);
    entry.dataset.ring = r.call_id;
    entry.ring = r;
    entry.querySelector(".ring-from").textContent = Phone.number(r.from) || "Unknown caller";
    entry.querySelector(".ring-to").textContent = `to ${r.extension_number} · ${r.extension_name}`;
    entry.querySelector("[data-answer]").addEventListener("click", () => answer(r, entry));
    entry.querySelector("[data-decline]").addEventListener("click", () => decline(r, entry));
    $("incoming").appendChild(entry);
    refresh();
  }

  function ringCancelled(c) {
    const entry = document.querySelector(`[data-ring="${c.call_id}"]`);
    if (entry) entry.remove();
    refresh();
    // This browser answered, but its microphone never published: livekit-sip answers a caller
    // only on audio, so the server gave the call back to the others (reason `no_audio`).
    if (c.reason === "no_audio" && card.callId === c.call_id) {
      card.fail("Your microphone didn't start, so the caller couldn't hear you. The call was passed on.");
    }
  }

  async function answer(r, entry) {
    if (busy()) return;
    // No microphone, no answer: the call keeps ringing (here and for the others) and says why.
    const micProblem = await Phone.Devices.ready();
    if (micProblem) {
      entry.querySelector(".ring-problem").textContent = `${micProblem} The call was not answered.`;
      return;
    }
    if (!entry.isConnected) return; // it stopped ringing while the browser asked
    entry.remove();
    refresh();
    card.open("inbound", Phone.number(r.from) || "Unknown caller", "Connecting…");
    let joined;
    try {
      joined = await Phone.api("POST", `/me/calls/${r.call_id}/answer`);
    } catch (e) {
      card.fail(Phone.answerWords(e));
      return;
    }
    await connect(joined);
  }

  async function decline(r, entry) {
    entry.remove();
    refresh();
    try {
      await Phone.api("POST", `/me/calls/${r.call_id}/decline`);
    } catch (e) {
      /* the call stopped ringing meanwhile: nothing left to decline */
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})(window.ScaiDialPhone);
