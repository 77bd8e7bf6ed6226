// ScaiDial softphone, the Recents view: the user's calls (out, in, missed, to voicemail) with Call back.
"use strict";

(function (Phone) {
  const $ = (id) => document.getElementById(id);
  const state = { items: [], next: null, callBack: null, loaded: false };
  const words = {
    outgoing: "Outgoing", incoming: "Answered", answered_elsewhere: "Answered by a colleague", voicemail: "Voicemail",
    missed: "Missed", ringing: "Ringing now",
  };

  /// `callBack(number, extensionNumber)`: what *Call back* does (the Phone view dials it).
  function start(callBack) {
    state.callBack = callBack;
    $("recents-more").addEventListener("click", () => load(true));
  }

  /// (Re)loads the first page; called when the view opens and when a call of the user changes.
  async function load(more) {
    $("recents-error").textContent = "";
    const params = new URLSearchParams({ limit: "30" });
    if (more && state.next) params.set("cursor", state.next);
    try {
      const page = await Phone.api("GET", `/me/calls?${params}`);
      state.items = more ? state.items.concat(page.items) : page.items;
      state.next = page.next_cursor;
      state.loaded = true;
      render();
    } catch (e) {
      $("recents-error").textContent = e.status === 401 ? "Your session has ended. Please sign in again." : "Your calls could not be loaded.";
    }
  }

  function render() {
    $("recents-list").replaceChildren(...state.items.map(row));
    $("recents-more").hidden = !state.next;
    $("recents-empty").hidden = state.items.length > 0;
  }

  function row(c) {
    const li = $("recent-template").content.firstElementChild.cloneNode(true);
    li.dataset.id = c.id;
    li.dataset.kind = c.kind;
    li.querySelector(".recent-kind").textContent = words[c.kind] || c.kind;
    li.querySelector(".recent-number").textContent = Phone.number(c.number);
    li.querySelector(".recent-ext").textContent = c.extension_number ? ` · ${c.extension_number} · ${c.extension_name}` : "";
    const when = li.querySelector(".recent-when");
    when.dateTime = c.started_at;
    when.textContent = Phone.when(c.started_at);
    li.querySelector(".recent-duration").textContent = c.duration_s ? Phone.duration(c.duration_s) : "";
    const back = li.querySelector("[data-call-back]");
    back.hidden = c.number === "anonymous" || c.kind === "ringing";
    back.setAttribute("aria-label", `Call back ${Phone.number(c.number)}`);
    back.addEventListener("click", () => state.callBack(c.number, c.extension_number));
    return li;
  }

  Phone.Recents = { start, load, get loaded() { return state.loaded; } };
})(window.ScaiDialPhone);
