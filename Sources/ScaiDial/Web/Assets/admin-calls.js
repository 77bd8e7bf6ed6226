// ScaiDial admin console: call history (filters, pages, legs), one call, and the live calls.
"use strict";

(function (Admin) {
  const { h } = Admin;
  const tones = { routing: "live", ringing: "warn", active: "live", ended: "muted", failed: "bad", answered: "ok", dialing: "warn" };
  const stateBadge = (state) => Admin.badge(Admin.fmt.words(state), tones[state]);
  const direction = (c) => (c.direction === "inbound" ? "In" : "Out");
  const byId = (items) => Object.fromEntries(items.map((x) => [x.id, x]));

  /// Who a leg is, in words: the caller's own leg, the number dialled, the user who answered, the
  /// extension, the bot.
  function legWho(leg, names, call) {
    if (call && call.direction === "inbound" && leg.kind === "sip" && leg.destination === call.to) {
      return `${call.from || "withheld"} → ${call.to}`;
    }
    const user = leg.user_id && names.users[leg.user_id];
    const ext = leg.extension_id && names.extensions[leg.extension_id];
    return [leg.destination, user ? user.display_name || user.email : null, ext ? `ext ${Admin.extensionLabel(ext)}` : null]
      .filter(Boolean).join(" · ") || leg.participant_identity || "—";
  }

  function legsTable(call, names) {
    if (!call.legs.length) return h("p", { class: "note" }, "No legs: the call was decided before anyone was dialled.");
    return Admin.table([
      { label: "Leg", cell: (l) => Admin.fmt.words(l.kind) },
      { label: "Who", cell: (l) => legWho(l, names, call) },
      { label: "State", cell: (l) => stateBadge(l.state) },
      { label: "Reason", cell: (l) => Admin.fmt.words(l.failure_reason) },
      { label: "SIP", cell: (l) => (l.sip_status ? String(l.sip_status) : "—") },
      { label: "Started", cell: (l) => Admin.fmt.time(l.started_at) },
      { label: "Answered", cell: (l) => Admin.fmt.time(l.answered_at) },
      { label: "Ended", cell: (l) => Admin.fmt.time(l.ended_at) },
    ], call.legs, (l) => ({ "data-leg": l.kind }));
  }

  const outcome = (c) => h("span", { class: "state" }, stateBadge(c.state), c.end_reason ? h("span", { class: "state-error" }, Admin.fmt.words(c.end_reason)) : null);

  /// The history's rows, each with a button that opens its legs underneath.
  function callsTable(calls, names) {
    const wrap = Admin.table([
      { label: "Started", cell: (c) => Admin.link(`/admin/calls/${c.id}`, Admin.fmt.time(c.started_at)) },
      { label: "Direction", cell: direction },
      { label: "From", cell: (c) => c.from || "withheld" },
      { label: "To", cell: (c) => c.to },
      { label: "Outcome", cell: outcome },
      { label: "SIP", cell: (c) => (c.sip_status ? String(c.sip_status) : "—") },
      { label: "Talk time", cell: (c) => Admin.fmt.duration(c.duration_s) },
      { label: "Legs", cell: (c) => h("button", { type: "button", class: "legs-toggle", "aria-expanded": "false",
        onclick: (e) => toggleLegs(e.currentTarget, c, names) }, `Legs (${c.legs.length})`) },
    ], calls, (c) => ({ "data-call": c.id }));
    return wrap;
  }

  function toggleLegs(button, call, names) {
    const row = button.closest("tr");
    const open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", String(!open));
    if (open) return row.nextElementSibling.remove();
    row.after(h("tr", { class: "legs-row" }, h("td", { colspan: "8" }, legsTable(call, names))));
  }

  // ---- history ------------------------------------------------------------------------------

  const filterKeys = ["number", "direction", "state", "from", "to"];

  /// Dates on the filter are days on the tenant's clock; the API wants instants (`to` exclusive).
  function apiQuery(params) {
    const zone = Admin.tenant.timezone;
    const q = { number: params.get("number"), direction: params.get("direction"), state: params.get("state"),
      cursor: params.get("cursor"), limit: 25 };
    if (params.get("from")) q.from = Admin.zone.instant(`${params.get("from")}T00:00`, zone).toISOString();
    if (params.get("to")) {
      const next = new Date(`${params.get("to")}T00:00:00Z`);
      next.setUTCDate(next.getUTCDate() + 1);
      q.to = Admin.zone.instant(`${next.toISOString().slice(0, 10)}T00:00`, zone).toISOString();
    }
    return q;
  }

  function filters(params) {
    const v = (k) => params.get(k) || "";
    const form = h("form", { class: "filters", id: "call-filters", role: "search" },
      Admin.field({ name: "number", label: "Number", value: v("number"), placeholder: "Part of a number", inputmode: "tel" }),
      Admin.field({ name: "direction", label: "Direction", kind: "select", value: v("direction"),
        options: [["", "Both"], ["inbound", "Inbound"], ["outbound", "Outbound"]] }),
      Admin.field({ name: "state", label: "State", kind: "select", value: v("state"),
        options: [["", "Any"], ...["routing", "ringing", "active", "ended", "failed"].map((s) => [s, Admin.fmt.words(s)])] }),
      Admin.field({ name: "from", label: "From day", kind: "date", value: v("from") }),
      Admin.field({ name: "to", label: "Until day", kind: "date", value: v("to") }),
      h("div", { class: "filter-actions" }, h("button", { type: "submit", class: "primary" }, "Search"),
        Admin.link("/admin/calls", "Clear")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = Admin.readForm(form);
      const q = Object.fromEntries(filterKeys.filter((k) => body[k]).map((k) => [k, body[k]]));
      Admin.go(`/admin/calls${Admin.query(q)}`);
    });
    return form;
  }

  async function history(ctx) {
    const params = ctx.params;
    const [calls, users, extensions] = await Promise.all([
      Admin.api("GET", Admin.t("/calls") + Admin.query(apiQuery(params))).catch((e) => {
        if (e.status === 422) return { problem: e };
        throw e;
      }),
      Admin.list(Admin.t("/users")), Admin.list(Admin.t("/extensions"))]);
    const form = filters(params);
    const head = Admin.pageHeader("Call history", Admin.link("/admin/active", "Live calls"));
    if (calls.problem) {
      form.append(h("p", { class: "form-error field-error", role: "alert" }));
      Admin.showErrors(form, calls.problem);
      return h("div", {}, head, Admin.section(null, form));
    }
    const names = { users: byId(users.items), extensions: byId(extensions.items) };
    const filtered = filterKeys.some((k) => params.get(k));
    let body;
    if (calls.items.length) {
      const keep = Object.fromEntries(filterKeys.filter((k) => params.get(k)).map((k) => [k, params.get(k)]));
      body = [callsTable(calls.items, names), h("div", { class: "pager" },
        params.get("cursor") ? Admin.link(`/admin/calls${Admin.query(keep)}`, "Newest calls") : null,
        calls.next_cursor ? Admin.link(`/admin/calls${Admin.query({ ...keep, cursor: calls.next_cursor })}`, "Older calls", { id: "older" }) : null)];
    } else if (filtered) {
      body = Admin.empty("No calls match", "Try a wider date range or fewer filters.", Admin.link("/admin/calls", "Clear the filters"));
    } else {
      body = Admin.empty("No calls yet",
        "Calls show up here as they happen. To receive calls, add a trunk, give it a number, and point the number at a dialplan.",
        Admin.link("/admin/trunks", "Trunks"), " · ", Admin.link("/admin/numbers", "Numbers"), " · ", Admin.link("/admin/dialplans", "Dialplans"));
    }
    return h("div", {}, head, Admin.section(null, form, h("p", { class: "note" }, `Times are ${Admin.tenant.timezone}.`), body));
  }

  // ---- one call -----------------------------------------------------------------------------

  async function detail(ctx) {
    const [call, users, extensions, plans, trunks, dids] = await Promise.all([
      Admin.api("GET", Admin.t(`/calls/${encodeURIComponent(ctx.id)}`)), Admin.list(Admin.t("/users")), Admin.list(Admin.t("/extensions")),
      Admin.list(Admin.t("/dialplans")), Admin.list(Admin.t("/trunks")), Admin.list(Admin.t("/dids"))]);
    const names = { users: byId(users.items), extensions: byId(extensions.items) };
    const plan = call.dialplan_id && byId(plans.items)[call.dialplan_id];
    const rule = plan && call.rule_id && plan.rules.find((r) => r.id === call.rule_id);
    const trunk = call.trunk_id && byId(trunks.items)[call.trunk_id];
    const did = call.did_id && byId(dids.items)[call.did_id];
    const placedBy = call.placed_by_user_id && names.users[call.placed_by_user_id];
    const fact = (label, value) => (value === null || value === undefined || value === "" ? null : [h("dt", {}, label), h("dd", {}, value)]);
    return h("div", {}, Admin.pageHeader(`${direction(call)} call ${call.from || "withheld"} → ${call.to}`, Admin.link("/admin/calls", "Call history")),
      Admin.section(null, h("dl", { class: "facts", id: "call-facts" },
        fact("Outcome", outcome(call)),
        fact("SIP status", call.sip_status ? String(call.sip_status) : null),
        fact("Started", Admin.fmt.time(call.started_at)),
        fact("Answered", call.answered_at ? Admin.fmt.time(call.answered_at) : "never"),
        fact("Ended", call.ended_at ? Admin.fmt.time(call.ended_at) : null),
        fact("Talk time", call.duration_s !== null ? Admin.fmt.duration(call.duration_s) : null),
        fact("Number", did ? did.number : null),
        fact("Trunk", trunk ? Admin.link(`/admin/trunks/${trunk.id}`, trunk.name) : null),
        fact("Dialplan", plan ? Admin.link(`/admin/dialplans/${plan.id}`, plan.name) : null),
        fact("Rule", rule ? rule.name : call.rule_id ? "a deleted rule" : null),
        fact("Action", call.action ? Admin.fmt.words(call.action) : null),
        fact("Forward hops", call.hops ? String(call.hops) : null),
        fact("Placed by", placedBy ? placedBy.display_name || placedBy.email : null),
        fact("Room", h("span", { class: "mono" }, call.room_name)),
        fact("LiveKit call id", call.livekit_call_id ? h("span", { class: "mono" }, call.livekit_call_id) : null))),
      Admin.section("Legs", legsTable(call, names)));
  }

  Admin.views.calls = { title: "Call history", noun: "call", tenant: true, render: (ctx) => (ctx.id ? detail(ctx) : history(ctx)) };

  // ---- live calls ---------------------------------------------------------------------------

  async function active(ctx) {
    const load = () => Admin.api("GET", Admin.t("/calls/active"));
    const [first, users, extensions] = await Promise.all([load(), Admin.list(Admin.t("/users")), Admin.list(Admin.t("/extensions"))]);
    const names = { users: byId(users.items), extensions: byId(extensions.items) };
    const box = h("div", { id: "active-calls" });
    const note = h("p", { class: "note", id: "active-updated" });
    const talking = (c) => (c.answered_at ? Admin.fmt.duration((Date.now() - Date.parse(c.answered_at)) / 1000) : "—");
    let shown = null;
    /// Redraws the table only when calls came, went or changed; otherwise just the clocks tick
    /// (so the keyboard focus stays where it is).
    function draw(calls) {
      const key = JSON.stringify(calls.items.map((c) => [c.id, c.state, c.answered_at, c.legs.map((l) => [l.id, l.state])]));
      note.textContent = `Live: checked every 3 seconds; last at ${Admin.fmt.time(new Date().toISOString())}.`;
      note.classList.remove("warn");
      if (key === shown) {
        for (const c of calls.items) {
          const cell = box.querySelector(`tr[data-call="${c.id}"] [data-label="Talking for"]`);
          if (cell) cell.textContent = talking(c);
        }
        return;
      }
      shown = key;
      box.replaceChildren(calls.items.length ? Admin.table([
        { label: "Started", cell: (c) => Admin.link(`/admin/calls/${c.id}`, Admin.fmt.time(c.started_at)) },
        { label: "Direction", cell: direction },
        { label: "From", cell: (c) => c.from || "withheld" },
        { label: "To", cell: (c) => c.to },
        { label: "State", cell: (c) => stateBadge(c.state) },
        { label: "Talking for", cell: talking },
        { label: "Legs", cell: (c) => c.legs.map((l) => `${legWho(l, names, c)}: ${Admin.fmt.words(l.state)}`).join("; ") || "—" },
      ], calls.items, (c) => ({ "data-call": c.id }))
        : Admin.empty("No calls in progress", "Calls appear here the moment they start and leave when they end. This page updates by itself."));
    }
    draw(first);
    // Polled rather than pushed: the event stream is per user, and three seconds is live enough to watch.
    ctx.every(3000, async () => {
      try {
        const data = await load();
        if (ctx.alive) draw(data);
      } catch (e) {
        note.textContent = "ScaiDial can't be reached right now; retrying…";
        note.classList.add("warn");
      }
    });
    return h("div", {}, Admin.pageHeader("Live calls", Admin.link("/admin/calls", "Call history")), Admin.section(null, note, box));
  }

  Admin.views.active = { title: "Live calls", tenant: true, render: active };
})(window.ScaiDialAdmin);
