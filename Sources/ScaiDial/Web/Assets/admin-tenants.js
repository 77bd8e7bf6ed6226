// ScaiDial admin console: the platform admin's tenants — list them, create one with its first admin.
"use strict";

(function (Admin) {
  const { h } = Admin;

  function zones() {
    try {
      return Intl.supportedValuesOf("timeZone");
    } catch (e) {
      return [];
    }
  }

  /// Creates the tenant, then its first admin; if the admin is refused, the tenant goes again so
  /// nothing half-made is left behind, and the admin's problems show next to the admin's fields.
  async function create(body) {
    const { admin, ...fields } = body;
    const tenant = await Admin.api("POST", "/v1/tenants", fields);
    try {
      await Admin.api("POST", `/v1/tenants/${tenant.id}/users`, { ...(admin || {}), role: "tenant_admin" });
    } catch (e) {
      await Admin.api("DELETE", `/v1/tenants/${tenant.id}`).catch(() => {});
      if (e instanceof Admin.ApiError) e.errors = e.errors.map((x) => ({ ...x, field: `admin.${x.field}` }));
      if (e.status === 409) e.errors = [{ field: "admin.email", message: e.message }];
      throw e;
    }
    return tenant;
  }

  async function render() {
    const page = await Admin.list("/v1/tenants");
    const datalist = h("datalist", { id: "time-zones" }, zones().map((z) => h("option", { value: z })));
    const form = Admin.form({
      fields: [
        h("fieldset", { class: "group" }, h("legend", {}, "Tenant"),
          Admin.field({ name: "name", label: "Name", required: true, placeholder: "Acme Ltd" }),
          Admin.field({ name: "country", label: "Country", required: true, placeholder: "NL",
            hint: "Two letters (ISO 3166). National numbers are read in this country; calls outside it are international." }),
          Admin.field({ name: "timezone", label: "Time zone", value: Intl.DateTimeFormat().resolvedOptions().timeZone,
            hint: "Dialplan schedules run on this clock.", placeholder: "Europe/Amsterdam" })),
        h("fieldset", { class: "group" }, h("legend", {}, "First admin"),
          Admin.field({ name: "admin.email", label: "Email", kind: "email", required: true }),
          Admin.field({ name: "admin.display_name", label: "Name", placeholder: "Who they are" }),
          Admin.field({ name: "admin.password", label: "Password", kind: "password", required: true, autocomplete: "new-password",
            hint: "At least 8 characters. Share it with them safely; they can be given a new one later." })),
      ],
      submit: "Create tenant",
      onSubmit: async (body) => {
        const tenant = await create(body);
        Admin.flash(`Created ${tenant.name} with its admin ${body.admin.email}.`);
        Admin.reload();
      },
    });
    form.id = "tenant-form";
    form.querySelector('[name="timezone"]').setAttribute("list", "time-zones");
    const manage = (t) => h("a", { href: `/admin/calls?tenant=${t.id}`, "data-nav": true }, "Manage");
    const list = page.items.length
      ? Admin.pagedTable(
          [
            { label: "Name", cell: (t) => h("strong", {}, t.name) },
            { label: "Country", cell: (t) => t.country },
            { label: "Time zone", cell: (t) => t.timezone },
            { label: "Created", cell: (t) => Admin.fmt.time(t.created_at) },
            { label: "", cell: manage },
          ],
          page, (cursor) => Admin.list("/v1/tenants", { cursor }), (t) => ({ "data-tenant": t.id }))
      : Admin.empty("No tenants yet", "Create the first one below: an organisation with its own numbers, users and calls.");
    return h("div", {}, Admin.pageHeader("Tenants"),
      Admin.section(null, list),
      Admin.section("New tenant", h("p", { class: "note" },
        "The first admin signs in at /admin with this email and password and sets up the tenant's phone system."), form, datalist));
  }

  Admin.views.tenants = { title: "Tenants", platform: true, render };
})(window.ScaiDialAdmin);
