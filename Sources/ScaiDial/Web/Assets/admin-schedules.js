// ScaiDial admin console: schedules — named office hours and holidays that dialplan rules use
// ("during", "outside", "on a holiday"), so a change of hours is made once, not in every rule.
"use strict";

(function (Admin) {
  const { h } = Admin;
  const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  const dayWords = { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" };
  let uid = 0;

  /// "Mon–Fri 09:00–17:30; Sat 10:00–13:00".
  Admin.hoursWords = function (hours) {
    if (!hours.length) return "No opening hours (always outside)";
    return hours.map((w) => {
      const idx = w.days.map((d) => days.indexOf(d)).sort((a, b) => a - b);
      const run = idx.length > 2 && idx[idx.length - 1] - idx[0] === idx.length - 1;
      const named = run ? `${dayWords[days[idx[0]]]}–${dayWords[days[idx[idx.length - 1]]]}` : idx.map((i) => dayWords[days[i]]).join(" ");
      return `${named} ${w.time_from}–${w.time_to}`;
    }).join("; ");
  };

  // ---- the editor: rows of hours and holidays, each control carrying the API's path -----------

  function control(path, label, input) {
    const id = `s${++uid}`;
    input.id = id;
    input.dataset.path = path;
    const error = h("span", { class: "field-error", role: "alert", id: `${id}-error` });
    input.setAttribute("aria-describedby", error.id);
    return h("div", { class: "field" }, h("label", { for: id }, label), input, error);
  }

  function hoursRow(w, index) {
    const chosen = new Set(w.days || []);
    const dayBoxes = h("fieldset", { class: "days", "data-path": `hours[${index}].days` }, h("legend", {}, "Days"),
      days.map((d) => h("label", { class: "day" }, h("input", { type: "checkbox", value: d, checked: chosen.has(d) }), " ", dayWords[d])),
      h("span", { class: "field-error", role: "alert" }));
    return h("li", { class: "schedule-row", "data-kind": "hours" }, dayBoxes,
      h("div", { class: "row" },
        control(`hours[${index}].time_from`, "Opens", h("input", { type: "time", value: w.time_from || "09:00" })),
        control(`hours[${index}].time_to`, "Closes", h("input", { type: "time", value: w.time_to || "17:00" }))),
      h("button", { type: "button", class: "link remove", "aria-label": `Remove opening hours ${index + 1}` }, "Remove"));
  }

  function holidayRow(d, index) {
    return h("li", { class: "schedule-row", "data-kind": "holidays" },
      h("div", { class: "row" },
        control(`holidays[${index}].name`, "Holiday", h("input", { type: "text", value: d.name || "", placeholder: "Christmas" })),
        control(`holidays[${index}].date_from`, "First day", h("input", { type: "date", value: d.date_from || "" })),
        control(`holidays[${index}].date_to`, "Last day", h("input", { type: "date", value: d.date_to || "" }))),
      h("button", { type: "button", class: "link remove", "aria-label": `Remove holiday ${d.name || index + 1}` }, "Remove"));
  }

  /// The form for one schedule (new when `schedule` is null); `saved(schedule)` after a save.
  function editor(schedule, saved) {
    const s = schedule || { name: "", hours: [{ days: ["mon", "tue", "wed", "thu", "fri"], time_from: "09:00", time_to: "17:00" }], holidays: [] };
    const hoursList = h("ol", { class: "schedule-rows", id: "hours-rows" });
    const holidayList = h("ol", { class: "schedule-rows", id: "holiday-rows" });
    const renumber = () => {
      hoursList.querySelectorAll(":scope > li").forEach((li, i) => li.querySelectorAll("[data-path]").forEach((el) =>
        (el.dataset.path = el.dataset.path.replace(/^hours\[\d+\]/, `hours[${i}]`))));
      holidayList.querySelectorAll(":scope > li").forEach((li, i) => li.querySelectorAll("[data-path]").forEach((el) =>
        (el.dataset.path = el.dataset.path.replace(/^holidays\[\d+\]/, `holidays[${i}]`))));
    };
    const add = (list, row) => {
      list.append(row);
      row.querySelector(".remove").addEventListener("click", () => {
        const next = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        renumber();
        (next ? next.querySelector("input") : (list === hoursList ? addHours : addHoliday)).focus();
      });
    };
    s.hours.forEach((w, i) => add(hoursList, hoursRow(w, i)));
    s.holidays.forEach((d, i) => add(holidayList, holidayRow(d, i)));
    const addHours = h("button", { type: "button", id: "add-hours" }, "Add opening hours");
    addHours.addEventListener("click", () => {
      add(hoursList, hoursRow({ days: ["sat"], time_from: "10:00", time_to: "13:00" }, hoursList.children.length));
      hoursList.lastElementChild.querySelector("input").focus();
    });
    const addHoliday = h("button", { type: "button", id: "add-holiday" }, "Add a holiday");
    addHoliday.addEventListener("click", () => {
      add(holidayList, holidayRow({}, holidayList.children.length));
      holidayList.lastElementChild.querySelector("input").focus();
    });
    const name = control("name", "Name", h("input", { type: "text", value: s.name, placeholder: "Office hours", required: true }));
    const formError = h("p", { class: "form-error field-error", role: "alert" });
    const submit = h("button", { type: "submit", class: "primary" }, schedule ? "Save schedule" : "Create schedule");
    const form = h("form", { class: "form", id: "schedule-form", novalidate: true }, name,
      h("fieldset", { class: "group" }, h("legend", {}, "Opening hours"),
        h("p", { class: "note" }, "Open when any line holds. A line that closes before it opens runs past midnight."), hoursList, addHours),
      h("fieldset", { class: "group" }, h("legend", {}, "Holidays"),
        h("p", { class: "note" }, "Closed all day, whatever the hours. Leave the last day empty for a single day."), holidayList, addHoliday),
      formError, h("div", { class: "form-actions" }, submit));

    function read() {
      const value = (li, suffix) => li.querySelector(`[data-path$="${suffix}"]`).value.trim();
      return {
        name: form.querySelector('[data-path="name"]').value.trim(),
        hours: [...hoursList.children].map((li) => ({
          days: [...li.querySelectorAll(".days input:checked")].map((c) => c.value),
          time_from: value(li, ".time_from"), time_to: value(li, ".time_to"),
        })),
        holidays: [...holidayList.children].map((li) => {
          const item = { name: value(li, ".name"), date_from: value(li, ".date_from") };
          const to = value(li, ".date_to");
          if (to) item.date_to = to;
          return item;
        }),
      };
    }

    function showErrors(error) {
      form.querySelectorAll(".field-error").forEach((e) => (e.textContent = ""));
      form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
      let first = null;
      const rest = [];
      for (const e of error.errors || []) {
        const target = form.querySelector(`[data-path="${CSS.escape(e.field)}"]`);
        if (!target) { rest.push(Admin.words(e.message)); continue; }
        const line = target.tagName === "FIELDSET" ? target.querySelector(".field-error") : target.parentElement.querySelector(".field-error");
        line.textContent = `${Admin.words(e.message[0].toUpperCase() + e.message.slice(1))}.`;
        target.setAttribute("aria-invalid", "true");
        first = first || (target.tagName === "FIELDSET" ? target.querySelector("input") : target);
      }
      formError.textContent = rest.length ? rest.join(". ") : (error.errors || []).length ? "" : error.message;
      if (first) first.focus();
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      submit.disabled = true;
      try {
        const body = read();
        const result = schedule
          ? await Admin.api("PATCH", Admin.t(`/schedules/${schedule.id}`), body)
          : await Admin.api("POST", Admin.t("/schedules"), body);
        saved(result);
      } catch (e) {
        showErrors(e instanceof Admin.ApiError ? e : { message: "Something went wrong. Please try again." });
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  async function list() {
    const page = await Admin.list(Admin.t("/schedules"));
    const table = page.items.length
      ? Admin.table([
          { label: "Name", cell: (s) => Admin.link(`/admin/schedules/${s.id}`, s.name) },
          { label: "Open", cell: (s) => Admin.hoursWords(s.hours) },
          { label: "Holidays", cell: (s) => (s.holidays.length ? s.holidays.map((d) => `${d.name} (${Admin.fmt.dateRange(d.date_from, d.date_to)})`).join(", ") : "None") },
        ], page.items, (s) => ({ "data-href": Admin.href(`/admin/schedules/${s.id}`), "data-schedule": s.name }))
      : Admin.empty("No schedules yet",
          "A schedule holds your office hours and holidays once; rules then say “during office hours”, “outside office hours” or “on a holiday”.");
    const form = editor(null, (s) => {
      Admin.flash(`Created schedule ${s.name}. Use it in a dialplan rule's “When”.`);
      Admin.go(`/admin/schedules/${s.id}`);
    });
    return h("div", {}, Admin.pageHeader("Schedules"), Admin.section(null, table), Admin.section("Create a schedule", form));
  }

  async function detail(ctx) {
    const s = await Admin.api("GET", Admin.t(`/schedules/${encodeURIComponent(ctx.id)}`));
    const form = editor(s, (saved) => {
      Admin.flash(`Saved ${saved.name}. Calls follow the new hours from now on.`);
      Admin.reload();
    });
    const remove = Admin.confirmButton("Delete schedule", `Delete ${s.name}?`, async () => {
      await Admin.api("DELETE", Admin.t(`/schedules/${s.id}`));
      Admin.flash(`Deleted schedule ${s.name}.`);
      Admin.go("/admin/schedules");
    });
    return h("div", {}, Admin.pageHeader(`Schedule ${s.name}`, Admin.link("/admin/schedules", "All schedules")),
      h("p", { class: "note" }, `Open: ${Admin.hoursWords(s.hours)}. On ${Admin.tenant.timezone} time.`),
      Admin.section(null, form),
      Admin.section("Delete", h("p", { class: "note" }, "Refused while a dialplan rule uses this schedule."), remove));
  }

  Admin.views.schedules = { title: "Schedules", noun: "schedule", tenant: true, render: (ctx) => (ctx.id ? detail(ctx) : list(ctx)) };
})(window.ScaiDialAdmin);
