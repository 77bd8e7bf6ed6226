"""The console puts routing first (issue 16): named schedules used by rules ("during", "outside",
"on a holiday"), a rule editor without priority numbers that offers an *otherwise* rule, opens at
the row it edits and closes on Esc; numbers attached from the dialplan page; a first page with
today's figures, trunk health and the set-up checklist; toasts with undo, focus kept, pickers,
human words, clickable rows, search, the bot form and editable forward rules. Headless Chromium
at 390 px and desktop width, screenshots in test-artifacts/browser/."""
import time

import pytest
from playwright.sync_api import expect

from conftest import shot
from test_admin import created, field_error, inbound, nav, open_console, tenant  # noqa: F401 (open_console is a fixture)

WIDTHS = [(390, 844), (1366, 900)]


def fully_visible(page, locator, what: str):
    box = locator.bounding_box()
    width = page.evaluate("window.innerWidth")
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (what, box, width)
    # Nothing around it cuts it off: no table needs sideways scrolling.
    clipped = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')].some((w) => w.scrollWidth > w.clientWidth + 1)""")
    assert not clipped, f"{what}: a table is wider than its box"


@pytest.mark.parametrize("width,height", WIDTHS)
def test_schedules_and_the_rule_editor_route_by_office_hours_with_an_otherwise_rule(open_console, server, width, height):
    t = tenant(server, f"Wayne{width}", f"alfred{width}@wayne.test")
    ext = created(server.call("POST", f"{t['base']}/extensions", {"number": "201", "name": "Sales"}, t["admin"]))
    page = open_console(f"alfred{width}@wayne.test", "admin-password", viewport=(width, height))

    # A schedule: a holiday that ends before it starts is refused next to its field, in words.
    nav(page, "Schedules")
    expect(page.locator(".empty h2")).to_have_text("No schedules yet")
    page.fill('#schedule-form [data-path="name"]', "Office hours")
    page.click("#add-holiday")
    page.fill('#schedule-form [data-path="holidays[0].name"]', "Christmas")
    page.fill('#schedule-form [data-path="holidays[0].date_from"]', "2026-12-26")
    page.fill('#schedule-form [data-path="holidays[0].date_to"]', "2026-12-25")
    page.click("#schedule-form button[type=submit]")
    error = page.locator('#schedule-form [data-path="holidays[0].date_to"] + .field-error')
    expect(error).to_have_text("Must not be before the first date.")  # no API field names
    expect(page.locator('#schedule-form [data-path="holidays[0].date_to"]')).to_be_focused()
    assert server.get(f"{t['base']}/schedules", t["admin"])[1]["items"] == []
    page.fill('#schedule-form [data-path="holidays[0].date_from"]', "2026-12-25")
    page.fill('#schedule-form [data-path="holidays[0].date_to"]', "2026-12-26")
    page.click("#schedule-form button[type=submit]")
    expect(page.locator("#content h1")).to_have_text("Schedule Office hours")
    expect(page.locator("#content")).to_contain_text("Open: Mon–Fri 09:00–17:00.")
    shot(page, f"console-schedule-{width}", full_page=True)

    # A dialplan: "during Office hours" rings Sales; no priority anywhere.
    plan = created(server.call("POST", f"{t['base']}/dialplans", {"name": "Main"}, t["admin"]))
    nav(page, "Dialplans")
    page.locator(f'tr[data-href$="/admin/dialplans/{plan["id"]}"] td').nth(1).click()  # a row opens its page
    expect(page.locator("#content h1")).to_have_text("Dialplan Main")
    page.click("#add-rule")
    expect(page.locator("#rule-form [name=priority]")).to_have_count(0)
    page.fill("#rule-form [name=name]", "Open")
    page.select_option('#rule-form [name="when"]', label="During Office hours")
    expect(page.locator("#rule-form .custom-when")).to_be_hidden()
    page.select_option('#rule-form [name="action.extension_id"]', ext["id"])
    page.click("#rule-form button[type=submit]")
    expect(page.locator('tr[data-rule="Open"]')).to_contain_text("During Office hours")
    expect(page.locator("#rules th")).to_have_text(["#", "Name", "When", "Then", "On", ""])

    # The otherwise rule: offered while the last rule is not a catch-all, and named so.
    page.click("#add-otherwise")
    expect(page.locator("#rule-form [name=name]")).to_have_value("Otherwise")
    page.click("#rule-form button[type=submit]")
    expect(page.locator('tr[data-rule="Otherwise"]')).to_contain_text("Otherwise (every other call)")
    expect(page.locator("#add-otherwise")).to_be_hidden()
    # A rule added later goes before the otherwise rule, or it could never match.
    page.click("#add-rule")
    page.fill("#rule-form [name=name]", "Holiday")
    page.select_option('#rule-form [name="when"]', label="On a holiday of Office hours")
    page.select_option('#rule-form [name="action.type"]', "hangup")
    page.click("#rule-form button[type=submit]")
    rows = page.locator("#rules tbody tr[data-rule]")
    expect(rows).to_have_count(3)
    assert [rows.nth(i).get_attribute("data-rule") for i in range(3)] == ["Open", "Holiday", "Otherwise"]
    assert [r["name"] for r in server.get(f"{t['base']}/dialplans/{plan['id']}", t["admin"])[1]["rules"]] == ["Open", "Holiday", "Otherwise"]

    # The editor opens at the row it edits, and Esc closes it with the focus back on Edit.
    page.click('tr[data-rule="Holiday"] [data-action=edit]')
    expect(page.locator('tr[data-rule="Holiday"] + tr.editor-row #rule-form')).to_be_visible()
    expect(page.locator("#rule-editor h2")).to_be_focused()
    shot(page, f"console-rule-editor-{width}", full_page=True)
    page.keyboard.press("Escape")
    expect(page.locator("#rule-form")).to_have_count(0)
    expect(page.locator('tr[data-rule="Holiday"] [data-action=edit]')).to_be_focused()

    # A toggle is confirmed with Undo; undone, the rule is on again.
    page.uncheck('tr[data-rule="Holiday"] [data-action=enabled]')
    expect(page.locator("#toast")).to_contain_text("Holiday is off.")
    expect(page.locator('tr[data-rule="Holiday"] [data-action=enabled]')).to_be_focused()
    page.click("#toast-undo")
    expect(page.locator("#toast")).to_contain_text("Undone.")
    expect(page.locator('tr[data-rule="Holiday"] [data-action=enabled]')).to_be_checked()
    rules = server.get(f"{t['base']}/dialplans/{plan['id']}", t["admin"])[1]["rules"]
    assert [r["enabled"] for r in rules] == [True, True, True]

    # The delete confirmation is never cut off, at any width.
    page.click('tr[data-rule="Holiday"] button:text-is("Delete")')
    confirm = page.locator('tr[data-rule="Holiday"] .confirm button.danger')
    expect(confirm).to_be_focused()
    fully_visible(page, confirm, "the delete confirmation")
    fully_visible(page, page.locator('tr[data-rule="Holiday"] .confirm button:text-is("Cancel")'), "its Cancel")
    shot(page, f"console-rule-delete-{width}")
    page.click('tr[data-rule="Holiday"] .confirm button:text-is("Cancel")')

    # The simulator at Christmas: the holiday rule, and the trace says why "Open" stepped aside.
    page.fill("#simulator-form [name=to]", "+31205550999")
    page.fill("#simulator-form [name=at]", "2026-12-25T10:00")
    page.click("#simulator-form button[type=submit]")
    expect(page.locator("#sim-result .outcome")).to_have_text("Rule Holiday wins: Hang up (SIP 603).")
    expect(page.locator('#sim-result li[data-rule="Open"]')).to_contain_text("not during Office hours: a holiday")
    page.fill("#simulator-form [name=at]", "2026-12-07T20:00")
    page.click("#simulator-form button[type=submit]")
    expect(page.locator("#sim-result .outcome")).to_contain_text("Rule Otherwise wins")

    # In use, the schedule is not deleted, and the page says which dialplan uses it.
    nav(page, "Schedules")
    page.locator('tr[data-schedule="Office hours"] a').click()
    page.click('button:text-is("Delete schedule")')
    page.click('.confirm button.danger')
    expect(page.locator(".confirm .field-error")).to_contain_text('dialplan "Main"')


