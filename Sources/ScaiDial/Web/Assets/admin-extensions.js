// ScaiDial admin console: extensions — what calls ring — with their greeting, grants and forward rules.
"use strict";

(function (Admin) {
  const { h } = Admin;

  const triggers = [["always", "Always, before ringing"], ["unavailable", "Nobody is online"], ["no_answer", "No answer in time"],
    ["busy", "Everyone declines or is busy"]];
  const triggerWords = Object.fromEntries(triggers);
  Admin.extensionLabel = (e) => (e ? `${e.number} · ${e.name}` : "a deleted extension");

  function fields(ext) {
    const e = ext || {};
    const type = e.type || "wave";
    return [
      h("div", { class: "row" },
        Admin.field({ name: "number", label: "Extension number", value: e.number, required: true, placeholder: "101", inputmode: "numeric" }),
        Admin.field({ name: "name", label: "Name", value: e.name, required: true, placeholder: "Reception" })),
      h("div", { class: "row" },
        Admin.field({ name: "type", label: "Rings", kind: "select", value: type,
          options: [["wave", "People: browser phones of users granted it"], ["bot", "A bot (agent)"]] }),
        Admin.field({ name: "target_ref", label: "Bot (agent name)", value: e.target_ref, hidden: type !== "bot", placeholder: "support-agent",
          hint: "The LiveKit agent dispatched into the call." })),
      h("div", { class: "row" },
        Admin.field({ name: "ring_timeout_s", label: type === "bot" ? "Agent joins within (seconds)" : "Ring for (seconds)", kind: "int",
          value: e.ring_timeout_s ?? 30, min: 5, max: 300 }),
        Admin.field({ name: "voicemail_enabled", label: "Voicemail box", kind: "bool", value: e.voicemail_enabled ?? true,
          hint: type === "bot" ? "When no agent joins in time, callers can leave a message." : "Callers nobody answers can leave a message." })),
    ];
  }

  function extensionForm(ext, submit, onSubmit) {
    const form = Admin.form({
      fields: fields(ext), submit,
      onSubmit: (body) => {
        if (ext && body.type === "wave") body.target_ref = null; // a browser extension has no bot
        return onSubmit(body);
      },
    });
    form.id = "extension-form";
    const type = form.querySelector('[name="type"]');
    // A bot extension shows what applies to bots: its agent, the time the agent has to join, and
    // voicemail as the fallback when none does.
    const sync = () => {
      const bot = type.value === "bot";
      Admin.showField(form, "target_ref", bot);
      form.querySelector('.field[data-field="ring_timeout_s"] label').textContent = bot ? "Agent joins within (seconds)" : "Ring for (seconds)";
      form.querySelector('.field[data-field="voicemail_enabled"] .hint').textContent = bot
        ? "When no agent joins in time, callers can leave a message." : "Callers nobody answers can leave a message.";
    };
    type.addEventListener("change", sync);
    return form;
  }

  async function list() {
    const page = await Admin.list(Admin.t("/extensions"));
    const form = extensionForm(null, "Add extension", async (body) => {
      const ext = await Admin.api("POST", Admin.t("/extensions"), body);
      Admin.flash(`Added extension ${ext.number}.`);
      Admin.go(`/admin/extensions/${ext.id}`);
    });
    const table = page.items.length
      ? Admin.pagedTable([
          { label: "Number", cell: (e) => Admin.link(`/admin/extensions/${e.id}`, e.number) },
          { label: "Name", cell: (e) => e.name },
          { label: "Rings", cell: (e) => (e.type === "bot" ? `Bot: ${e.target_ref}` : "Browser phones") },
          { label: "Ring time", cell: (e) => `${e.ring_timeout_s} s` },
          { label: "Voicemail", cell: (e) => (e.voicemail_enabled ? (e.has_greeting ? "On, own greeting" : "On") : "Off") },
        ], page, (cursor) => Admin.list(Admin.t("/extensions"), { cursor }),
        (e) => ({ "data-extension": e.number, "data-href": Admin.href(`/admin/extensions/${e.id}`) }))
      : Admin.empty("No extensions yet",
          "An extension is what a call rings: the browser phones of the users you grant it, or a bot. Add one below, then send calls to it from a dialplan.");
    return h("div", {}, Admin.pageHeader("Extensions"), Admin.section(null, table), Admin.section("Add an extension", form));
  }

  // ---- greeting -----------------------------------------------------------------------------

  const audioTypes = { wav: "audio/wav", mp3: "audio/mpeg", ogg: "audio/ogg", oga: "audio/ogg", opus: "audio/ogg" };

  function greetingPanel(ext) {
    const path = Admin.t(`/extensions/${ext.id}/greeting`);
    const input = h("input", { type: "file", id: "greeting-file", accept: ".wav,.mp3,.ogg,audio/wav,audio/mpeg,audio/ogg",
      "aria-describedby": "greeting-hint greeting-error" });
    const error = h("p", { class: "field-error", id: "greeting-error", role: "alert" });
    const upload = h("button", { type: "button", id: "greeting-upload" }, "Upload greeting");
    upload.addEventListener("click", async () => {
      error.textContent = "";
      const file = input.files[0];
      if (!file) return void (error.textContent = "Choose a WAV, MP3 or OGG file first.");
      const type = file.type || audioTypes[(file.name.split(".").pop() || "").toLowerCase()] || "application/octet-stream";
      upload.disabled = true;
      try {
        await Admin.api("PUT", path, file, type);
        Admin.flash("Greeting uploaded.");
        Admin.reload();
      } catch (e) {
        const why = e.status === 415 ? "That file isn't a WAV, MP3 or OGG recording." : e.status === 413 ? "That file is too large." : "";
        error.textContent = [why, e.message].filter(Boolean).join(" ");
        input.setAttribute("aria-invalid", "true");
        input.focus();
      } finally {
        upload.disabled = false;
      }
    });
    const reset = Admin.confirmButton("Use the default greeting", "Remove this greeting?", async () => {
      await Admin.api("DELETE", path);
      Admin.flash("Back to the default greeting.");
      Admin.reload();
    });
    return h("section", { class: "panel", id: "greeting" }, h("h2", {}, "Voicemail greeting"),
      ext.voicemail_enabled ? null : h("p", { class: "note" }, "Voicemail is off for this extension: callers never hear the greeting."),
      ext.has_greeting
        ? [h("p", {}, "Callers hear your own greeting:"), h("audio", { controls: true, preload: "none", src: `${path}?v=${Date.now()}` }), reset]
        : h("p", { class: "note" }, "Callers hear the built-in greeting. Upload a recording to use your own."),
      h("div", { class: "field" }, h("label", { for: "greeting-file" }, ext.has_greeting ? "Replace with" : "Recording"), input,
        h("p", { class: "hint", id: "greeting-hint" }, "WAV, MP3 or OGG."), error),
      upload);
  }

  // ---- grants -------------------------------------------------------------------------------

  function grantsPanel(ext, users, grants) {
    const granted = new Set(grants.map((g) => g.user_id));
    if (!users.length) {
      return Admin.section("Who answers", Admin.empty("No users yet", "Add users, then let them answer and call from this extension.",
        Admin.link("/admin/users", "Add users")));
    }
    const rows = users.map((u) => {
      const error = h("span", { class: "field-error", role: "alert" });
      const box = h("input", { type: "checkbox", checked: granted.has(u.id), "data-user": u.email });
      // Not disabled while saving: a disabled box drops the keyboard focus. A second change
      // during the request is put back instead.
      let pending = false;
      box.addEventListener("change", async () => {
        if (pending) return void (box.checked = !box.checked);
        error.textContent = "";
        pending = true;
        box.setAttribute("aria-busy", "true");
        try {
          if (box.checked) await Admin.api("POST", Admin.t(`/extensions/${ext.id}/grants`), { user_id: u.id });
          else await Admin.api("DELETE", Admin.t(`/extensions/${ext.id}/grants/${u.id}`));
          Admin.flash(box.checked ? `${u.email} can now answer ${ext.number}.` : `${u.email} no longer answers ${ext.number}.`);
        } catch (e) {
          box.checked = !box.checked;
          error.textContent = e.message;
        } finally {
          pending = false;
          box.removeAttribute("aria-busy");
        }
      });
      return h("li", {}, h("label", { class: "check" }, box, " ", u.display_name ? `${u.display_name} (${u.email})` : u.email,
        u.disabled ? h("span", { class: "muted" }, " · disabled") : null), " ", error);
    });
    return Admin.section("Who answers", h("p", { class: "note" },
      "Users ticked here ring on this extension's calls in their browser phone, and may place calls from it."),
      h("ul", { class: "checks", id: "grants" }, rows));
  }

  // ---- forward rules ------------------------------------------------------------------------

  function forwardPanel(ext, rules, extensions) {
    const others = extensions.filter((e) => e.id !== ext.id);
    const byId = Object.fromEntries(extensions.map((e) => [e.id, e]));
    const words = triggerWords;
    const target = (r) => r.target_type === "number" ? r.target
      : r.target_type === "extension" ? `Extension ${Admin.extensionLabel(byId[r.target])}`
        : r.target ? `Voicemail of ${Admin.extensionLabel(byId[r.target])}` : "This extension's voicemail";
    const formBox = h("div", { id: "forward-editor" });
    const table = rules.length ? Admin.table([
      { label: "When", cell: (r) => words[r.trigger] || triggerWords[r.trigger] || r.trigger },
      { label: "Goes to", cell: target },
      { label: "On", cell: (r) => {
        const box = h("input", { type: "checkbox", checked: r.enabled, "data-action": "enabled",
          "aria-label": `Forward rule ${words[r.trigger] || r.trigger} on` });
        box.addEventListener("change", async () => {
          const on = box.checked;
          try {
            await Admin.api("PATCH", Admin.t(`/extensions/${ext.id}/forward-rules/${r.id}`), { enabled: on });
            Admin.toast(`Forward rule “${words[r.trigger] || r.trigger}” is ${on ? "on" : "off"}.`, async () => {
              await Admin.api("PATCH", Admin.t(`/extensions/${ext.id}/forward-rules/${r.id}`), { enabled: !on });
              box.checked = !on;
            });
          } catch (e) {
            box.checked = !box.checked;
            Admin.toast(e.message);
          }
        });
        return box;
      } },
      { label: "", className: "row-actions", cell: (r) => [
        h("button", { type: "button", "data-action": "edit", "aria-label": `Edit forward rule ${words[r.trigger] || r.trigger}`,
          onclick: () => showForm(r) }, "Edit"),
        Admin.confirmButton("Remove", "Remove this forward rule?", async () => {
          await Admin.api("DELETE", Admin.t(`/extensions/${ext.id}/forward-rules/${r.id}`));
          Admin.flash("Forward rule removed.");
          Admin.reload();
        }),
      ] },
    ], rules, (r) => ({ "data-forward": r.trigger })) : h("p", { class: "note" },
      "No forward rules: when nobody answers, callers go to voicemail if it is on, else the call ends.");
    const boxes = extensions.filter((e) => e.voicemail_enabled && e.id !== ext.id);

    /// The add form, or (with `rule`) the same form editing that rule in place of it.
    function showForm(rule) {
      const used = new Set(rules.filter((r) => !rule || r.id !== rule.id).map((r) => r.trigger));
      const free = triggers.filter(([t]) => !used.has(t));
      if (!free.length) return void formBox.replaceChildren();
      const kind = rule ? rule.target_type : "voicemail";
      const form = Admin.form({
        fields: [
          Admin.field({ name: "trigger", label: "When", kind: "select", options: free, value: rule && rule.trigger }),
          Admin.field({ name: "target_type", label: "Send the call to", kind: "select", value: kind,
            options: [["voicemail", "Voicemail"], ["number", "A phone number"], ["extension", "Another extension"]] }),
          Admin.field({ name: "target", label: "Phone number", hidden: true, placeholder: "+31612345678", inputmode: "tel",
            value: rule && kind === "number" ? rule.target : undefined }),
          Admin.field({ name: "target", label: "Extension", kind: "select", hidden: true, value: rule && kind === "extension" ? rule.target : undefined,
            options: others.map((e) => [e.id, Admin.extensionLabel(e)]) }),
          Admin.field({ name: "target", label: "Whose voicemail", kind: "select", value: rule && kind === "voicemail" ? rule.target || "" : "",
            options: [["", "This extension's"], ...boxes.map((e) => [e.id, Admin.extensionLabel(e)])] }),
        ],
        submit: rule ? "Save forward rule" : "Add forward rule",
        cancel: rule ? () => {
          showForm(null);
          const again = document.querySelector(`[data-forward="${rule.trigger}"] [data-action="edit"]`);
          if (again) again.focus();
        } : undefined,
        onSubmit: async (body) => {
          if (rule) {
            if (body.target === undefined) body.target = null; // this extension's own voicemail
            await Admin.api("PATCH", Admin.t(`/extensions/${ext.id}/forward-rules/${rule.id}`), body);
            Admin.flash("Forward rule saved.");
          } else {
            await Admin.api("POST", Admin.t(`/extensions/${ext.id}/forward-rules`), body);
            Admin.flash("Forward rule added.");
          }
          Admin.reload({ focus: rule ? `[data-forward="${body.trigger}"] [data-action="edit"]` : "#forward-form select" });
        },
      });
      form.id = "forward-form";
      const kinds = ["number", "extension", "voicemail"];
      const targets = form.querySelectorAll('.field[data-field="target"]');
      const type = form.querySelector('[name="target_type"]');
      const sync = () => targets.forEach((w, i) => (w.hidden = kinds[i] !== type.value));
      type.addEventListener("change", sync);
      sync();
      formBox.replaceChildren(h("h3", { tabindex: "-1" }, rule ? `Edit forward rule “${words[rule.trigger] || rule.trigger}”` : "Add a forward rule"), form);
      if (rule) formBox.querySelector("h3").focus();
    }
    showForm(null);
    return Admin.section("Forwarding", table, formBox);
  }

  async function detail(ctx) {
    const base = Admin.t(`/extensions/${encodeURIComponent(ctx.id)}`);
    const [ext, grants, forwards, users, extensions] = await Promise.all([Admin.api("GET", base), Admin.list(`${base}/grants`),
      Admin.list(`${base}/forward-rules`), Admin.list(Admin.t("/users")), Admin.list(Admin.t("/extensions"))]);
    const form = extensionForm(ext, "Save changes", async (body) => {
      await Admin.api("PATCH", Admin.t(`/extensions/${ext.id}`), body);
      Admin.flash("Saved.");
      Admin.reload();
    });
    const remove = Admin.confirmButton("Delete extension", `Delete extension ${ext.number}?`, async () => {
      await Admin.api("DELETE", Admin.t(`/extensions/${ext.id}`));
      Admin.flash(`Deleted extension ${ext.number}.`);
      Admin.go("/admin/extensions");
    });
    return h("div", {}, Admin.pageHeader(`Extension ${ext.number} · ${ext.name}`, Admin.link("/admin/extensions", "All extensions")),
      h("div", { class: "columns" }, Admin.section("Settings", form), ext.type === "wave" ? grantsPanel(ext, users.items, grants.items) : null),
      ext.type === "wave" ? forwardPanel(ext, forwards.items, extensions.items) : null, // bots answer themselves
      greetingPanel(ext),
      Admin.section("Delete", h("p", { class: "note" }, "Refused while a dialplan rule or another extension's forward rule sends calls here."),
        remove));
  }

  Admin.views.extensions = { title: "Extensions", noun: "extension", tenant: true, render: (ctx) => (ctx.id ? detail(ctx) : list(ctx)) };
})(window.ScaiDialAdmin);
