// ScaiDial admin console: dialplans — rules in the order they run, the rule editor, and the simulator.
"use strict";

(function (Admin) {
  const { h } = Admin;
  const dayNames = { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" };

  async function list() {
    const [plans, dids] = await Promise.all([Admin.list(Admin.t("/dialplans")), Admin.list(Admin.t("/dids"))]);
    const form = Admin.form({
      fields: [Admin.field({ name: "name", label: "Name", required: true, placeholder: "Main line" })],
      submit: "Create dialplan",
      onSubmit: async (body) => {
        const plan = await Admin.api("POST", Admin.t("/dialplans"), body);
        Admin.flash(`Created dialplan ${plan.name}. Add its rules.`);
        Admin.go(`/admin/dialplans/${plan.id}`);
      },
    });
    form.id = "dialplan-form";
    const numbers = (p) => dids.items.filter((d) => d.dialplan_id === p.id).map((d) => d.number);
    const table = plans.items.length
      ? Admin.pagedTable([
          { label: "Name", cell: (p) => Admin.link(`/admin/dialplans/${p.id}`, p.name) },
          { label: "Rules", cell: (p) => String(p.rules.length) },
          { label: "Numbers", cell: (p) => numbers(p).join(", ") || h("span", { class: "muted" }, "none") },
        ], plans, (cursor) => Admin.list(Admin.t("/dialplans"), { cursor }))
      : Admin.empty("No dialplans yet",
          "A dialplan is an ordered list of rules that decides where a number's calls go: ring an extension, voicemail, forward or hang up. Create one below.");
    return h("div", {}, Admin.pageHeader("Dialplans"), Admin.section(null, table), Admin.section("Create a dialplan", form));
  }

  // ---- what a rule says, in words -------------------------------------------------------------

  function when(c) {
    const parts = [];
    if (c.caller) parts.push(`from ${c.caller}`);
    if (c.callee) parts.push(`to ${c.callee}`);
    if (c.days && c.days.length) parts.push(c.days.map((d) => dayNames[d] || d).join(" "));
    if (c.time_from || c.time_to) parts.push(`${c.time_from || "00:00"}–${c.time_to || "24:00"}`);
    if (c.date_from || c.date_to) parts.push(`${c.date_from || "…"} to ${c.date_to || "…"}`);
    return parts.length ? parts.join(", ") : "Any call";
  }

  Admin.actionWords = function (a, extensions) {
    const ext = (id) => Admin.extensionLabel(extensions.find((e) => e.id === id));
    switch (a.type) {
      case "ring_extension": return `Ring ${ext(a.extension_id)}`;
      case "voicemail": return `Voicemail of ${ext(a.extension_id)}`;
      case "forward": return `Forward to ${a.target}${a.mode === "refer" ? " (transfer)" : ""}`;
      case "hangup": return `Hang up (SIP ${a.sip_status || 603})`;
      default: return a.type;
    }
  };

  // ---- the rule editor ----------------------------------------------------------------------

  function ruleForm(plan, rule, extensions, done) {
    const r = rule || { enabled: true, conditions: {}, action: { type: "ring_extension" } };
    const c = r.conditions || {}, a = r.action || {};
    const next = plan.rules.length ? Math.max(...plan.rules.map((x) => x.priority)) + 10 : 10;
    const form = Admin.form({
      fields: [
        h("div", { class: "row" },
          Admin.field({ name: "name", label: "Name", value: r.name, placeholder: "Office hours" }),
          Admin.field({ name: "priority", label: "Priority", kind: "int", value: rule ? r.priority : next, min: 0,
            hint: "Lower runs first; unique in this dialplan." })),
        Admin.field({ name: "enabled", label: "Enabled", kind: "bool", value: r.enabled }),
        h("fieldset", { class: "group" }, h("legend", {}, "When (all that are set must hold)"),
          h("div", { class: "row" },
            Admin.field({ name: "conditions.caller", label: "Caller", value: c.caller, placeholder: "_+316XXXXXXXX",
              hint: "A number, or a pattern starting with _: X any digit, Z 1-9, N 2-9, [1-5], . one or more, ! zero or more; anonymous." }),
            Admin.field({ name: "conditions.callee", label: "Called number", value: c.callee, placeholder: "+31201234567" })),
          Admin.field({ name: "conditions.days", label: "Days", kind: "days", value: c.days }),
          h("div", { class: "row" },
            Admin.field({ name: "conditions.time_from", label: "From time", kind: "time", value: c.time_from }),
            Admin.field({ name: "conditions.time_to", label: "Until time", kind: "time", value: c.time_to,
              hint: `On ${Admin.tenant.timezone} time; may pass midnight.` })),
          h("div", { class: "row" },
            Admin.field({ name: "conditions.date_from", label: "From date", kind: "date", value: c.date_from }),
            Admin.field({ name: "conditions.date_to", label: "Until date (included)", kind: "date", value: c.date_to }))),
        h("fieldset", { class: "group" }, h("legend", {}, "Then"),
          Admin.field({ name: "action.type", label: "Action", kind: "select", value: a.type,
            options: [["ring_extension", "Ring an extension"], ["voicemail", "Voicemail"], ["forward", "Forward"], ["hangup", "Hang up"]] }),
          Admin.field({ name: "action.extension_id", label: "Extension", kind: "select", value: a.extension_id,
            options: extensions.map((e) => [e.id, Admin.extensionLabel(e)]) }),
          Admin.field({ name: "action.target", label: "Forward to", value: a.target, placeholder: "+31612345678 or sip:desk@pbx.example" }),
          Admin.field({ name: "action.mode", label: "How", kind: "select", value: a.mode || "bridge",
            options: [["bridge", "Bridge: dial the number into the call"], ["refer", "Transfer: hand the call over (SIP REFER)"]] }),
          Admin.field({ name: "action.sip_status", label: "SIP status", kind: "int", value: a.sip_status, placeholder: "603",
            hint: "400-699; empty: 603 Decline." })),
      ],
      submit: rule ? "Save rule" : "Add rule",
      cancel: () => done(null),
      onSubmit: async (body) => {
        body.conditions = body.conditions || {}; // conditions are replaced as a whole: none set = none
        try {
          const saved = rule
            ? await Admin.api("PATCH", Admin.t(`/dialplans/${plan.id}/rules/${rule.id}`), body)
            : await Admin.api("POST", Admin.t(`/dialplans/${plan.id}/rules`), body);
          done(saved);
        } catch (e) {
          if (e.status === 409) e.errors = [{ field: "priority", message: e.message }];
          throw e;
        }
      },
    });
    form.id = "rule-form";
    const type = form.querySelector('[name="action.type"]');
    const show = () => {
      Admin.showField(form, "action.extension_id", ["ring_extension", "voicemail"].includes(type.value));
      Admin.showField(form, "action.target", type.value === "forward");
      Admin.showField(form, "action.mode", type.value === "forward");
      Admin.showField(form, "action.sip_status", type.value === "hangup");
    };
    type.addEventListener("change", show);
    show();
    return h("section", { class: "panel editor", id: "rule-editor" }, h("h2", { tabindex: "-1" }, rule ? `Edit rule ${r.name}` : "Add a rule"), form);
  }

  // ---- the plan page ------------------------------------------------------------------------

  async function detail(ctx) {
    const [loaded, extensions, dids] = await Promise.all([Admin.api("GET", Admin.t(`/dialplans/${encodeURIComponent(ctx.id)}`)),
      Admin.list(Admin.t("/extensions")), Admin.list(Admin.t("/dids"))]);
    let plan = loaded;
    let winner = null;
    const rulesBox = h("div", { id: "rules" });
    const editorBox = h("div", {});
    const status = h("p", { class: "field-error", role: "alert", id: "rules-error" });

    async function refresh(focusRule, focusWhat) {
      plan = await Admin.api("GET", Admin.t(`/dialplans/${plan.id}`));
      drawRules(focusRule, focusWhat);
    }

    async function move(rule, by) {
      const ids = plan.rules.map((r) => r.id);
      const i = ids.indexOf(rule.id);
      const j = i + by;
      if (j < 0 || j >= ids.length) return;
      [ids[i], ids[j]] = [ids[j], ids[i]];
      status.textContent = "";
      try {
        plan = await Admin.api("POST", Admin.t(`/dialplans/${plan.id}/reorder`), { rule_ids: ids });
        drawRules(rule.id, by < 0 ? "up" : "down");
        Admin.flash(`Moved ${rule.name} ${by < 0 ? "up" : "down"}.`);
      } catch (e) {
        status.textContent = e.message;
      }
    }

    async function toggle(rule, box) {
      status.textContent = "";
      try {
        await Admin.api("PATCH", Admin.t(`/dialplans/${plan.id}/rules/${rule.id}`), { enabled: box.checked });
        await refresh(rule.id, "enabled");
      } catch (e) {
        box.checked = !box.checked;
        status.textContent = e.message;
      }
    }

    function edit(rule) {
      editorBox.replaceChildren(ruleForm(plan, rule, extensions.items, async (saved) => {
        editorBox.replaceChildren();
        if (saved) {
          Admin.flash(rule ? `Saved rule ${saved.name}.` : `Added rule ${saved.name}.`);
          await refresh(saved.id, "edit");
        }
      }));
      editorBox.querySelector("h2").focus();
    }

    function drawRules(focusRule, focusWhat) {
      const rows = plan.rules;
      const table = rows.length ? Admin.table([
        { label: "Order", cell: (r) => String(rows.indexOf(r) + 1) },
        { label: "Priority", cell: (r) => String(r.priority) },
        { label: "Name", cell: (r) => h("strong", {}, r.name) },
        { label: "When", cell: (r) => when(r.conditions) },
        { label: "Then", cell: (r) => Admin.actionWords(r.action, extensions.items) },
        { label: "Enabled", cell: (r) => h("input", { type: "checkbox", checked: r.enabled, "data-action": "enabled",
          "aria-label": `Rule ${r.name} enabled`, onchange: (e) => toggle(r, e.target) }) },
        { label: "", className: "row-actions", cell: (r) => [
          h("button", { type: "button", "data-action": "up", disabled: rows.indexOf(r) === 0, "aria-label": `Move ${r.name} up`,
            onclick: () => move(r, -1) }, "↑"),
          h("button", { type: "button", "data-action": "down", disabled: rows.indexOf(r) === rows.length - 1,
            "aria-label": `Move ${r.name} down`, onclick: () => move(r, 1) }, "↓"),
          h("button", { type: "button", "data-action": "edit", onclick: () => edit(r) }, "Edit"),
          Admin.confirmButton("Delete", "Delete this rule?", async () => {
            await Admin.api("DELETE", Admin.t(`/dialplans/${plan.id}/rules/${r.id}`));
            Admin.flash(`Deleted rule ${r.name}.`);
            await refresh();
          }),
        ] },
      ], rows, (r) => ({ "data-rule": r.name, "data-rule-id": r.id, class: [r.enabled ? null : "disabled", r.id === winner ? "winner" : null].filter(Boolean).join(" ") || null }))
        : Admin.empty("No rules yet", "Without a rule every call is rejected (SIP 480). Add the first rule: for example, ring an extension.");
      rulesBox.replaceChildren(table);
      const target = focusRule && rulesBox.querySelector(`[data-rule-id="${focusRule}"] [data-action="${focusWhat}"]`);
      if (target && !target.disabled) target.focus();
      else if (target) rulesBox.querySelector(`[data-rule-id="${focusRule}"] [data-action="${focusWhat === "up" ? "down" : "up"}"]`).focus();
    }

    const rename = Admin.form({
      fields: [Admin.field({ name: "name", label: "Name", value: plan.name, required: true })],
      submit: "Rename",
      onSubmit: async (body) => {
        await Admin.api("PATCH", Admin.t(`/dialplans/${plan.id}`), body);
        Admin.flash("Renamed.");
        Admin.reload();
      },
    });
    const remove = Admin.confirmButton("Delete dialplan", "Delete this dialplan and its rules?", async () => {
      await Admin.api("DELETE", Admin.t(`/dialplans/${plan.id}`));
      Admin.flash(`Deleted dialplan ${plan.name}.`);
      Admin.go("/admin/dialplans");
    });
    const numbers = dids.items.filter((d) => d.dialplan_id === plan.id).map((d) => d.number);
    drawRules();
    const simulator = Admin.simulator(plan, numbers[0], extensions.items, (ruleId) => {
      winner = ruleId;
      drawRules();
    });
    return h("div", {}, Admin.pageHeader(`Dialplan ${plan.name}`, Admin.link("/admin/dialplans", "All dialplans")),
      h("p", { class: "note" }, numbers.length ? `Calls to ${numbers.join(", ")} follow this dialplan. ` : "No number follows this dialplan yet. ",
        "The first enabled rule that matches decides; no match rejects the call (SIP 480)."),
      Admin.section("Rules", rulesBox, status, h("button", { type: "button", class: "primary", id: "add-rule", onclick: () => edit(null) },
        "Add rule")),
      editorBox, simulator,
      h("div", { class: "columns" }, Admin.section("Rename", rename), Admin.section("Delete",
        h("p", { class: "note" }, "Refused while numbers follow this dialplan."), remove)));
  }

  Admin.views.dialplans = { title: "Dialplans", noun: "dialplan", tenant: true, render: (ctx) => (ctx.id ? detail(ctx) : list(ctx)) };
})(window.ScaiDialAdmin);