@pytest.mark.parametrize("width,height", WIDTHS)
def test_numbers_attach_from_the_dialplan_page_and_new_numbers_follow_the_only_dialplan(open_console, server, width, height):
    t = tenant(server, f"Acme{width}", f"road{width}@acme.test")
    trunk = created(server.call("POST", f"{t['base']}/trunks", {"name": "carrier", "address": "sip.acme.test"}, t["admin"]))
    plan = created(server.call("POST", f"{t['base']}/dialplans", {"name": "Main", "rules": [{"priority": 1, "action": {"type": "hangup"}}]},
                               t["admin"]))
    loose_number, new_number = f"+3120{width:07d}", f"+3120{width + 1:07d}"
    loose = created(server.call("POST", f"{t['base']}/dids", {"number": loose_number, "trunk_id": trunk["id"]}, t["admin"]))
    page = open_console(f"road{width}@acme.test", "admin-password", path="/admin/numbers", viewport=(width, height))
    # The only dialplan is the new number's default.
    expect(page.locator("#number-form [name=dialplan_id]")).to_have_value(plan["id"])
    page.fill("#number-form [name=number]", "0" + new_number[3:])  # national, as people type it
    page.click("#number-form button[type=submit]")
    expect(page.locator(f'tr[data-number="{new_number}"]')).to_contain_text("Main")
    # Search narrows the list as you type.
    page.fill('input[aria-label="Search numbers"]', new_number[-4:])
    expect(page.locator(f'tr[data-number="{loose_number}"]')).to_be_hidden()
    expect(page.locator(f'tr[data-number="{new_number}"]')).to_be_visible()

    page.goto(server.base + f"/admin/dialplans/{plan['id']}")
    expect(page.locator("#plan-numbers li")).to_have_count(1)
    page.select_option("#attach-select", loose["id"])
    page.click("#attach-number")
    expect(page.locator(f'#plan-numbers li[data-number="{loose_number}"]')).to_be_visible()
    expect(page.locator("#attach-number")).to_have_count(0)  # nothing left to attach
    assert server.get(f"{t['base']}/dids/{loose['id']}", t["admin"])[1]["dialplan_id"] == plan["id"]
    shot(page, f"console-plan-numbers-{width}", full_page=True)
    page.click(f'button[aria-label="Detach {loose_number}"]')
    expect(page.locator("#toast")).to_contain_text(f"{loose_number} no longer follows Main")
    expect(page.locator("#attach-number")).to_be_focused()  # the focus stays in the panel
    assert server.get(f"{t['base']}/dids/{loose['id']}", t["admin"])[1]["dialplan_id"] is None
    page.click("#toast-undo")
    expect(page.locator(f'#plan-numbers li[data-number="{loose_number}"]')).to_be_visible()
    assert server.get(f"{t['base']}/dids/{loose['id']}", t["admin"])[1]["dialplan_id"] == plan["id"]


