// ScaiDial admin console: sign-in, who may see what, navigation, and the address → view router.
"use strict";

(function (Admin) {
  const { h } = Admin;
  const $ = (id) => document.getElementById(id);
  let current = null;

  const nav = [
    { group: "Calls", items: [["home", "Today"], ["calls", "Call history"], ["active", "Live calls"], ["voicemail", "Voicemail"]] },
    { group: "Routing", items: [["dialplans", "Dialplans"], ["schedules", "Schedules"], ["numbers", "Numbers"], ["extensions", "Extensions"]] },
    { group: "Setup", items: [["trunks", "Trunks"], ["users", "Users"], ["policy", "Policy"]] },
  ];

  /// A console address; a platform admin managing a tenant keeps it in `?tenant=`.
  Admin.href = function (path) {
    if (!Admin.managing) return path;
    const url = new URL(path, location.origin);
    url.searchParams.set("tenant", Admin.tenant.id);
    return url.pathname + url.search;
  };

  Admin.go = function (path, { replace } = {}) {
    history[replace ? "replaceState" : "pushState"](null, "", Admin.href(path));
    route(true);
  };
  /// Draw the current view again (after a change), keeping the address and the keyboard focus: on
  /// `focus` (a selector) when given, else on the control that had it (found again by id, by its
  /// form and name, or by its data attributes).
  Admin.reload = async ({ focus } = {}) => {
    const key = focus || focusKey(document.activeElement);
    await route(false);
    const again = key && document.querySelector(key);
    if (again) again.focus();
  };

  function focusKey(el) {
    if (!el || el === document.body || !$("content").contains(el)) return null;
    if (el.id && !/^f\d+$/.test(el.id)) return `#${CSS.escape(el.id)}`;
    const form = el.closest("form[id]");
    if (form && el.name) return `#${CSS.escape(form.id)} [name="${CSS.escape(el.name)}"]`;
    if (form && el.type === "submit") return `#${CSS.escape(form.id)} button[type="submit"]`;
    const data = [...el.attributes].filter((a) => a.name.startsWith("data-") || a.name === "aria-label")
      .map((a) => `[${a.name}="${CSS.escape(a.value)}"]`).join("");
    return data ? `${el.tagName.toLowerCase()}${data}` : null;
  }

  document.addEventListener("click", (event) => {
    const a = event.target.closest("a[data-nav]");
    if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    history.pushState(null, "", a.getAttribute("href"));
    route(true);
  });
  window.addEventListener("popstate", () => route(true));
  // A table row that opens something (data-href): a click anywhere on it that is not on a control.
  document.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-href]");
    if (!row || event.defaultPrevented || event.target.closest("a, button, input, select, textarea, label, audio")) return;
    if (window.getSelection && String(window.getSelection())) return; // selecting text, not opening
    history.pushState(null, "", row.dataset.href);
    route(true);
  });

  function show(...nodes) {
    $("content").replaceChildren(...nodes);
  }

  async function boot() {
    $("sign-out").addEventListener("click", signOut);
    try {
      Admin.me = await Admin.api("GET", "/me");
    } catch (e) {
      if (e.status === 401) return signIn();
      return show(Admin.empty("ScaiDial can't be reached", "Reload the page to try again."));
    }
    started();
  }

  function started() {
    const user = Admin.me.user;
    $("who").textContent = user.display_name || user.email;
    $("sign-out").hidden = false;
    route(false);
  }

  function signIn(message) {
    Admin.me = null;
    Admin.tenant = null;
    endView();
    $("nav").hidden = true;
    $("sign-out").hidden = true;
    $("who").textContent = "";
    $("tenant-name").textContent = "";
    $("status").textContent = "";
    document.title = "ScaiDial · Sign in";
    const form = Admin.form({
      fields: [
        Admin.field({ name: "email", label: "Email", kind: "email", required: true, autocomplete: "username" }),
        Admin.field({ name: "password", label: "Password", kind: "password", required: true, autocomplete: "current-password" }),
      ],
      submit: "Sign in",
      onSubmit: async (body) => {
        try {
          await Admin.api("POST", "/v1/auth/login", { email: body.email || "", password: body.password || "" });
        } catch (e) {
          if (e.status === 401) e.message = "The email or password is wrong.";
          if (e.status === 403) e.message = "This account is disabled. Ask your administrator.";
          if (e.status === 401 || e.status === 403) e.errors = [];
          throw e;
        }
        Admin.me = await Admin.api("GET", "/me");
        started();
      },
    });
    form.id = "sign-in-form";
    show(h("section", { class: "panel sign-in" }, h("h1", { tabindex: "-1" }, "Sign in to the admin console"),
      message ? h("p", { class: "note" }, message) : null, form,
      h("p", { class: "note" }, "The same account signs you in to your phone at ", h("a", { href: "/my/dial" }, "/my/dial"), ".")));
    form.querySelector("input").focus();
  }
  Admin.sessionEnded = () => Admin.me && signIn("Your session has ended. Please sign in again.");

  async function signOut() {
    try {
      await Admin.api("POST", "/v1/auth/logout");
    } catch (e) {
      // Signed out already, or the server is away: the session is forgotten here either way.
    }
    history.replaceState(null, "", "/admin");
    signIn("You have signed out.");
  }

  function endView() {
    if (!current) return;
    current.alive = false;
    current.cleanups.forEach((f) => f());
    current = null;
  }

  /// Which tenant the console shows: a tenant admin's own (whatever the address says); for a
  /// platform admin the one named by `?tenant=`, or none (the tenants page).
  async function resolveTenant(params) {
    if (Admin.me.user.role === "tenant_admin") {
      Admin.tenant = Admin.me.tenant;
      Admin.managing = false;
      return;
    }
    const id = params.get("tenant");
    Admin.managing = !!id;
    if (!id) Admin.tenant = null;
    else if (!Admin.tenant || Admin.tenant.id !== id) Admin.tenant = await Admin.api("GET", `/v1/tenants/${encodeURIComponent(id)}`);
  }

  function drawNav(name) {
    const platform = Admin.me.user.role === "platform_admin";
    const link = (view, text) => Admin.link(`/admin/${view}`, text, { "aria-current": view === name ? "page" : null });
    const groups = [];
    if (platform) groups.push(h("div", { class: "nav-group" }, h("a", { href: "/admin/tenants", "data-nav": true,
      "aria-current": name === "tenants" ? "page" : null }, "Tenants")));
    if (Admin.tenant) {
      for (const g of nav) groups.push(h("div", { class: "nav-group" }, h("span", { class: "nav-title" }, g.group),
        g.items.map(([v, t]) => link(v, t))));
    }
    // Every admin's own API tokens, whichever tenant is on screen.
    groups.push(h("div", { class: "nav-group" }, h("span", { class: "nav-title" }, "Account"), link("tokens", "API tokens")));
    $("nav").replaceChildren(...groups);
    $("nav").hidden = false;
    $("tenant-name").textContent = Admin.tenant ? Admin.tenant.name : platform ? "Platform" : "";
  }

  async function route(navigated) {
    const toast = document.getElementById("toast");
    if (navigated && toast && !toast.querySelector("#toast-undo")) toast.hidden = true;
    endView();
    if (!Admin.me) return;
    const ctx = { alive: true, cleanups: [] };
    current = ctx;
    const [, , page = "", id] = location.pathname.split("/").map(decodeURIComponent);
    ctx.id = id;
    ctx.params = new URLSearchParams(location.search);
    /// Runs `fn` every `ms` while this view is shown.
    ctx.every = (ms, fn) => {
      const timer = setInterval(() => ctx.alive && fn(), ms);
      ctx.cleanups.push(() => clearInterval(timer));
    };
    if (Admin.me.user.role === "user") {
      $("nav").hidden = true;
      return show(Admin.empty("The admin console is for administrators",
        "Your account can use the phone. Ask a tenant admin if you need to change how calls are routed.",
        h("a", { href: "/my/dial", class: "button primary" }, "Open my phone")));
    }
    try {
      await resolveTenant(ctx.params);
    } catch (e) {
      if (!ctx.alive) return;
      Admin.tenant = null;
      Admin.managing = false;
      drawNav("");
      return show(Admin.empty("No such tenant", "It may have been deleted.", Admin.link("/admin/tenants", "All tenants")));
    }
    if (!ctx.alive) return;
    let name = page;
    if (!name) {
      name = Admin.tenant ? "home" : "tenants";
      history.replaceState(null, "", Admin.href(`/admin/${name}`));
    }
    drawNav(name);
    const view = Object.hasOwn(Admin.views, name) ? Admin.views[name] : null;
    const allowed = view && (!view.tenant || Admin.tenant) && (!view.platform || Admin.me.user.role === "platform_admin");
    if (!allowed) return notFound(name, navigated);
    document.title = `ScaiDial · ${view.title}`;
    show(h("p", { class: "loading" }, "Loading…"));
    let node;
    try {
      node = await view.render(ctx);
    } catch (e) {
      if (!ctx.alive) return;
      if (e.status === 404) return notFound(name, navigated);
      if (e.status === 401) return;
      console.error(e);
      return show(Admin.empty("This page could not be loaded", e.message || "Something went wrong.",
        h("button", { type: "button", onclick: () => Admin.reload() }, "Try again")));
    }
    if (!ctx.alive) return;
    show(node);
    if (navigated) {
      const heading = $("content").querySelector("h1");
      if (heading) heading.focus();
    }
  }

  function notFound(name, navigated) {
    const view = Object.hasOwn(Admin.views, name) ? Admin.views[name] : null;
    show(Admin.empty("Not found", view && view.tenant && Admin.tenant
      ? `There is no such ${view.noun || "page"} in ${Admin.tenant.name}. It may have been deleted, or the link is wrong.`
      : "There is no such page in the console.",
      view && Admin.tenant && view.tenant ? Admin.link(`/admin/${name}`, `All ${view.title.toLowerCase()}`) : Admin.link("/admin", "Console home")));
    document.title = "ScaiDial · Not found";
    if (navigated) $("content").querySelector("h2").focus();
  }

  document.addEventListener("DOMContentLoaded", boot);
})(window.ScaiDialAdmin);
