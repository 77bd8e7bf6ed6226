// ScaiDial admin console: the first page — today at a glance (live calls, calls today, missed,
// voicemail waiting), trunk health, and for a new tenant the set-up checklist.
"use strict";

(function (Admin) {
  const { h } = Admin;

  /// The set-up, in the order it can be done; each step links to where it is done.
  const steps = [
    ["trunk", "Connect a trunk", "The SIP connection to your carrier, synced to LiveKit.", "/admin/trunks"],
    ["number", "Add a number", "A phone number your carrier routes to you, on that trunk.", "/admin/numbers"],
    ["extension", "Create an extension", "What a call rings: people's browser phones, or a bot.", "/admin/extensions"],
    ["user", "Let a user answer it", "Add a user and tick them under the extension's “Who answers”.", "/admin/users"],
    ["dialplan", "Route the number", "A dialplan with a rule, followed by the number.", "/admin/dialplans"],
    ["simulated", "Try it in the simulator", "Which rule would a call hit? Open the dialplan and simulate a call.", "/admin/dialplans"],
  ];

  function tile(label, value, href, tone, id) {
    return h("a", { class: `tile ${tone && value > 0 ? "tone-" + tone : ""}`, href: Admin.href(href), "data-nav": true, id },
      h("span", { class: "tile-value" }, String(value)), h("span", { class: "tile-label" }, label));
  }

  function checklist(setup) {
    const done = steps.filter(([key]) => setup[key]).length;
    const next = steps.find(([key]) => !setup[key]);
    return h("section", { class: "panel", id: "checklist" },
      h("h2", {}, `Set up your phone system · ${done} of ${steps.length} done`),
      h("ol", { class: "checklist" }, steps.map(([key, title, text, href]) => {
        const ticked = !!setup[key];
        return h("li", { class: ticked ? "done" : next && next[0] === key ? "next" : "", "data-step": key },
          h("span", { class: "tick", "aria-hidden": "true" }, ticked ? "✓" : ""),
          h("span", {}, Admin.link(href, title), h("span", { class: "sr-only" }, ticked ? " (done)" : " (to do)"),
            h("span", { class: "note step-text" }, text)));
      })));
  }

  async function home(ctx) {
    const [board, trunks] = await Promise.all([Admin.api("GET", Admin.t("/dashboard")), Admin.list(Admin.t("/trunks"))]);
    const setupDone = Object.values(board.setup).every(Boolean);
    const health = trunks.items.length
      ? Admin.table([
          { label: "Trunk", cell: (t) => Admin.link(`/admin/trunks/${t.id}`, t.name) },
          { label: "LiveKit", cell: (t) => Admin.syncBadge(t.sync) },
          { label: "Registration", cell: (t) => Admin.registrationBadge(t) },
        ], trunks.items, (t) => ({ "data-href": Admin.href(`/admin/trunks/${t.id}`), "data-trunk": t.name }))
      : h("p", { class: "note" }, "No trunk yet: calls can neither come in nor go out.");
    const view = h("div", {}, Admin.pageHeader(`Today at ${Admin.tenant.name}`),
      setupDone ? null : checklist(board.setup),
      h("section", { class: "tiles", "aria-label": "Today" },
        tile("Live calls now", board.live_calls, "/admin/active", "live", "tile-live"),
        tile("Calls today", board.calls_today, "/admin/calls", null, "tile-today"),
        tile("Missed today", board.missed_today, "/admin/calls", "bad", "tile-missed"),
        tile("Voicemail waiting", board.voicemail_unread, "/admin/voicemail", "warn", "tile-voicemail")),
      Admin.section("Trunk health", health),
      setupDone ? h("p", { class: "note" }, "Set-up complete: calls are routed. Today starts at midnight, ", Admin.tenant.timezone, " time.") : null);
    // Live figures: refreshed while the page is open.
    ctx.every(10000, async () => {
      try {
        const fresh = await Admin.api("GET", Admin.t("/dashboard"));
        for (const [id, key] of [["tile-live", "live_calls"], ["tile-today", "calls_today"], ["tile-missed", "missed_today"],
          ["tile-voicemail", "voicemail_unread"]]) {
          const el = document.getElementById(id);
          if (el) el.querySelector(".tile-value").textContent = String(fresh[key]);
        }
      } catch (e) {
        /* the next round tries again */
      }
    });
    return view;
  }

  Admin.views.home = { title: "Home", tenant: true, render: home };
})(window.ScaiDialAdmin);
