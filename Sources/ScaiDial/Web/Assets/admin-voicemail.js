// ScaiDial admin console: voicemail of every box — play, mark read or unread, delete.
"use strict";

(function (Admin) {
  const { h } = Admin;

  function transcript(m) {
    switch (m.transcript_state) {
      case "done": return h("span", { class: "transcript" }, m.transcript || "(nothing said)");
      case "pending": return h("span", { class: "muted" }, "Transcribing…");
      case "failed":
        // The admin is who can fix it (the service's key, its address), so the reason is shown here.
        return h("span", { class: "muted transcript-failed", title: m.transcript_error || "" },
          "Transcription failed; listen instead.", m.transcript_error ? h("span", { class: "hint" }, ` (${m.transcript_error})`) : null);
      default: return h("span", { class: "muted" }, "—");
    }
  }

  function row(m, names) {
    // The row changes in place (its class, the New badge, the toggle's words): replacing it would
    // take the playing <audio> out of the page and stop the message just started.
    const showRead = () => {
      item.className = `message ${m.read ? "read" : "unread"}`;
      toggle.textContent = m.read ? "Mark unread" : "Mark read";
      badge.hidden = m.read;
    };
    const setRead = async (read) => {
      const saved = await Admin.api("PATCH", Admin.t(`/voicemails/${m.id}`), { read });
      Object.assign(m, saved);
      showRead();
    };
    // Listening to a message is reading it.
    const audio = h("audio", { controls: true, preload: "none", src: m.audio_url, "aria-label": `Message from ${m.caller}` });
    audio.addEventListener("play", () => !m.read && setRead(true).catch(() => {}));
    const error = h("span", { class: "field-error", role: "alert" });
    const toggle = h("button", { type: "button", "data-action": "read" }, m.read ? "Mark unread" : "Mark read");
    toggle.addEventListener("click", () => setRead(!m.read).catch((e) => (error.textContent = e.message)));
    const remove = Admin.confirmButton("Delete", "Delete this message?", async () => {
      await Admin.api("DELETE", Admin.t(`/voicemails/${m.id}`));
      item.remove();
      Admin.flash("Message deleted.");
    });
    const ext = names[m.extension_id];
    const badge = Admin.badge("New", "live");
    badge.hidden = m.read;
    const item = h("li", { class: `message ${m.read ? "read" : "unread"}`, "data-voicemail": m.id },
      h("div", { class: "message-head" },
        badge,
        h("strong", {}, m.caller || "Withheld number"),
        h("span", { class: "muted" }, ` to ${Admin.extensionLabel(ext)} · ${Admin.fmt.time(m.created_at)} · ${Admin.fmt.duration(m.duration_s)}`)),
      audio, h("p", {}, transcript(m)),
      h("div", { class: "message-actions" }, toggle, remove, error));
    return item;
  }

  async function render(ctx) {
    const p = ctx.params;
    const [messages, extensions] = await Promise.all([
      Admin.api("GET", Admin.t("/voicemails") + Admin.query({ extension_id: p.get("extension_id"), unread: p.get("unread"),
        cursor: p.get("cursor"), limit: 25 })),
      Admin.list(Admin.t("/extensions"))]);
    const names = Object.fromEntries(extensions.items.map((e) => [e.id, e]));
    const filter = h("form", { class: "filters", id: "voicemail-filters", role: "search" },
      Admin.field({ name: "extension_id", label: "Box", kind: "select", value: p.get("extension_id") || "",
        options: [["", "Every box"], ...extensions.items.filter((e) => e.voicemail_enabled).map((e) => [e.id, Admin.extensionLabel(e)])] }),
      Admin.field({ name: "unread", label: "New messages only", kind: "bool", value: p.get("unread") === "true" }),
      h("div", { class: "filter-actions" }, h("button", { type: "submit", class: "primary" }, "Show")));
    filter.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = Admin.readForm(filter);
      Admin.go(`/admin/voicemail${Admin.query({ extension_id: body.extension_id, unread: body.unread ? "true" : "" })}`);
    });
    const filtered = p.get("extension_id") || p.get("unread");
    const list = messages.items.length
      ? [h("ul", { class: "messages", id: "messages" }, messages.items.map((m) => row(m, names))),
          h("div", { class: "pager" }, messages.next_cursor ? Admin.link(`/admin/voicemail${Admin.query({ extension_id: p.get("extension_id"),
            unread: p.get("unread"), cursor: messages.next_cursor })}`, "Older messages") : null)]
      : filtered ? Admin.empty("No messages here", "Nothing matches this filter.", Admin.link("/admin/voicemail", "Every box"))
        : Admin.empty("No voicemail yet",
            "Messages appear here when callers leave one. Turn on voicemail on an extension and send calls to it from a dialplan or a forward rule.",
            Admin.link("/admin/extensions", "Extensions"), " · ", Admin.link("/admin/dialplans", "Dialplans"));
    return h("div", {}, Admin.pageHeader("Voicemail"), Admin.section(null, filter, list));
  }

  Admin.views.voicemail = { title: "Voicemail", tenant: true, render };
})(window.ScaiDialAdmin);
