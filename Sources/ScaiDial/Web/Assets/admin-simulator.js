// ScaiDial admin console: the dialplan simulator — from, to and a time on the tenant's clock in;
// which rule wins, and why every rule before it did not, out.
"use strict";

(function (Admin) {
  const { h } = Admin;

  /// The simulator panel of one dialplan; `onWinner(ruleId | null)` marks the winning rule.
  Admin.simulator = function (plan, defaultTo, extensions, onWinner) {
    const zone = Admin.tenant.timezone;
    const result = h("div", { id: "sim-result", "aria-live": "polite" });
    const form = Admin.form({
      fields: [
        h("div", { class: "row" },
          Admin.field({ name: "from", label: "From", placeholder: "+31612345678", inputmode: "tel",
            hint: "The caller's number; empty or anonymous: withheld." }),
          Admin.field({ name: "to", label: "To", value: defaultTo, placeholder: "+31201234567", inputmode: "tel", required: true }),
          Admin.field({ name: "at", label: "When", kind: "datetime", value: Admin.zone.now(zone), hint: `${zone} time.` })),
      ],
      submit: "Simulate",
      onSubmit: async (body) => {
        if (body.at) body.at = Admin.zone.instant(body.at, zone).toISOString();
        result.replaceChildren();
        const answer = await Admin.api("POST", Admin.t(`/dialplans/${plan.id}/simulate`), body);
        show(answer);
      },
    });
    form.id = "simulator-form";

    function show(answer) {
      const outcome = answer.outcome === "route"
        ? h("p", { class: "outcome route" }, h("strong", {}, `Rule ${answer.rule_name} wins`), ": ",
            Admin.actionWords(answer.action, extensions), ".")
        : h("p", { class: "outcome reject" }, h("strong", {}, "No rule matches"),
            `: the call is rejected (SIP ${answer.sip_status || 480}).`);
      const trace = answer.trace.length ? h("ol", { class: "trace" }, answer.trace.map((t) =>
        h("li", { class: t.matched ? "matched" : "skipped", "data-rule": t.rule_name },
          h("strong", {}, t.rule_name), " ", t.matched ? Admin.badge("matches", "ok") : Admin.badge("skipped", "muted"),
          t.matched ? null : h("span", { class: "reason" }, ` ${t.reason}`))))
        : h("p", { class: "note" }, "This dialplan has no rules.");
      result.replaceChildren(outcome,
        h("p", { class: "note" }, `A call from ${answer.from || "a withheld number"} to ${answer.to} on ${Admin.fmt.when(answer.at)}.`),
        h("h3", {}, "Rules in order"), trace);
      onWinner(answer.rule_id || null);
    }

    return h("section", { class: "panel", id: "simulator" }, h("h2", {}, "Simulator"),
      h("p", { class: "note" }, "Which rule would a call hit? Nothing is dialled."), form, result);
  };
})(window.ScaiDialAdmin);
