// ScaiDial admin console: trunks — carrier connections, their sync with LiveKit and their
// registration with the carrier.
"use strict";

(function (Admin) {
  const { h } = Admin;

  const syncWords = {
    synced: ["Synced", "ok"], pending: ["Pending", "warn"], failed: ["Sync failed", "bad"],
    not_configured: ["LiveKit not configured", "muted"],
  };
  const registrationWords = {
    registered: ["Registered", "ok"], registering: ["Registering", "warn"], failed: ["Registration failed", "bad"],
    disabled: ["Not registering", "muted"],
  };

  Admin.syncBadge = (sync) => {
    const [text, tone] = syncWords[sync.state] || [sync.state, "muted"];
    return h("span", { class: "state" }, Admin.badge(text, tone), sync.error ? h("span", { class: "state-error" }, sync.error) : null);
  };

  /// The registration object comes with REGISTER-mode trunks; older servers may not send it.
  Admin.registrationBadge = (trunk) => {
    const r = trunk.registration;
    if (!trunk.register) return Admin.badge("Off", "muted");
    if (!r) return Admin.badge("On", "muted");
    const [text, tone] = registrationWords[r.state] || [r.state, "muted"];
    const detail = [r.status_code ? `SIP ${r.status_code}` : null, r.error].filter(Boolean).join(" · ");
    return h("span", { class: "state" }, Admin.badge(text, tone), detail ? h("span", { class: "state-error" }, detail) : null);
  };

  function fields(trunk) {
    const t = trunk || {};
    const editing = !!trunk;
    const keep = (set) => (editing ? (set ? "A password is set; leave empty to keep it." : "None set.") : undefined);
    return [
      h("div", { class: "row" },
        Admin.field({ name: "name", label: "Name", value: t.name, required: true, placeholder: "carrier" }),
        Admin.field({ name: "address", label: "Carrier address", value: t.address, required: true, placeholder: "sip.carrier.example:5060",
          hint: "host[:port] of the carrier's SIP server." }),
        Admin.field({ name: "transport", label: "Transport", kind: "select", value: t.transport || "udp",
          options: [["udp", "UDP"], ["tcp", "TCP"], ["tls", "TLS"]] })),
      h("div", { class: "row" },
        Admin.field({ name: "auth_username", label: "Our username at the carrier", value: t.auth_username, empty: editing ? "null" : "omit" }),
        Admin.field({ name: "auth_password", label: "Our password at the carrier", kind: "password", autocomplete: "new-password",
          hint: keep(t.has_password) })),
      editing && t.has_password
        ? Admin.field({ name: "auth_password", label: "Remove our password at the carrier", kind: "clear" })
        : null,
      Admin.field({ name: "register", label: "Register this account with the carrier", kind: "bool", value: t.register,
        hint: "For carriers that only deliver calls to a registered contact. Needs the username and password above." }),
      h("details", { class: "more-fields", open: !!(t.inbound_auth_username || (t.allowed_addresses || []).length) || null },
        h("summary", {}, "Inbound security and transfers"),
        Admin.field({ name: "allowed_addresses", label: "Carrier addresses allowed to send calls", kind: "lines", value: t.allowed_addresses,
          hint: "One IP address or CIDR per line, e.g. 192.0.2.0/24. Empty: any address." }),
        h("div", { class: "row" },
          Admin.field({ name: "inbound_auth_username", label: "Carrier's username at us", value: t.inbound_auth_username,
            empty: editing ? "null" : "omit" }),
          Admin.field({ name: "inbound_auth_password", label: "Carrier's password at us", kind: "password", autocomplete: "new-password",
            hint: keep(t.has_inbound_password) })),
        editing && t.has_inbound_password
          ? Admin.field({ name: "inbound_auth_password", label: "Remove the carrier's password at us", kind: "clear",
              hint: "Clear the carrier's username too: the two are set together." })
          : null,
        Admin.field({ name: "refer_uri", label: "Transfers (REFER) go to", kind: "select", value: t.refer_uri || "sip",
          options: [["sip", "sip:<number>@<carrier address>"], ["tel", "tel:<number>"]] })),
    ];
  }

  async function list() {
    const page = await Admin.list(Admin.t("/trunks"));
    const form = Admin.form({
      fields: fields(null), submit: "Add trunk",
      onSubmit: async (body) => {
        const trunk = await Admin.api("POST", Admin.t("/trunks"), body);
        Admin.flash(`Added trunk ${trunk.name}.`);
        Admin.go(`/admin/trunks/${trunk.id}`);
      },
    });
    form.id = "trunk-form";
    const table = page.items.length
      ? Admin.pagedTable([
          { label: "Name", cell: (t) => Admin.link(`/admin/trunks/${t.id}`, t.name) },
          { label: "Carrier", cell: (t) => `${t.address} · ${t.transport.toUpperCase()}` },
          { label: "Numbers", cell: (t) => (t.numbers.length ? t.numbers.join(", ") : h("span", { class: "muted" }, "none yet")) },
          { label: "LiveKit", cell: (t) => Admin.syncBadge(t.sync) },
          { label: "Registration", cell: Admin.registrationBadge },
        ], page, (cursor) => Admin.list(Admin.t("/trunks"), { cursor }),
        (t) => ({ "data-trunk": t.id, "data-href": Admin.href(`/admin/trunks/${t.id}`) }))
      : Admin.empty("No trunks yet",
          "A trunk connects ScaiDial to your SIP carrier. Add one below with the carrier's address and your account there; " +
          "then give it a number.");
    return h("div", {}, Admin.pageHeader("Trunks"), Admin.section(null, table), Admin.section("Add a trunk", form));
  }

  function syncPanel(trunk) {
    const s = trunk.sync;
    const error = h("p", { class: "field-error", role: "alert", id: "sync-error" });
    const button = h("button", { type: "button", id: "sync-now" }, "Sync now");
    button.addEventListener("click", async () => {
      error.textContent = "";
      button.disabled = true;
      try {
        const updated = await Admin.api("POST", Admin.t(`/trunks/${trunk.id}/sync`));
        document.getElementById("sync-panel").replaceWith(syncPanel(updated));
        document.getElementById("sync-now").focus();
        Admin.flash("Sync started.");
      } catch (e) {
        error.textContent = e.message;
        button.disabled = false;
      }
    });
    return h("section", { class: "panel", id: "sync-panel", "data-shown": JSON.stringify(s) }, h("h2", {}, "LiveKit"),
      h("dl", { class: "facts" },
        h("dt", {}, "State"), h("dd", { id: "sync-state" }, Admin.syncBadge(s)),
        s.synced_at ? [h("dt", {}, "Last synced"), h("dd", {}, Admin.fmt.time(s.synced_at))] : null,
        s.next_retry_at ? [h("dt", {}, "Next retry"), h("dd", {}, Admin.fmt.time(s.next_retry_at))] : null,
        s.livekit_inbound_trunk_id ? [h("dt", {}, "LiveKit objects"),
          h("dd", { class: "mono" }, [s.livekit_inbound_trunk_id, s.livekit_outbound_trunk_id, s.livekit_dispatch_rule_id].filter(Boolean).join(" · "))] : null),
      h("p", { class: "note" }, trunk.numbers.length ? "Changes sync by themselves; failed syncs are retried with backoff."
        : "A trunk syncs once it has a number: LiveKit routes calls by number."),
      button, error);
  }

  function registrationPanel(trunk) {
    const r = trunk.registration;
    const shown = JSON.stringify([trunk.register, r || null]);
    if (!trunk.register || !r) {
      return h("section", { class: "panel", id: "registration-panel", "data-shown": shown }, h("h2", {}, "Registration"),
        h("p", { class: "note" }, trunk.register ? "This trunk registers with the carrier; this server does not report how that goes."
          : "This trunk does not register with the carrier: the carrier sends calls to livekit-sip's address."));
    }
    return h("section", { class: "panel", id: "registration-panel", "data-shown": shown }, h("h2", {}, "Registration"),
      h("dl", { class: "facts" },
        h("dt", {}, "State"), h("dd", { id: "registration-state" }, Admin.registrationBadge(trunk)),
        r.expires_at ? [h("dt", {}, "Registered until"), h("dd", {}, Admin.fmt.time(r.expires_at))] : null,
        r.next_attempt_at ? [h("dt", {}, "Next attempt"), h("dd", {}, Admin.fmt.time(r.next_attempt_at))] : null));
  }

  async function detail(ctx) {
    const trunk = await Admin.api("GET", Admin.t(`/trunks/${encodeURIComponent(ctx.id)}`));
    const form = Admin.form({
      fields: fields(trunk), submit: "Save changes",
      onSubmit: async (body) => {
        await Admin.api("PATCH", Admin.t(`/trunks/${trunk.id}`), body);
        Admin.flash("Saved.");
        Admin.reload();
      },
    });
    form.id = "trunk-form";
    // The state panels follow the server while the page is open (sync and registration run in the
    // background); a panel is redrawn only when what it shows changed, keeping the keyboard focus.
    ctx.every(4000, async () => {
      let now;
      try {
        now = await Admin.api("GET", Admin.t(`/trunks/${trunk.id}`));
      } catch (e) {
        return; // the next poll tries again; the page stays usable
      }
      if (!ctx.alive) return;
      const sync = document.getElementById("sync-panel"), registration = document.getElementById("registration-panel");
      if (sync.dataset.shown !== JSON.stringify(now.sync)) {
        const focused = document.activeElement && document.activeElement.id === "sync-now";
        sync.replaceWith(syncPanel(now));
        if (focused) document.getElementById("sync-now").focus();
      }
      if (registration.dataset.shown !== JSON.stringify([now.register, now.registration || null])) {
        registration.replaceWith(registrationPanel(now));
      }
    });
    const remove = Admin.confirmButton("Delete trunk", "Delete this trunk?", async () => {
      await Admin.api("DELETE", Admin.t(`/trunks/${trunk.id}`));
      Admin.flash(`Deleted trunk ${trunk.name}.`);
      Admin.go("/admin/trunks");
    });
    return h("div", {}, Admin.pageHeader(`Trunk ${trunk.name}`, Admin.link("/admin/trunks", "All trunks")),
      h("div", { class: "columns" }, syncPanel(trunk), registrationPanel(trunk)),
      Admin.section("Numbers", trunk.numbers.length ? h("p", {}, trunk.numbers.join(", "), " · ", Admin.link("/admin/numbers", "Manage numbers"))
        : Admin.empty("No numbers on this trunk", "Calls arrive on numbers: add one that comes in on this trunk.",
          Admin.link("/admin/numbers", "Add a number"))),
      Admin.section("Settings", form),
      Admin.section("Delete", h("p", { class: "note" }, "A trunk that still has numbers cannot be deleted; move or delete them first."),
        remove));
  }

  Admin.views.trunks = { title: "Trunks", noun: "trunk", tenant: true, render: (ctx) => (ctx.id ? detail(ctx) : list(ctx)) };
})(window.ScaiDialAdmin);