@pytest.mark.parametrize("width,height", WIDTHS)
def test_the_first_page_shows_today_trunk_health_and_the_set_up_checklist(open_console, server, width, height):
    t = tenant(server, f"Umbrella{width}", f"alice{width}@umbrella.test")
    trunk = created(server.call("POST", f"{t['base']}/trunks", {"name": "carrier", "address": "sip.umbrella.test"}, t["admin"]))
    created(server.call("POST", f"{t['base']}/dids", {"number": f"+312055520{width % 100:02d}", "trunk_id": trunk["id"]}, t["admin"]))
    created(server.call("POST", f"{t['base']}/extensions", {"number": "100", "name": "Lab"}, t["admin"]))
    # Two calls today nobody routes (no dialplan yet): rejected, so not missed.
    for i in range(2):
        inbound(server, f"+312055520{width % 100:02d}", f"+3161234{i:04d}", f"SCL_home_{width}_{i}_{time.time_ns()}")
    page = open_console(f"alice{width}@umbrella.test", "admin-password", viewport=(width, height))
    expect(page.locator("#content h1")).to_have_text(f"Today at Umbrella{width}")
    board = server.get(f"{t['base']}/dashboard", t["admin"])[1]
    assert board["calls_today"] == 2
    expect(page.locator("#tile-today .tile-value")).to_have_text("2")
    expect(page.locator("#tile-missed .tile-value")).to_have_text(str(board["missed_today"]))
    expect(page.locator("#tile-live .tile-value")).to_have_text(str(board["live_calls"]))
    expect(page.locator("#checklist h2")).to_have_text("Set up your phone system · 3 of 6 done")
    for step, done in [("trunk", True), ("number", True), ("extension", True), ("user", False), ("dialplan", False), ("simulated", False)]:
        expect(page.locator(f'#checklist li[data-step="{step}"]')).to_have_class("done" if done else ("next" if step == "user" else ""))
    expect(page.locator('tr[data-trunk="carrier"]')).to_contain_text("Synced")  # its sync with LiveKit, in words
    shot(page, f"console-home-{width}", full_page=True)
    # The next step's link opens its page; a trunk row opens the trunk.
    page.click('#checklist li[data-step="user"] a')
    expect(page.locator("#content h1")).to_have_text("Users")
    page.go_back()
    page.locator('tr[data-trunk="carrier"] td').nth(1).click()
    expect(page.locator("#content h1")).to_have_text("Trunk carrier")


