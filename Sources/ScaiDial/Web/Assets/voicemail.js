// ScaiDial softphone, the Voicemail view: the signed-in user's messages, playback, read/unread, delete.
"use strict";

(function (Phone) {
  const $ = (id) => document.getElementById(id);
  const state = { items: [], next: null, extensions: new Map(), started: false };

  /// Loads the inbox once the user is signed in (`extensions`: the user's, for the box names).
  async function start(extensions, callBack) {
    if (state.started) return;
    state.started = true;
    state.callBack = callBack;
    for (const x of extensions) state.extensions.set(x.id, `${x.number} ${x.name}`);
    $("only-unread").addEventListener("change", () => load(false));
    $("more").addEventListener("click", () => load(true));
    await load(false);
  }

  async function load(more) {
    $("inbox-error").textContent = "";
    const params = new URLSearchParams({ limit: "25" });
    if ($("only-unread").checked) params.set("unread", "true");
    if (more && state.next) params.set("cursor", state.next);
    try {
      const page = await Phone.api("GET", `/me/voicemails?${params}`);
      state.items = more ? state.items.concat(page.items) : page.items;
      state.next = page.next_cursor;
      render();
    } catch (e) {
      $("inbox-error").textContent = e.status === 401 ? "Your session has ended. Please sign in again." : "Your messages could not be loaded.";
    }
  }

  /// A `voicemail` event: a new message. Rows already shown stay as they are (one may be playing);
  /// the new one is put on top.
  async function arrived() {
    if (!state.started) return;
    const params = new URLSearchParams({ limit: "25" });
    if ($("only-unread").checked) params.set("unread", "true");
    try {
      const page = await Phone.api("GET", `/me/voicemails?${params}`);
      const known = new Set(state.items.map((m) => m.id));
      const fresh = page.items.filter((m) => !known.has(m.id));
      if (fresh.length === 0) return;
      state.items = fresh.concat(state.items);
      if (state.items.length === fresh.length) state.next = page.next_cursor;
      $("messages").prepend(...fresh.map(row));
      summary();
    } catch (e) {
      /* the next load shows it */
    }
  }

  function render() {
    $("messages").replaceChildren(...state.items.map(row));
    summary();
  }

  /// What depends on the whole list: the empty note, *Show older*, the unread count in the bar.
  function summary() {
    $("more").hidden = !state.next;
    const empty = state.items.length === 0;
    $("empty").hidden = !empty;
    $("empty").textContent = $("only-unread").checked
      ? "No unread messages."
      : state.extensions.size === 0
        ? "You have no extensions yet, so no voicemail box. Ask your administrator for a grant on one."
        : "No messages yet. When a caller leaves a message on your extensions it appears here.";
    const unread = state.items.filter((m) => !m.read).length;
    $("unread-count").hidden = unread === 0;
    $("unread-count").textContent = String(unread);
  }

  function row(m) {
    const li = $("message-template").content.firstElementChild.cloneNode(true);
    li.dataset.id = m.id;
    li.querySelector(".caller").textContent = Phone.number(m.caller);
    li.querySelector(".ext").textContent = state.extensions.get(m.extension_id) || "";
    const when = li.querySelector(".when");
    when.dateTime = m.created_at || "";
    when.textContent = Phone.when(m.created_at);
    li.querySelector(".duration").textContent = Phone.duration(m.duration_s);
    li.querySelector(".transcript").textContent = transcript(m);
    const audio = li.querySelector("audio");
    audio.src = m.audio_url;
    audio.setAttribute("aria-label", `Message from ${m.caller}`);
    // Listening to a message is reading it; the row is updated in place, so playback goes on.
    audio.addEventListener("play", () => {
      if (!m.read) setRead(m, li, true);
    });
    li.querySelector("[data-toggle-read]").addEventListener("click", () => setRead(m, li, !m.read));
    li.querySelector("[data-delete]").addEventListener("click", () => remove(m, li));
    const back = li.querySelector("[data-call-back]");
    back.hidden = m.caller === "anonymous" || !state.callBack;
    back.setAttribute("aria-label", `Call back ${m.caller}`);
    back.addEventListener("click", () => state.callBack(m.caller, (state.extensions.get(m.extension_id) || "").split(" ")[0]));
    showRead(m, li);
    return li;
  }

  /// The parts of a row that say whether it was read.
  function showRead(m, li) {
    li.dataset.read = String(m.read);
    li.querySelector("[data-toggle-read]").textContent = m.read ? "Mark unread" : "Mark read";
  }

  function transcript(m) {
    switch (m.transcript_state) {
      case "done": return m.transcript ? `“${m.transcript}”` : "(no words recognised)";
      case "pending": return "Transcribing…";
      case "failed": return "The transcript could not be made.";
      default: return "";
    }
  }

  async function setRead(m, li, read) {
    try {
      Object.assign(m, await Phone.api("PATCH", `/me/voicemails/${m.id}`, { read }));
      showRead(m, li);
      summary();
    } catch (e) {
      $("inbox-error").textContent = "The message could not be updated.";
    }
  }

  async function remove(m, li) {
    if (!window.confirm(`Delete the message from ${m.caller}?`)) return;
    try {
      await Phone.api("DELETE", `/me/voicemails/${m.id}`);
      state.items = state.items.filter((x) => x.id !== m.id);
      li.remove();
      summary();
    } catch (e) {
      $("inbox-error").textContent = "The message could not be deleted.";
    }
  }

  Phone.Inbox = { start, arrived };
})(window.ScaiDialPhone);
