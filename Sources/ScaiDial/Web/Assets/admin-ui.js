// ScaiDial admin console: building blocks — elements, forms whose fields carry the API's field
// paths (so a problem's `errors` land next to the right field), tables, formats, time zones.
"use strict";

(function (Admin) {
  let uid = 0;

  /// An element: `h("a", {href, class, onclick, hidden}, "text", child, [children])`. Text is
  /// always text (never parsed as HTML).
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else if (["hidden", "disabled", "checked", "selected", "required", "value", "multiple"].includes(k)) el[k] = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    append(el, children);
    return el;
  }
  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }
  Admin.h = h;

  /// A console link (keeps the tenant a platform admin is managing).
  Admin.link = (path, text, attrs) => h("a", { href: Admin.href(path), "data-nav": true, ...attrs }, text);

  Admin.badge = (text, tone) => h("span", { class: `badge ${tone ? "tone-" + tone : ""}` }, text);

  /// What to do when there is nothing yet.
  Admin.empty = (title, text, ...actions) =>
    h("div", { class: "empty" }, h("h2", { tabindex: "-1" }, title), h("p", {}, text), actions.length ? h("p", { class: "actions" }, actions) : null);

  Admin.pageHeader = (title, ...extra) =>
    h("div", { class: "page-head" }, h("h1", { tabindex: "-1" }, title), extra.length ? h("div", { class: "page-actions" }, extra) : null);

  Admin.section = (title, ...children) => h("section", { class: "panel" }, title ? h("h2", {}, title) : null, children);

  /// A table; each column is {label, cell(row) -> node|string}. Cells carry their label so narrow
  /// screens can stack them.
  Admin.table = (columns, rows, rowAttrs) =>
    h("div", { class: "table-wrap" },
      h("table", {},
        h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c.label)))),
        h("tbody", {}, rows.map((r) => h("tr", rowAttrs ? rowAttrs(r) : {},
          columns.map((c) => h("td", { "data-label": c.label, class: c.className }, c.cell(r))))))));

  /// A table of a list endpoint's answer; "Show more" fetches the next page (`more(cursor)`) and
  /// appends it.
  Admin.pagedTable = (columns, page, more, rowAttrs) => {
    const wrap = Admin.table(columns, page.items, rowAttrs);
    const body = wrap.querySelector("tbody");
    const button = h("button", { type: "button", class: "more", hidden: !page.next_cursor }, "Show more");
    let cursor = page.next_cursor;
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const next = await more(cursor);
        body.append(...Admin.table(columns, next.items, rowAttrs).querySelectorAll("tbody tr"));
        cursor = next.next_cursor;
        button.hidden = !cursor;
      } finally {
        button.disabled = false;
      }
    });
    return h("div", {}, wrap, button);
  };

  /// A button that asks once more before doing something that cannot be undone.
  Admin.confirmButton = (label, question, action) => {
    const box = h("span", { class: "confirm" });
    const first = h("button", { type: "button", class: "danger-outline", onclick: () => ask() }, label);
    const error = h("span", { class: "field-error", role: "alert" });
    function ask() {
      box.replaceChildren(h("span", {}, question + " "),
        h("button", { type: "button", class: "danger", onclick: go }, label),
        h("button", { type: "button", onclick: () => box.replaceChildren(first, error) }, "Cancel"), error);
      box.querySelector("button.danger").focus();
    }
    async function go() {
      error.textContent = "";
      try {
        await action();
      } catch (e) {
        box.replaceChildren(first, error);
        error.textContent = e.message;
      }
    }
    box.append(first, error);
    return box;
  };

  // ---- forms -----------------------------------------------------------------------------

  /// One field. `name` is the API's field path (`policy.max_concurrent_calls`, `conditions.caller`).
  /// kind: text | email | password | int | bool | select | list (comma separated) | lines | days | time | date | datetime
  /// | clear (a checkbox that, ticked, sends null for `name` — "remove the stored secret" — and nothing otherwise;
  /// put it after the field it clears, whose value it then overrides).
  /// empty: what an empty value sends — "omit" (default) or "null" (clears it on PATCH).
  Admin.field = function (spec) {
    const id = `f${++uid}`;
    const errorId = `${id}-error`, hintId = `${id}-hint`;
    const describedBy = [spec.hint ? hintId : null, errorId].filter(Boolean).join(" ");
    const wrap = h("div", { class: `field field-${spec.kind || "text"}`, "data-field": spec.name, "data-kind": spec.kind || "text",
      "data-empty": spec.empty || "omit", hidden: spec.hidden });
    let control;
    const common = { id, name: spec.name, "aria-describedby": describedBy, required: spec.required, placeholder: spec.placeholder,
      autocomplete: spec.autocomplete || "off", disabled: !!spec.readonly };
    // readonly: shown, never sent (a value someone else sets, such as the platform's limits).
    if (spec.readonly) wrap.dataset.readonly = "true";
    switch (spec.kind) {
      case "bool":
      case "clear":
        control = h("input", { ...common, type: "checkbox", checked: !!spec.value });
        wrap.append(h("label", { class: "check", for: id }, control, " ", spec.label));
        break;
      case "days": {
        const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        const chosen = new Set(spec.value || []);
        control = h("fieldset", { class: "days", "aria-describedby": describedBy, id },
          h("legend", {}, spec.label),
          days.map((d) => h("label", { class: "day" }, h("input", { type: "checkbox", value: d, checked: chosen.has(d) }), " ",
            d[0].toUpperCase() + d.slice(1))));
        wrap.append(control);
        break;
      }
      case "select":
        control = h("select", common, (spec.options || []).map(([v, text]) => h("option", { value: v, selected: String(spec.value ?? "") === String(v) }, text)));
        wrap.append(h("label", { for: id }, spec.label), control);
        break;
      case "lines":
        control = h("textarea", { ...common, rows: spec.rows || 3 });
        control.value = (spec.value || []).join("\n");
        wrap.append(h("label", { for: id }, spec.label), control);
        break;
      default: {
        const types = { int: "number", list: "text", datetime: "datetime-local" };
        control = h("input", { ...common, type: types[spec.kind] || spec.kind || "text", min: spec.min, max: spec.max,
          inputmode: spec.inputmode, step: spec.kind === "int" ? 1 : undefined });
        const v = spec.kind === "list" ? (spec.value || []).join(", ") : spec.value;
        if (v !== undefined && v !== null) control.value = v;
        wrap.append(h("label", { for: id }, spec.label), control);
      }
    }
    if (spec.hint) wrap.append(h("p", { class: "hint", id: hintId }, spec.hint));
    wrap.append(h("p", { class: "field-error", id: errorId, role: "alert" }));
    return wrap;
  };

  function readField(wrap) {
    const kind = wrap.dataset.kind;
    const empty = wrap.dataset.empty === "null" ? null : undefined;
    const control = wrap.querySelector("input, select, textarea");
    switch (kind) {
      case "bool": return control.checked;
      case "clear": return control.checked ? null : undefined;
      case "days": {
        const days = [...wrap.querySelectorAll("input:checked")].map((c) => c.value);
        return days.length ? days : empty;
      }
      case "list": return control.value.split(/[\s,]+/).filter(Boolean);
      case "lines": return control.value.split("\n").map((s) => s.trim()).filter(Boolean);
      case "int": {
        const v = control.value.trim();
        if (!v) return control.validity.badInput ? "not a number" : empty;
        return /^-?\d+$/.test(v) ? Number(v) : v; // not an integer: the API names the field
      }
      default: {
        const v = control.value.trim();
        return v === "" ? empty : v;
      }
    }
  }

  /// The form's values as the API's nested JSON; fields that are hidden are left out.
  Admin.readForm = function (form) {
    const body = {};
    for (const wrap of form.querySelectorAll(".field[data-field]")) {
      if (wrap.closest("[hidden]") || wrap.dataset.readonly) continue;
      const value = readField(wrap);
      if (value === undefined) continue;
      const path = wrap.dataset.field.split(".");
      let node = body;
      for (const key of path.slice(0, -1)) node = node[key] = node[key] || {};
      node[path[path.length - 1]] = value;
    }
    return body;
  };

  Admin.clearErrors = function (form) {
    form.querySelectorAll(".field-error").forEach((e) => (e.textContent = ""));
    form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  };

  const sentence = (s) => (s ? s[0].toUpperCase() + s.slice(1) : s);

  /// A refused request's problem details, each field's message next to its field; what names no
  /// field of this form goes in the form's own error line.
  Admin.showErrors = function (form, error) {
    Admin.clearErrors(form);
    const rest = [];
    let first = null;
    for (const e of error.errors || []) {
      const m = e.field.match(/^(.*)\[(\d+)\]$/);
      const name = m ? m[1] : e.field;
      const wrap = [...form.querySelectorAll(".field[data-field]")].find((w) => w.dataset.field === name && !w.closest("[hidden]"));
      if (!wrap) {
        rest.push(sentence(Admin.words(`${e.field.split(".").pop()} ${e.message}`)));
        continue;
      }
      const line = wrap.querySelector(".field-error");
      const text = (m ? `Item ${Number(m[2]) + 1}: ` : "") + sentence(Admin.words(e.message)) + ".";
      line.textContent = line.textContent ? `${line.textContent} ${text}` : text;
      const control = wrap.querySelector("input, select, textarea, fieldset");
      control.setAttribute("aria-invalid", "true");
      first = first || control;
    }
    const formError = form.querySelector(":scope > .form-error");
    if (rest.length || !(error.errors || []).length) formError.textContent = rest.length ? rest.join(". ") : Admin.words(error.message);
    if (first && first.focus) first.focus();
  };

  /// A form: `fields` (from Admin.field), a submit label, and `onSubmit(body)`; problems from the
  /// API are shown next to their fields.
  Admin.form = function ({ fields, submit, onSubmit, extra, cancel, className }) {
    const button = h("button", { type: "submit", class: "primary" }, submit || "Save");
    const form = h("form", { class: `form ${className || ""}`, novalidate: true },
      h("div", { class: "fields" }, fields),
      h("p", { class: "form-error field-error", role: "alert" }),
      h("div", { class: "form-actions" }, button, cancel ? h("button", { type: "button", onclick: cancel }, "Cancel") : null, extra));
    // While it saves the button says so (aria-disabled) but keeps the keyboard focus, which a
    // disabled button would drop; a second submit meanwhile is ignored.
    let saving = false;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (saving) return;
      Admin.clearErrors(form);
      saving = true;
      button.setAttribute("aria-disabled", "true");
      try {
        await onSubmit(Admin.readForm(form), form);
      } catch (e) {
        if (!(e instanceof Admin.ApiError)) console.error(e);
        Admin.showErrors(form, e instanceof Admin.ApiError ? e : { message: "Something went wrong. Please try again." });
      } finally {
        saving = false;
        button.removeAttribute("aria-disabled");
      }
    });
    return form;
  };

  Admin.showField = (form, name, visible) => {
    const wrap = form.querySelector(`.field[data-field="${name}"]`);
    if (wrap) wrap.hidden = !visible;
  };

  /// A short-lived confirmation ("Saved.") in the view's status line.
  Admin.flash = function (text) {
    const status = document.getElementById("status");
    if (!status) return;
    status.textContent = text;
    clearTimeout(Admin.flash.timer);
    Admin.flash.timer = setTimeout(() => (status.textContent = ""), 4000);
    Admin.toast(text, null, { quiet: true }); // the status line already says it to screen readers
  };

  /// A toast at the bottom of the window confirming what just changed, with *Undo* when `undo` is
  /// given (it runs once; the toast then says it was undone). Read out by screen readers; the
  /// keyboard focus stays where it was.
  Admin.toast = function (text, undo, { quiet } = {}) {
    let box = document.getElementById("toast");
    if (!box) {
      box = h("div", { id: "toast", class: "toast" });
      document.body.append(box);
    }
    box.setAttribute("aria-live", quiet ? "off" : "polite");
    box.setAttribute("role", quiet ? "note" : "status");
    const undoButton = undo ? h("button", { type: "button", class: "link", id: "toast-undo" }, "Undo") : null;
    if (undoButton) {
      undoButton.addEventListener("click", async () => {
        undoButton.disabled = true;
        try {
          await undo();
          show("Undone.", null);
        } catch (e) {
          show(`Could not undo: ${e.message}`, null);
        }
      });
    }
    function show(words, button) {
      box.replaceChildren(...[h("span", {}, words), button].filter(Boolean));
      box.hidden = false;
      clearTimeout(Admin.toast.timer);
      Admin.toast.timer = setTimeout(() => (box.hidden = true), button ? 8000 : 4000);
    }
    show(text, undoButton);
  };

  /// The API's field names in a message, in words ("must not be before date_from" → "… the first date").
  const fieldWords = {
    date_from: "the first date", date_to: "the last date", time_from: "the start time", time_to: "the end time",
    schedule_id: "a schedule", schedule_when: "during, outside or a holiday", extension_id: "an extension", trunk_id: "a trunk",
    dialplan_id: "a dialplan", target_type: "where the call goes", sip_status: "the SIP status", ring_timeout_s: "the ring time",
    target_ref: "the bot", display_name: "the name", max_concurrent_calls: "the number of calls at once",
  };
  Admin.words = (message) => String(message || "").replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (name) => fieldWords[name] || name.replace(/_/g, " "));

  /// A search box over the table that follows it in the same panel: rows without the words are
  /// hidden as you type (rows added by "Show more" too).
  Admin.search = (label, what) => {
    const input = h("input", { type: "search", class: "search", "aria-label": label, placeholder: `Search: ${what}` });
    input.addEventListener("input", () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      const panel = input.closest("section") || input.parentElement;
      for (const row of panel.querySelectorAll("tbody tr")) {
        const text = row.textContent.toLowerCase();
        row.hidden = !words.every((w) => text.includes(w));
      }
    });
    return input;
  };

  /// Every country with its English name, sorted by name ([code, "Name (CODE)"]); `current` stays
  /// listed even if the browser does not know it.
  Admin.countries = (current) => {
    const names = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
    const out = [];
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        let name;
        try { name = names.of(code); } catch (e) { name = undefined; }
        if (name && name !== code && !/^(EU|EZ|UN|QO|XA|XB|ZZ)$/.test(code)) out.push([code, `${name} (${code})`]);
      }
    }
    if (current && !out.some(([c]) => c === current)) out.push([current, current]);
    return out.sort((x, y) => x[1].localeCompare(y[1]));
  };

  /// The IANA time zones the browser knows, "Europe/Amsterdam (UTC+01:00)"; `current` stays listed.
  Admin.timeZones = (current) => {
    const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
    const list = zones.includes(current) || !current ? [...zones] : [current, ...zones];
    if (!list.includes("UTC")) list.push("UTC");
    const offset = (zone) => {
      try {
        const part = new Intl.DateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "longOffset" }).formatToParts(new Date())
          .find((x) => x.type === "timeZoneName");
        return part ? part.value.replace("GMT", "UTC") : "";
      } catch (e) {
        return "";
      }
    };
    return list.map((z) => [z, `${z.replace(/_/g, " ")} (${offset(z) === "UTC" ? "UTC+00:00" : offset(z)})`]);
  };

  // ---- formats and time zones --------------------------------------------------------------

  function parts(date, zone) {
    const f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    const p = Object.fromEntries(f.formatToParts(date).map((x) => [x.type, x.value]));
    return { year: +p.year, month: +p.month, day: +p.day, hour: +p.hour % 24, minute: +p.minute, second: +p.second };
  }
  const offset = (date, zone) => {
    const p = parts(date, zone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(date.getTime() / 1000) * 1000;
  };
  const pad = (n) => String(n).padStart(2, "0");

  Admin.zone = {
    /// "YYYY-MM-DDTHH:MM" on the tenant's wall clock → the instant it names (DST included).
    instant(local, zone) {
      const [d, t] = local.split("T");
      const [y, mo, da] = d.split("-").map(Number);
      const [hh, mm] = (t || "00:00").split(":").map(Number);
      const wall = Date.UTC(y, mo - 1, da, hh, mm);
      let at = wall - offset(new Date(wall), zone);
      const again = wall - offset(new Date(at), zone);
      if (again !== at) at = again;
      return new Date(at);
    },
    /// The tenant's wall clock now, as a datetime-local value.
    now(zone) {
      const p = parts(new Date(), zone);
      return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
    },
  };

  Admin.fmt = {
    /// A timestamp on the tenant's clock: "17 Jun 2026, 10:00:05".
    time(iso) {
      if (!iso) return "—";
      return new Intl.DateTimeFormat("en-GB", { timeZone: Admin.tenant ? Admin.tenant.timezone : undefined, day: "numeric",
        month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(new Date(iso));
    },
    /// A moment with its weekday, on the tenant's clock and said which clock: "Wed 17 Jun 2026, 10:00
    /// (Europe/Amsterdam, UTC+02:00)" — the console's date format, with what a schedule needs.
    when(iso) {
      const zone = Admin.tenant ? Admin.tenant.timezone : "UTC";
      const at = new Date(iso);
      const text = new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", day: "numeric", month: "short", year: "numeric",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at).replace(/^(\w+),? /, "$1 ");
      const offset = (new Intl.DateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "longOffset" }).formatToParts(at)
        .find((p) => p.type === "timeZoneName") || { value: "" }).value.replace("GMT", "UTC");
      return `${text} (${zone}, ${offset === "UTC" ? "UTC+00:00" : offset})`;
    },
    /// A local date, or a range of them: "25 Dec 2026", "25 Dec 2026 – 26 Dec 2026".
    dateRange(from, to) {
      const f = (d) => new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" })
        .format(new Date(`${d}T00:00:00Z`));
      return !to || to === from ? f(from) : `${f(from)} – ${f(to)}`;
    },
    duration(seconds) {
      if (seconds === null || seconds === undefined) return "—";
      const s = Math.max(0, Math.round(seconds));
      const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
      return hms[0] ? `${hms[0]}:${pad(hms[1])}:${pad(hms[2])}` : `${hms[1]}:${pad(hms[2])}`;
    },
    words: (s) => (s ? s.replace(/_/g, " ") : "—"),
  };
})(window.ScaiDialAdmin);