@pytest.mark.parametrize("width,height", WIDTHS)
def test_users_search_their_extensions_bot_form_and_editable_forward_rules(open_console, server, width, height):
    t = tenant(server, f"Cyberdyne{width}", f"miles{width}@cyberdyne.test")
    desk = created(server.call("POST", f"{t['base']}/extensions", {"number": "101", "name": "Desk"}, t["admin"]))
    created(server.call("POST", f"{t['base']}/extensions", {"number": "300", "name": "Robot", "type": "bot", "target_ref": "helper"},
                        t["admin"]))
    sarah = created(server.call("POST", f"{t['base']}/users", {"email": f"sarah{width}@cyberdyne.test", "password": "sarah-password",
                                                               "display_name": "Sarah Connor"}, t["admin"]))
    created(server.call("POST", f"{t['base']}/users", {"email": f"john{width}@cyberdyne.test", "password": "john-password"}, t["admin"]))
    created(server.call("POST", f"{t['base']}/extensions/{desk['id']}/grants", {"user_id": sarah["id"]}, t["admin"]))
    page = open_console(f"miles{width}@cyberdyne.test", "admin-password", path="/admin/users", viewport=(width, height))
    page.fill('input[aria-label="Search users"]', "connor")
    expect(page.locator(f'tr[data-user="sarah{width}@cyberdyne.test"]')).to_be_visible()
    expect(page.locator(f'tr[data-user="john{width}@cyberdyne.test"]')).to_be_hidden()
    page.locator(f'tr[data-user="sarah{width}@cyberdyne.test"] td').nth(1).click()  # the row opens the user
    expect(page.locator("#user-extensions")).to_contain_text("101 · Desk")
    expect(page.locator("#content")).to_contain_text("Available")
    shot(page, f"console-user-{width}", full_page=True)

    # A bot extension: its agent and join time, voicemail as the fallback — no grants, no forwarding.
    nav(page, "Extensions")
    page.locator('tr[data-extension="300"] a').click()
    expect(page.locator('#extension-form .field[data-field="ring_timeout_s"] label')).to_have_text("Agent joins within (seconds)")
    expect(page.locator('#extension-form [name="target_ref"]')).to_have_value("helper")
    expect(page.locator("#grants")).to_have_count(0)
    expect(page.locator("#forward-form")).to_have_count(0)
    shot(page, f"console-bot-{width}", full_page=True)

    # Forward rules can be edited, not only removed; the focus comes back to the rule's Edit.
    nav(page, "Extensions")
    page.locator('tr[data-extension="101"] a').click()
    page.select_option("#forward-form [name=trigger]", "no_answer")
    page.click("#forward-form button[type=submit]")
    expect(page.locator('tr[data-forward="no_answer"]')).to_contain_text("This extension's voicemail")
    page.click('tr[data-forward="no_answer"] [data-action=edit]')
    expect(page.locator("#forward-editor h3")).to_have_text("Edit forward rule “No answer in time”")
    page.select_option("#forward-form [name=target_type]", "number")
    page.fill('#forward-form .field[data-field="target"]:not([hidden]) input', "06 12345678")
    page.click("#forward-form button[type=submit]")
    expect(page.locator('tr[data-forward="no_answer"]')).to_contain_text("+31612345678")
    expect(page.locator('tr[data-forward="no_answer"] [data-action=edit]')).to_be_focused()
    rules = server.get(f"{t['base']}/extensions/{desk['id']}/forward-rules", t["admin"])[1]["items"]
    assert [(r["trigger"], r["target_type"], r["target"]) for r in rules] == [("no_answer", "number", "+31612345678")]
    # A grant toggled: confirmed, and the keyboard stays on the box.
    box = page.locator(f'#grants input[data-user="john{width}@cyberdyne.test"]')
    box.check()
    expect(page.locator("#status")).to_contain_text("can now answer 101")
    expect(box).to_be_focused()
