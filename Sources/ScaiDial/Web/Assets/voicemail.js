// ScaiDial voicemail inbox: the signed-in user's messages, playback, read/unread, delete.
"use strict";

(function (Phone) {
  const $ = (id) => document.getElementById(id);
  const state = { items: [], next: null, extensions: new Map() };

  async function start() {
    $("only-unread").addEventListener("change", () => load(false));
    $("more").addEventListener("click", () => load(true));
    await Phone.session(signedIn);
  }

  async function signedIn() {
    $("inbox").hidden = false;
    try {
      const extensions = await Phone.api("GET", "/me/extensions");
      for (const x of extensions.items) state.extensions.set(x.id, `${x.number} ${x.name}`);
    } catch (e) {
      /* names are a nicety; the list still works */
    }
    await load(false);
    // A new message appears at once.
    const source = new EventSource("/me/events", { withCredentials: true });
    source.addEventListener("voicemail", () => load(false));
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

  function render() {
    const list = $("messages");
    list.replaceChildren(...state.items.map(row));
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
    li.dataset.read = String(m.read);
    li.querySelector(".caller").textContent = m.caller === "anonymous" ? "Withheld number" : m.caller;
    li.querySelector(".ext").textContent = state.extensions.get(m.extension_id) || "";
    const when = li.querySelector(".when");
    when.dateTime = m.created_at || "";
    when.textContent = m.created_at ? new Date(m.created_at).toLocaleString() : "";
    li.querySelector(".duration").textContent = duration(m.duration_s);
    li.querySelector(".transcript").textContent = transcript(m);
    const audio = li.querySelector("audio");
    audio.src = m.audio_url;
    audio.setAttribute("aria-label", `Message from ${m.caller}`);
    audio.addEventListener("play", () => {
      if (!m.read) setRead(m, true);
    });
    const toggle = li.querySelector("[data-toggle-read]");
    toggle.textContent = m.read ? "Mark unread" : "Mark read";
    toggle.addEventListener("click", () => setRead(m, !m.read));
    li.querySelector("[data-delete]").addEventListener("click", () => remove(m));
    return li;
  }

  function duration(seconds) {
    const s = Math.round(seconds);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function transcript(m) {
    switch (m.transcript_state) {
      case "done": return m.transcript ? `“${m.transcript}”` : "(no words recognised)";
      case "pending": return "Transcribing…";
      case "failed": return "The transcript could not be made.";
      default: return "";
    }
  }

  async function setRead(m, read) {
    try {
      Object.assign(m, await Phone.api("PATCH", `/me/voicemails/${m.id}`, { read }));
      render();
    } catch (e) {
      $("inbox-error").textContent = "The message could not be updated.";
    }
  }

  async function remove(m) {
    if (!window.confirm(`Delete the message from ${m.caller}?`)) return;
    try {
      await Phone.api("DELETE", `/me/voicemails/${m.id}`);
      state.items = state.items.filter((x) => x.id !== m.id);
      render();
    } catch (e) {
      $("inbox-error").textContent = "The message could not be deleted.";
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})(window.ScaiDialPhone);
