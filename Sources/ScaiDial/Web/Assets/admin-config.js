// ScaiDial admin console: numbers (DIDs), users and the tenant's policy.
"use strict";

(function (Admin) {
  const { h } = Admin;
  const byId = (items) => Object.fromEntries(items.map((x) => [x.id, x]));

  // ---- numbers ------------------------------------------------------------------------------

  function numberFields(did, trunks, plans) {
    const d = did || {};
    return [
      Admin.field({ name: "number", label: "Number", value: d.number, required: true, placeholder: "+31201234567", inputmode: "tel",
        hint: `International format, or national in ${Admin.tenant.country}; stored as E.164.` }),
      Admin.field({ name: "label", label: "Label", value: d.label, placeholder: "Main line", empty: did ? "null" : "omit" }),
      Admin.field({ name: "trunk_id", label: "Arrives on trunk", kind: "select", value: d.trunk_id, required: true,
        options: trunks.map((t) => [t.id, t.name]) }),
      // A new number follows the tenant's only dialplan, when there is just one.
      Admin.field({ name: "dialplan_id", label: "Follows dialplan", kind: "select",
        value: did ? d.dialplan_id || "" : plans.length === 1 ? plans[0].id : "", empty: did ? "null" : "omit",
        options: [["", "None: calls are rejected"], ...plans.map((p) => [p.id, p.name])],
        hint: "The dialplan decides where calls to this number go." }),
    ];
  }

  async function numbers() {
    const [dids, trunks, plans] = await Promise.all([Admin.list(Admin.t("/dids")), Admin.list(Admin.t("/trunks")),
      Admin.list(Admin.t("/dialplans"))]);
    const trunk = byId(trunks.items), plan = byId(plans.items);
    if (!trunks.items.length) {
      return h("div", {}, Admin.pageHeader("Numbers"), Admin.empty("Add a trunk first",
        "A number arrives on a trunk from your carrier. Add the trunk, then come back to add its numbers.",
        Admin.link("/admin/trunks", "Add a trunk")));
    }
    const form = Admin.form({
      fields: numberFields(null, trunks.items, plans.items), submit: "Add number",
      onSubmit: async (body) => {
        const did = await Admin.api("POST", Admin.t("/dids"), body);
        Admin.flash(`Added ${did.number}.`);
        Admin.reload();
      },
    });
    form.id = "number-form";
    const table = dids.items.length
      ? Admin.pagedTable([
          { label: "Number", cell: (d) => Admin.link(`/admin/numbers/${d.id}`, d.number) },
          { label: "Label", cell: (d) => d.label || "—" },
          { label: "Trunk", cell: (d) => (trunk[d.trunk_id] ? Admin.link(`/admin/trunks/${d.trunk_id}`, trunk[d.trunk_id].name) : "—") },
          { label: "Dialplan", cell: (d) => (d.dialplan_id && plan[d.dialplan_id]
            ? Admin.link(`/admin/dialplans/${d.dialplan_id}`, plan[d.dialplan_id].name) : Admin.badge("None: calls are rejected", "warn")) },
        ], dids, (cursor) => Admin.list(Admin.t("/dids"), { cursor }),
        (d) => ({ "data-number": d.number, "data-href": Admin.href(`/admin/numbers/${d.id}`) }))
      : Admin.empty("No numbers yet", "Add the phone numbers your carrier routes to you. Each follows a dialplan that decides where its calls go.");
    return h("div", {}, Admin.pageHeader("Numbers"), Admin.section(null, dids.items.length ? Admin.search("Search numbers", "number, label, trunk or dialplan") : null, table),
      plans.items.length ? null : h("p", { class: "note" }, "No dialplan yet: numbers without one reject their calls. ",
        Admin.link("/admin/dialplans", "Create a dialplan"), "."),
      Admin.section("Add a number", form));
  }

  async function number(ctx) {
    const [did, trunks, plans] = await Promise.all([Admin.api("GET", Admin.t(`/dids/${encodeURIComponent(ctx.id)}`)),
      Admin.list(Admin.t("/trunks")), Admin.list(Admin.t("/dialplans"))]);
    const form = Admin.form({
      fields: numberFields(did, trunks.items, plans.items), submit: "Save changes",
      onSubmit: async (body) => {
        await Admin.api("PATCH", Admin.t(`/dids/${did.id}`), body);
        Admin.flash("Saved.");
        Admin.go("/admin/numbers");
      },
    });
    form.id = "number-form";
    const remove = Admin.confirmButton("Delete number", `Delete ${did.number}? Its calls will no longer reach you.`, async () => {
      await Admin.api("DELETE", Admin.t(`/dids/${did.id}`));
      Admin.flash(`Deleted ${did.number}.`);
      Admin.go("/admin/numbers");
    });
    return h("div", {}, Admin.pageHeader(`Number ${did.number}`, Admin.link("/admin/numbers", "All numbers")),
      Admin.section(null, form), Admin.section("Delete", remove));
  }

  Admin.views.numbers = { title: "Numbers", noun: "number", tenant: true, render: (ctx) => (ctx.id ? number(ctx) : numbers(ctx)) };

  // ---- users --------------------------------------------------------------------------------

  const roles = [["user", "User: uses the phone"], ["tenant_admin", "Admin: manages this console"]];

  async function users() {
    const page = await Admin.list(Admin.t("/users"));
    const form = Admin.form({
      fields: [
        h("div", { class: "row" },
          Admin.field({ name: "email", label: "Email", kind: "email", required: true }),
          Admin.field({ name: "display_name", label: "Name" })),
        h("div", { class: "row" },
          Admin.field({ name: "password", label: "Password", kind: "password", required: true, autocomplete: "new-password",
            hint: "At least 8 characters." }),
          Admin.field({ name: "role", label: "Role", kind: "select", value: "user", options: roles })),
      ],
      submit: "Add user",
      onSubmit: async (body) => {
        const user = await Admin.api("POST", Admin.t("/users"), body);
        Admin.flash(`Added ${user.email}. Give them extensions on the Extensions page.`);
        Admin.reload();
      },
    });
    form.id = "user-form";
    const table = Admin.pagedTable([
      { label: "Email", cell: (u) => Admin.link(`/admin/users/${u.id}`, u.email) },
      { label: "Name", cell: (u) => u.display_name || "—" },
      { label: "Role", cell: (u) => (u.role === "tenant_admin" ? "Admin" : "User") },
      { label: "Status", cell: (u) => (u.disabled ? Admin.badge("Disabled", "bad") : Admin.badge("Active", "ok")) },
    ], page, (cursor) => Admin.list(Admin.t("/users"), { cursor }), (u) => ({ "data-href": Admin.href(`/admin/users/${u.id}`), "data-user": u.email }));
    return h("div", {}, Admin.pageHeader("Users"), Admin.section(null, Admin.search("Search users", "name, email or role"), table),
      Admin.section("Add a user", form));
  }

  async function user(ctx) {
    const [u, held] = await Promise.all([Admin.api("GET", Admin.t(`/users/${encodeURIComponent(ctx.id)}`)),
      Admin.list(Admin.t(`/users/${encodeURIComponent(ctx.id)}/extensions`))]);
    const self = u.id === Admin.me.user.id;
    const form = Admin.form({
      fields: [
        Admin.field({ name: "email", label: "Email", kind: "email", value: u.email, required: true }),
        Admin.field({ name: "display_name", label: "Name", value: u.display_name }),
        Admin.field({ name: "role", label: "Role", kind: "select", value: u.role, options: roles }),
        Admin.field({ name: "disabled", label: "Disabled: cannot sign in (ends their sessions)", kind: "bool", value: u.disabled }),
        Admin.field({ name: "password", label: "New password", kind: "password", autocomplete: "new-password",
          hint: "Leave empty to keep the current one. A new password ends their sessions." }),
      ],
      submit: "Save changes",
      onSubmit: async (body) => {
        await Admin.api("PATCH", Admin.t(`/users/${u.id}`), body);
        Admin.flash("Saved.");
        Admin.go("/admin/users");
      },
    });
    form.id = "user-form";
    const remove = self ? h("p", { class: "note" }, "This is you: you cannot delete your own account.")
      : Admin.confirmButton("Delete user", `Delete ${u.email}?`, async () => {
          await Admin.api("DELETE", Admin.t(`/users/${u.id}`));
          Admin.flash(`Deleted ${u.email}.`);
          Admin.go("/admin/users");
        });
    const extensions = held.items.length
      ? h("ul", { class: "checks", id: "user-extensions" }, held.items.map((e) => h("li", {}, Admin.link(`/admin/extensions/${e.id}`,
          Admin.extensionLabel(e)), h("span", { class: "note" }, e.type === "bot" ? " · bot" : ""))))
      : h("p", { class: "note", id: "user-extensions" }, "No extensions: nothing rings them and they cannot place calls. Tick them under an extension's “Who answers”.");
    return h("div", {}, Admin.pageHeader(u.display_name || u.email, Admin.link("/admin/users", "All users")),
      h("p", { class: "note" }, u.do_not_disturb ? Admin.badge("Do not disturb", "warn") : Admin.badge("Available", "ok"),
        u.do_not_disturb ? " Calls don't ring them; they count as unavailable for forward rules (they set this on their phone)." : null),
      h("div", { class: "columns" }, Admin.section(null, form), Admin.section("Extensions they answer", extensions)),
      Admin.section("Delete", remove));
  }

  Admin.views.users = { title: "Users", noun: "user", tenant: true, render: (ctx) => (ctx.id ? user(ctx) : users(ctx)) };

  // ---- policy -------------------------------------------------------------------------------

  async function policy() {
    const [t, dids] = await Promise.all([Admin.api("GET", Admin.t("")), Admin.list(Admin.t("/dids"))]);
    const p = t.policy;
    // Where calls may go and how many: the platform operator's to set (toll fraud is the platform's bill).
    const operator = Admin.me.user.role === "platform_admin";
    const platformHint = operator ? undefined : "Set by the platform operator.";
    const form = Admin.form({
      fields: [
        h("fieldset", { class: "group" }, h("legend", {}, "Organisation"),
          Admin.field({ name: "name", label: "Name", value: t.name, required: true }),
          Admin.field({ name: "country", label: "Country", kind: "select", value: t.country, options: Admin.countries(t.country),
            hint: "National numbers are read and shown in this country's format." }),
          Admin.field({ name: "timezone", label: "Time zone", kind: "select", value: t.timezone, options: Admin.timeZones(t.timezone),
            hint: "Schedules, “today” and every time shown run on this clock." })),
        h("fieldset", { class: "group" }, h("legend", {}, "Outbound calls"),
          Admin.field({ name: "policy.allow_international", label: "Allow international calls", kind: "bool", value: p.allow_international,
            readonly: !operator, hint: platformHint }),
          Admin.field({ name: "policy.allowed_prefixes", label: "Only these prefixes", kind: "list", value: p.allowed_prefixes,
            placeholder: operator ? "+31, +32" : "none: any destination", readonly: !operator,
            hint: operator ? "E.164 prefixes, comma separated. Empty: any destination." : platformHint }),
          Admin.field({ name: "policy.blocked_prefixes", label: "Never these prefixes", kind: "list", value: p.blocked_prefixes,
            placeholder: operator ? "+31900, +31909" : "none", readonly: !operator,
            hint: operator ? "Blocked prefixes win over everything else." : platformHint }),
          Admin.field({ name: "policy.default_caller_id", label: "Default caller id", kind: "select", value: p.default_caller_id || "",
            empty: "null", options: [["", "The trunk's first number"], ...dids.items.map((d) => [d.number, d.label ? `${d.number} · ${d.label}` : d.number]),
              ...(p.default_caller_id && !dids.items.some((d) => d.number === p.default_caller_id) ? [[p.default_caller_id, p.default_caller_id]] : [])],
            hint: "The number the people you call see." }),
          Admin.field({ name: "policy.max_calls_per_user_per_hour", label: "Calls per user per hour", kind: "int",
            value: p.max_calls_per_user_per_hour, readonly: !operator,
            hint: operator ? "A brake on toll fraud with a stolen session." : platformHint })),
        h("fieldset", { class: "group" }, h("legend", {}, "Limits"),
          Admin.field({ name: "policy.max_concurrent_calls", label: "Calls at the same time", kind: "int", value: p.max_concurrent_calls,
            readonly: !operator, hint: platformHint }),
          Admin.field({ name: "policy.max_call_duration_s", label: "Longest call (seconds)", kind: "int", value: p.max_call_duration_s })),
        h("fieldset", { class: "group" }, h("legend", {}, "Forwarded calls and voicemail"),
          Admin.field({ name: "policy.forward_caller_id", label: "Forwarded calls show", kind: "select", value: p.forward_caller_id,
            options: [["did", "The number that was called (carriers accept it)"], ["caller", "The original caller's number"]] }),
          Admin.field({ name: "policy.voicemail_transcription", label: "Transcribe voicemail messages", kind: "bool",
            value: p.voicemail_transcription, hint: "Sends the audio to the configured speech-to-text service." }),
          Admin.field({ name: "policy.recording_retention_days", label: "Keep recordings for (days)", kind: "int",
            value: p.recording_retention_days })),
      ],
      submit: "Save policy",
      onSubmit: async (body) => {
        const saved = await Admin.api("PATCH", Admin.t(""), body);
        Object.assign(Admin.tenant, { name: saved.name, timezone: saved.timezone, country: saved.country, policy: saved.policy });
        document.getElementById("tenant-name").textContent = saved.name;
        Admin.flash("Policy saved.");
        Admin.reload();
      },
    });
    form.id = "policy-form";
    // Only the platform admin removes a tenant; everything it owns goes with it, stored audio too.
    const removal = Admin.me.user.role === "platform_admin"
      ? Admin.section("Delete this tenant", h("p", { class: "note" },
          "Removes its numbers, users, extensions, dialplans, call history, voicemail recordings and greetings. " +
          "Calls to its numbers are refused from then on."),
        h("p", { id: "tenant-delete" }, Admin.confirmButton("Delete tenant",
          `Delete ${t.name} and everything it owns? This cannot be undone.`, async () => {
            await Admin.api("DELETE", Admin.t(""));
            Admin.tenant = null;
            Admin.managing = false;
            Admin.flash(`Deleted ${t.name}.`);
            Admin.go("/admin/tenants");
          })))
      : null;
    return h("div", {}, Admin.pageHeader("Policy"), Admin.section(null, form), removal);
  }

  Admin.views.policy = { title: "Policy", tenant: true, render: policy };
})(window.ScaiDialAdmin);
