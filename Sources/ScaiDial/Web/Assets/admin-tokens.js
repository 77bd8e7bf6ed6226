// ScaiDial admin console: the signed-in admin's own API tokens — list, create (shown once), revoke.
"use strict";

(function (Admin) {
  const { h } = Admin;

  /// The new token, shown once with what to do with it; the server keeps only its digest.
  function revealed(token) {
    const value = h("input", { type: "text", readonly: true, value: token.token, id: "new-token", "aria-label": "The new token",
      class: "token-value" });
    value.addEventListener("focus", () => value.select());
    const copy = h("button", { type: "button", id: "copy-token" }, "Copy");
    copy.addEventListener("click", async () => {
      value.select();
      try {
        await navigator.clipboard.writeText(token.token);
        copy.textContent = "Copied";
      } catch (e) {
        copy.textContent = "Select and copy it";
      }
    });
    return h("section", { class: "panel notice", id: "token-created", role: "status" },
      h("h2", {}, `Token “${token.name}” created`),
      h("p", {}, "Copy it now: it is shown only this once. Send it as ", h("code", {}, "Authorization: Bearer …"),
        " to the API; it acts as you, with your role."),
      h("p", { class: "token-row" }, value, " ", copy));
  }

  async function render() {
    const page = await Admin.list("/v1/auth/tokens");
    const form = Admin.form({
      fields: [
        h("div", { class: "row" },
          Admin.field({ name: "name", label: "Name", required: true, placeholder: "billing export",
            hint: "What uses it, so you know which one to revoke." }),
          Admin.field({ name: "expires_in_days", label: "Expires after (days)", kind: "int", min: 1, max: 3650,
            hint: "Empty: it never expires." })),
      ],
      submit: "Create token",
      onSubmit: async (body) => {
        const token = await Admin.api("POST", "/v1/auth/tokens", body);
        const fresh = await render();
        fresh.insertBefore(revealed(token), fresh.children[1]);
        document.getElementById("content").replaceChildren(fresh);
        document.getElementById("new-token").focus();
      },
    });
    form.id = "token-form";
    const table = page.items.length
      ? Admin.pagedTable([
          { label: "Name", cell: (t) => h("strong", {}, t.name) },
          { label: "Created", cell: (t) => Admin.fmt.time(t.created_at) },
          { label: "Last used", cell: (t) => (t.last_used_at ? Admin.fmt.time(t.last_used_at) : h("span", { class: "muted" }, "never")) },
          { label: "Expires", cell: (t) => (t.expires_at ? Admin.fmt.time(t.expires_at) : h("span", { class: "muted" }, "never")) },
          { label: "", cell: (t) => Admin.confirmButton("Revoke", `Revoke “${t.name}”? Whatever uses it stops working.`, async () => {
              await Admin.api("DELETE", `/v1/auth/tokens/${t.id}`);
              Admin.flash(`Revoked ${t.name}.`);
              Admin.reload();
            }) },
        ], page, (cursor) => Admin.list("/v1/auth/tokens", { cursor }), (t) => ({ "data-token": t.id }))
      : Admin.empty("No API tokens", "A token lets a script or another system use the API as you. Create one below.");
    return h("div", {}, Admin.pageHeader("API tokens"), Admin.section(null, table), Admin.section("New token", form));
  }

  Admin.views.tokens = { title: "API tokens", render };
})(window.ScaiDialAdmin);
