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
        ], plans, (cursor) => Admin.list(Admin.t("/dialplans"), { cursor }), (p) => ({ "data-href": Admin.href(`/admin/dialplans/${p.id}`) }))
      : Admin.empty("No dialplans yet",
          "A dialplan is an ordered list of rules that decides where a number's calls go: ring an extension, voicemail, forward or hang up. Create one below.");
    return h("div", {}, Admin.pageHeader("Dialplans"), Admin.section(null, table), Admin.section("Create a dialplan", form));
  }

  // ---- what a rule says, in words -------------------------------------------------------------

  const sideWords = { during: "During", outside: "Outside", holiday: "On a holiday of" };
  const hasConditions = (c) => Object.values(c || {}).some((v) => v !== null && v !== undefined && !(Array.isArray(v) && !v.length));
  /// An enabled rule without conditions takes every call that reaches it: last, it is "otherwise".
  const catchAll = (r) => r && r.enabled && !hasConditions(r.conditions);

  function when(c, schedules, last) {
    const parts = [];
    if (c.schedule_id) {
      const s = schedules.find((x) => x.id === c.schedule_id);
      parts.push(`${sideWords[c.schedule_when] || c.schedule_when} ${s ? s.name : "a deleted schedule"}`);
    }
    if (c.caller) parts.push(`from ${c.caller}`);
    if (c.callee) parts.push(`to ${c.callee}`);
    if (c.days && c.days.length) parts.push(c.days.map((d) => dayNames[d] || d).join(" "));
    if (c.time_from || c.time_to) parts.push(`${c.time_from || "00:00"}–${c.time_to || "24:00"}`);
    if (c.date_from || c.date_to) {
      parts.push(c.date_from && c.date_to ? Admin.fmt.dateRange(c.date_from, c.date_to)
        : c.date_from ? `from ${Admin.fmt.dateRange(c.date_from)}` : `until ${Admin.fmt.dateRange(c.date_to)}`);
    }
    return parts.length ? parts.join(", ") : last ? "Otherwise (every other call)" : "Every call";
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

  /// `preset`: a new rule's starting values (the *otherwise* rule: no conditions).
  function ruleForm(plan, rule, extensions, schedules, done, preset) {
    const r = rule || preset || { enabled: true, conditions: {}, action: { type: "ring_extension" } };
    const c = r.conditions || {}, a = r.action || {};
    const custom = !!(c.days && c.days.length) || !!(c.time_from || c.time_to || c.date_from || c.date_to);
    const whenValue = c.schedule_id ? `${c.schedule_when}:${c.schedule_id}` : custom ? "custom" : "any";
    const form = Admin.form({
      fields: [
        Admin.field({ name: "name", label: "Name", value: r.name, placeholder: "Office hours" }),
        Admin.field({ name: "enabled", label: "On", kind: "bool", value: r.enabled }),
        h("fieldset", { class: "group" }, h("legend", {}, "When"),
          Admin.field({ name: "when", label: "Calls that arrive", kind: "select", value: whenValue,
            options: [["any", "Any time (every call that gets this far)"],
              ...schedules.flatMap((s) => [[`during:${s.id}`, `During ${s.name}`], [`outside:${s.id}`, `Outside ${s.name}`],
                [`holiday:${s.id}`, `On a holiday of ${s.name}`]]),
              ["custom", "On certain days, times or dates"]],
            hint: schedules.length ? null : "Office hours and holidays you use often: define them once under Schedules." }),
          h("div", { class: "custom-when" },
            Admin.field({ name: "conditions.days", label: "Days", kind: "days", value: c.days }),
            h("div", { class: "row" },
              Admin.field({ name: "conditions.time_from", label: "From time", kind: "time", value: c.time_from }),
              Admin.field({ name: "conditions.time_to", label: "Until time", kind: "time", value: c.time_to,
                hint: `On ${Admin.tenant.timezone} time; may pass midnight.` })),
            h("div", { class: "row" },
              Admin.field({ name: "conditions.date_from", label: "From date", kind: "date", value: c.date_from }),
              Admin.field({ name: "conditions.date_to", label: "Until date (included)", kind: "date", value: c.date_to }))),
          h("details", { class: "more-fields", open: !!(c.caller || c.callee) }, h("summary", {}, "Only some callers or numbers"),
            h("div", { class: "row" },
              Admin.field({ name: "conditions.caller", label: "Caller", value: c.caller, placeholder: "_+316XXXXXXXX",
                hint: "A number, or a pattern starting with _: X any digit, Z 1-9, N 2-9, [1-5], . one or more, ! zero or more; anonymous." }),
              Admin.field({ name: "conditions.callee", label: "Called number", value: c.callee, placeholder: "+31201234567" })))),
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
        const choice = body.when;
        delete body.when;
        body.conditions = body.conditions || {}; // conditions are replaced as a whole: none set = none
        if (choice && choice.includes(":")) {
          const [side, id] = choice.split(":");
          Object.assign(body.conditions, { schedule_id: id, schedule_when: side });
        }
        if (!rule) {
          // Appended after the last rule; the order is what people see and move, never a number.
          body.priority = plan.rules.length ? Math.max(...plan.rules.map((x) => x.priority)) + 10 : 10;
        }
        const saved = rule
          ? await Admin.api("PATCH", Admin.t(`/dialplans/${plan.id}/rules/${rule.id}`), body)
          : await Admin.api("POST", Admin.t(`/dialplans/${plan.id}/rules`), body);
        // A new rule with conditions goes before an *otherwise* rule, or it could never match.
        const last = plan.rules[plan.rules.length - 1];
        if (!rule && catchAll(last) && hasConditions(saved.conditions)) {
          const ids = plan.rules.map((x) => x.id);
          ids.splice(ids.length - 1, 0, saved.id);
          await Admin.api("POST", Admin.t(`/dialplans/${plan.id}/reorder`), { rule_ids: ids });
        }
        done(saved);
      },
    });
    form.id = "rule-form";
    const type = form.querySelector('[name="action.type"]');
    const whenSelect = form.querySelector('[name="when"]');
    const show = () => {
      Admin.showField(form, "action.extension_id", ["ring_extension", "voicemail"].includes(type.value));
      Admin.showField(form, "action.target", type.value === "forward");
      Admin.showField(form, "action.mode", type.value === "forward");
      Admin.showField(form, "action.sip_status", type.value === "hangup");
      form.querySelector(".custom-when").hidden = whenSelect.value !== "custom";
    };
    type.addEventListener("change", show);
    whenSelect.addEventListener("change", show);
    show();
    const panel = h("section", { class: "panel editor", id: "rule-editor", "aria-label": rule ? `Edit rule ${r.name}` : "Add a rule" },
      h("h2", { tabindex: "-1" }, rule ? `Edit rule ${r.name}` : preset ? "Add an otherwise rule" : "Add a rule"),
      h("p", { class: "note" }, "Esc closes without saving."), form);
    panel.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      event.preventDefault();
      done(null);
    });
    return panel;
  }

  // ---- the plan page ------------------------------------------------------------------------

  async function detail(ctx) {
    const [loaded, extensions, dids, schedules] = await Promise.all([Admin.api("GET", Admin.t(`/dialplans/${encodeURIComponent(ctx.id)}`)),
      Admin.list(Admin.t("/extensions")), Admin.list(Admin.t("/dids")), Admin.list(Admin.t("/schedules"))]);
    let plan = loaded;
    let winner = null;
    let editing = null; // {id | "new", opener}
    const rulesBox = h("div", { id: "rules" });
    const editorBox = h("div", {});
    const status = h("p", { class: "field-error", role: "alert", id: "rules-error" });
    const columns = 6;

    async function refresh(focusRule, focusWhat) {
      plan = await Admin.api("GET", Admin.t(`/dialplans/${plan.id}`));
      drawRules(focusRule, focusWhat);
    }

    async function reorder(ids) {
      plan = await Admin.api("POST", Admin.t(`/dialplans/${plan.id}/reorder`), { rule_ids: ids });
    }

    async function move(rule, by) {
      const before = plan.rules.map((r) => r.id);
      const ids = [...before];
      const i = ids.indexOf(rule.id);
      const j = i + by;
      if (j < 0 || j >= ids.length) return;
      [ids[i], ids[j]] = [ids[j], ids[i]];
      status.textContent = "";
      try {
        await reorder(ids);
        drawRules(rule.id, by < 0 ? "up" : "down");
        Admin.toast(`Moved ${rule.name} ${by < 0 ? "up" : "down"}.`, async () => {
          await reorder(before);
          drawRules(rule.id, by < 0 ? "down" : "up");
        });
      } catch (e) {
        status.textContent = e.message;
      }
    }

    async function toggle(rule, box) {
      status.textContent = "";
      const on = box.checked;
      try {
        await Admin.api("PATCH", Admin.t(`/dialplans/${plan.id}/rules/${rule.id}`), { enabled: on });
        await refresh(rule.id, "enabled");
        Admin.toast(`${rule.name} is ${on ? "on" : "off"}.`, async () => {
          await Admin.api("PATCH", Admin.t(`/dialplans/${plan.id}/rules/${rule.id}`), { enabled: !on });
          await refresh(rule.id, "enabled");
        });
      } catch (e) {
        box.checked = !box.checked;
        status.textContent = e.message;
      }
    }

    function closeEditor(saved, isNew) {
      const opener = editing && editing.opener;
      editing = null;
      editorBox.replaceChildren();
      drawRules();
      if (saved) {
        Admin.toast(isNew ? `Added rule ${saved.name}.` : `Saved rule ${saved.name}.`);
        refresh(saved.id, "edit");
      } else if (opener) {
        const again = opener.id ? document.getElementById(opener.id)
          : rulesBox.querySelector(`[data-rule-id="${opener.rule}"] [data-action="edit"]`);
        if (again) again.focus();
      }
    }

    /// The editor opens where the rule is: a row under it (a new rule: under the list).
    function edit(rule, preset, opener) {
      editing = { id: rule ? rule.id : "new", opener };
      const panel = ruleForm(plan, rule, extensions.items, schedules.items, (saved) => closeEditor(saved, !rule), preset);
      drawRules();
      if (rule) {
        const row = rulesBox.querySelector(`tr[data-rule-id="${rule.id}"]`);
        const holder = h("tr", { class: "editor-row" }, h("td", { colspan: String(columns) }, panel));
        row.after(holder);
        editorBox.replaceChildren();
      } else {
        editorBox.replaceChildren(panel);
      }
      panel.querySelector("h2").focus();
    }

    function drawRules(focusRule, focusWhat) {
      const rows = plan.rules;
      const last = rows[rows.length - 1];
      const table = rows.length ? Admin.table([
        { label: "#", cell: (r) => String(rows.indexOf(r) + 1) },
        { label: "Name", cell: (r) => h("strong", {}, r.name) },
        { label: "When", cell: (r) => when(r.conditions, schedules.items, r === last) },
        { label: "Then", cell: (r) => Admin.actionWords(r.action, extensions.items) },
        { label: "On", cell: (r) => h("input", { type: "checkbox", checked: r.enabled, "data-action": "enabled",
          "aria-label": `Rule ${r.name} on`, onchange: (e) => toggle(r, e.target) }) },
        { label: "", className: "row-actions", cell: (r) => [
          h("button", { type: "button", "data-action": "up", disabled: rows.indexOf(r) === 0, "aria-label": `Move ${r.name} up`,
            title: "Move up", onclick: () => move(r, -1) }, "↑"),
          h("button", { type: "button", "data-action": "down", disabled: rows.indexOf(r) === rows.length - 1,
            "aria-label": `Move ${r.name} down`, title: "Move down", onclick: () => move(r, 1) }, "↓"),
          h("button", { type: "button", "data-action": "edit", "aria-label": `Edit ${r.name}`, "aria-expanded": String(editing && editing.id === r.id),
            onclick: () => edit(r, null, { rule: r.id }) }, "Edit"),
          Admin.confirmButton("Delete", `Delete rule ${r.name}?`, async () => {
            await Admin.api("DELETE", Admin.t(`/dialplans/${plan.id}/rules/${r.id}`));
            Admin.toast(`Deleted rule ${r.name}.`);
            await refresh();
          }),
        ] },
      ], rows, (r) => ({ "data-rule": r.name, "data-rule-id": r.id, class: [r.enabled ? null : "disabled", r.id === winner ? "winner" : null].filter(Boolean).join(" ") || null }))
        : Admin.empty("No rules yet", "Without a rule every call is rejected (SIP 480). Add the first rule: for example, ring an extension.");
      rulesBox.replaceChildren(table);
      otherwise.hidden = !rows.length || catchAll(last);
      const target = focusRule && rulesBox.querySelector(`[data-rule-id="${focusRule}"] [data-action="${focusWhat}"]`);
      if (target && !target.disabled) target.focus();
      else if (target) rulesBox.querySelector(`[data-rule-id="${focusRule}"] [data-action="${focusWhat === "up" ? "down" : "up"}"]`).focus();
    }

    const otherwise = h("button", { type: "button", id: "add-otherwise", hidden: true,
      onclick: () => edit(null, { name: "Otherwise", enabled: true, conditions: {}, action: { type: "voicemail" } }, { id: "add-otherwise" }) },
    "Add an otherwise rule");

    const rename = Admin.form({
      fields: [Admin.field({ name: "name", label: "Name", value: plan.name, required: true })],
      submit: "Rename",
      onSubmit: async (body) => {
        await Admin.api("PATCH", Admin.t(`/dialplans/${plan.id}`), body);
        Admin.toast("Renamed.");
        Admin.reload();
      },
    });
    const remove = Admin.confirmButton("Delete dialplan", "Delete this dialplan and its rules?", async () => {
      await Admin.api("DELETE", Admin.t(`/dialplans/${plan.id}`));
      Admin.flash(`Deleted dialplan ${plan.name}.`);
      Admin.go("/admin/dialplans");
    });
    const mine = dids.items.filter((d) => d.dialplan_id === plan.id);
    drawRules();
    const simulator = Admin.simulator(plan, mine[0] && mine[0].number, extensions.items, (ruleId) => {
      winner = ruleId;
      drawRules();
    });
    return h("div", {}, Admin.pageHeader(`Dialplan ${plan.name}`, Admin.link("/admin/dialplans", "All dialplans")),
      h("p", { class: "note" }, "Rules run from the top; the first rule that is on and matches decides. No match rejects the call (SIP 480)."),
      Admin.section("Rules", rulesBox, status, h("div", { class: "form-actions" },
        h("button", { type: "button", class: "primary", id: "add-rule", onclick: () => edit(null, null, { id: "add-rule" }) }, "Add rule"),
        otherwise)),
      editorBox, numbersPanel(plan, dids.items), simulator,
      h("div", { class: "columns" }, Admin.section("Rename", rename), Admin.section("Delete",
        h("p", { class: "note" }, "Refused while numbers follow this dialplan."), remove)));
  }

  /// The numbers that follow this dialplan, and attaching another one (or taking one away) here.
  function numbersPanel(plan, dids) {
    const mine = dids.filter((d) => d.dialplan_id === plan.id);
    const others = dids.filter((d) => d.dialplan_id !== plan.id);
    const error = h("p", { class: "field-error", role: "alert", id: "numbers-error" });
    async function point(did, dialplanId, words, undo) {
      error.textContent = "";
      try {
        await Admin.api("PATCH", Admin.t(`/dids/${did.id}`), { dialplan_id: dialplanId });
        Admin.reload({ focus: "#attach-number" });
        Admin.toast(words, undo);
      } catch (e) {
        error.textContent = e.message;
      }
    }
    const list = mine.length
      ? h("ul", { class: "checks", id: "plan-numbers" }, mine.map((d) => h("li", { "data-number": d.number },
          h("strong", {}, d.number), d.label ? ` · ${d.label} ` : " ",
          h("button", { type: "button", class: "link", "aria-label": `Detach ${d.number}`,
            onclick: () => point(d, null, `${d.number} no longer follows ${plan.name}: its calls are rejected.`,
              () => point(d, plan.id, `${d.number} follows ${plan.name} again.`)) }, "Detach"))))
      : h("p", { class: "note" }, "No number follows this dialplan yet: its rules take no calls.");
    const select = h("select", { id: "attach-select", "aria-label": "Number to attach" },
      others.map((d) => h("option", { value: d.id }, `${d.number}${d.dialplan_id ? " (now on another dialplan)" : " (not routed)"}`)));
    const attach = h("button", { type: "button", id: "attach-number", onclick: () => {
      const did = others.find((d) => d.id === select.value);
      if (did) point(did, plan.id, `${did.number} now follows ${plan.name}.`, () => point(did, did.dialplan_id, `${did.number} is back where it was.`));
    } }, "Attach");
    return Admin.section("Numbers", list,
      others.length ? h("div", { class: "attach" }, select, attach) : dids.length ? null
        : h("p", { class: "note" }, "No numbers yet. ", Admin.link("/admin/numbers", "Add a number"), "."),
      error);
  }

  Admin.views.dialplans = { title: "Dialplans", noun: "dialplan", tenant: true, render: (ctx) => (ctx.id ? detail(ctx) : list(ctx)) };
})(window.ScaiDialAdmin);
