"""The admin console (/admin) in headless Chromium against the real binary and the fake LiveKit:
the platform admin's tenants, a new tenant admin setting up a phone system from sign-in to the
simulator, tenant isolation through the UI, calls, live calls, voicemail, greetings, phone widths
and the keyboard. Screenshots go to test-artifacts/browser/admin-*.png."""
import io
import json
import math
import re
import struct
import time
import wave

import pytest
from livekit.protocol import models, webhook
from playwright.sync_api import expect

from conftest import HOOK_SECRET, leave_message, shot, wait_for


@pytest.fixture
def open_console(browser, server):
    """Opens /admin in a fresh browser and signs in; no page may throw a script error."""
    opened = []

    def open_(email, password, path="/admin", viewport=(1280, 900)):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        opened.append((context, errors))
        page.goto(server.base + path)
        page.fill("#sign-in-form [name=email]", email)
        page.fill("#sign-in-form [name=password]", password)
        page.click("#sign-in-form button[type=submit]")
        expect(page.locator("#sign-out")).to_be_visible()
        return page

    yield open_
    for context, errors in opened:
        context.close()
        assert errors == [], errors


def tenant(server, name: str, admin_email: str, country="NL", timezone="Europe/Amsterdam") -> dict:
    """A tenant and its first admin, made through the API by the platform admin."""
    root = server.login("root@example.com", "root-password")
    status, t = server.call("POST", "/v1/tenants", {"name": name, "country": country, "timezone": timezone}, root)
    assert status == 201, t
    status, user = server.call("POST", f"/v1/tenants/{t['id']}/users",
                               {"email": admin_email, "password": "admin-password", "role": "tenant_admin"}, root)
    assert status == 201, user
    return {"id": t["id"], "base": f"/v1/tenants/{t['id']}", "admin": server.login(admin_email, "admin-password")}


def created(reply) -> dict:
    status, body = reply
    assert status == 201, body
    return body


def field_error(page, form: str, name: str):
    return page.locator(f'{form} .field[data-field="{name}"]:not([hidden]) .field-error')


def nav(page, text: str):
    page.click(f'#nav a:text-is("{text}")')
    expect(page.locator("#content h1")).to_be_visible()


def test_platform_admin_creates_a_tenant_and_its_first_admin(open_console, server):
    page = open_console("root@example.com", "root-password")
    expect(page).to_have_url(server.base + "/admin/tenants")
    expect(page.locator("#content h1")).to_have_text("Tenants")
    expect(page.locator("#nav a")).to_have_text(["Tenants", "API tokens"])  # no tenant is being managed: nothing else

    page.fill("#tenant-form [name=name]", "Globex")
    page.fill("#tenant-form [name=country]", "DE")
    page.fill("#tenant-form [name=timezone]", "Europe/Berlin")
    page.fill('#tenant-form [name="admin.email"]', "hank@globex.test")
    page.fill('#tenant-form [name="admin.display_name"]', "Hank Scorpio")
    page.fill('#tenant-form [name="admin.password"]', "short")
    page.click("#tenant-form button[type=submit]")
    # The admin's problem is shown next to the admin's password, and no half-made tenant remains.
    expect(field_error(page, "#tenant-form", "admin.password")).to_have_text("Must be at least 8 characters.")
    root = server.login("root@example.com", "root-password")
    assert not [t for t in server.get("/v1/tenants", root)[1]["items"] if t["name"] == "Globex"]

    page.fill('#tenant-form [name="admin.password"]', "globex-password")
    page.click("#tenant-form button[type=submit]")
    row = page.locator("tr", has_text="Globex")
    expect(row).to_contain_text("DE")
    expect(row).to_contain_text("Europe/Berlin")
    expect(page.locator("#status")).to_have_text("Created Globex with its admin hank@globex.test.")
    shot(page, "admin-tenants")
    globex = next(t for t in server.get("/v1/tenants", root)[1]["items"] if t["name"] == "Globex")
    admins = server.get(f"/v1/tenants/{globex['id']}/users", root)[1]["items"]
    assert [(u["email"], u["role"], u["display_name"]) for u in admins] == [("hank@globex.test", "tenant_admin", "Hank Scorpio")]

    # The platform admin may manage the tenant: its pages, its name in the bar.
    row.locator("a", has_text="Manage").click()
    expect(page.locator("#tenant-name")).to_have_text("Globex")
    expect(page.locator("#content h1")).to_have_text("Call history")
    nav(page, "Trunks")
    assert f"tenant={globex['id']}" in page.url
    expect(page.locator(".empty h2")).to_have_text("No trunks yet")

    # The new admin signs in with what the platform admin typed.
    server.login("hank@globex.test", "globex-password")


def test_a_new_tenant_admin_sets_up_trunk_number_extension_dialplan_and_simulates(open_console, server, fake):
    t = tenant(server, "Initech", "bill@initech.test")
    page = open_console("bill@initech.test", "admin-password")
    # The first page: today at a glance, and the set-up checklist with nothing done yet.
    expect(page).to_have_url(server.base + "/admin/home")
    expect(page.locator("#tenant-name")).to_have_text("Initech")
    expect(page.locator("#checklist h2")).to_have_text("Set up your phone system · 0 of 6 done")
    expect(page.locator("#checklist li.next")).to_have_attribute("data-step", "trunk")
    shot(page, "admin-1-first-view")

    # Trunk: a bad address is named next to its field and nothing is written; then a good one.
    nav(page, "Trunks")
    expect(page.locator(".empty h2")).to_have_text("No trunks yet")
    page.fill("#trunk-form [name=name]", "carrier")
    page.fill("#trunk-form [name=address]", "not a host!")
    page.fill("#trunk-form [name=auth_username]", "initech")
    page.fill("#trunk-form [name=auth_password]", "carrier-secret")
    page.click("#trunk-form button[type=submit]")
    expect(field_error(page, "#trunk-form", "address")).to_contain_text("Must be host[:port]")
    expect(page.locator("#trunk-form [name=address]")).to_have_attribute("aria-invalid", "true")
    assert server.get(f"{t['base']}/trunks", t["admin"])[1]["items"] == []
    page.fill("#trunk-form [name=address]", "sip.initech.test:5060")
    page.click("#trunk-form button[type=submit]")
    expect(page.locator("#content h1")).to_have_text("Trunk carrier")
    expect(page.locator("#sync-state")).to_contain_text("Pending")
    expect(page.locator("#sync-state")).to_contain_text("no DIDs yet")
    expect(page.locator("#registration-panel")).to_contain_text("does not register")
    shot(page, "admin-2-trunk")

    # Number on that trunk (national format, stored as E.164); no dialplan yet.
    nav(page, "Numbers")
    page.fill("#number-form [name=number]", "020 555 0101")
    page.fill("#number-form [name=label]", "Main line")
    page.click("#number-form button[type=submit]")
    row = page.locator('tr[data-number="+31205550101"]')
    expect(row).to_contain_text("carrier")
    expect(row).to_contain_text("None: calls are rejected")

    # Extension: a bad number is refused next to the field; then 201 Sales, granted to Bill.
    nav(page, "Extensions")
    page.fill("#extension-form [name=number]", "2")
    page.fill("#extension-form [name=name]", "Sales")
    page.click("#extension-form button[type=submit]")
    expect(field_error(page, "#extension-form", "number")).to_have_text("Must be 2 to 10 digits, e.g. 101.")
    page.fill("#extension-form [name=number]", "201")
    page.click("#extension-form button[type=submit]")
    expect(page.locator("#content h1")).to_have_text("Extension 201 · Sales")
    page.check('#grants input[data-user="bill@initech.test"]')
    expect(page.locator("#status")).to_have_text("bill@initech.test can now answer 201.")
    ext = server.get(f"{t['base']}/extensions", t["admin"])[1]["items"][0]
    assert [g["user_id"] for g in server.get(f"{t['base']}/extensions/{ext['id']}/grants", t["admin"])[1]["items"]] != []
    page.select_option("#forward-form [name=trigger]", "no_answer")
    page.click("#forward-form button[type=submit]")
    expect(page.locator("#content table").first).to_contain_text("This extension's voicemail")
    shot(page, "admin-3-extension")

    # Dialplan with two rules; the API's field errors land next to their fields.
    nav(page, "Dialplans")
    expect(page.locator(".empty h2")).to_have_text("No dialplans yet")
    page.fill("#dialplan-form [name=name]", "Main")
    page.click("#dialplan-form button[type=submit]")
    expect(page.locator("#content h1")).to_have_text("Dialplan Main")
    expect(page.locator("#rules .empty h2")).to_have_text("No rules yet")

    page.click("#add-rule")
    page.fill('#rule-form [name=name]', "office hours")
    page.select_option('#rule-form [name="when"]', "custom")
    for day in ["mon", "tue", "wed", "thu", "fri"]:
        page.check(f'#rule-form .days input[value="{day}"]')
    page.fill('#rule-form [name="conditions.time_from"]', "09:00")
    page.fill('#rule-form [name="conditions.time_to"]', "17:00")
    page.select_option('#rule-form [name="action.type"]', "ring_extension")
    page.click("#rule-form button[type=submit]")
    expect(page.locator('tr[data-rule="office hours"]')).to_contain_text("Ring 201 · Sales")

    page.click("#add-rule")
    expect(page.locator('#rule-form [name=priority]')).to_have_count(0)  # order is what people see and move
    page.fill('#rule-form [name=name]', "after hours")
    page.click("#rule-form details.more-fields summary")
    page.fill('#rule-form [name="conditions.caller"]', "_12(")
    page.select_option('#rule-form [name="action.type"]', "voicemail")
    page.click("#rule-form button[type=submit]")
    caller_error = field_error(page, "#rule-form", "conditions.caller")
    expect(caller_error).not_to_be_empty()
    expect(page.locator('#rule-form [name="conditions.caller"]')).to_be_focused()
    assert len(server.get(f"{t['base']}/dialplans", t["admin"])[1]["items"][0]["rules"]) == 1  # nothing written
    shot(page, "admin-4-rule-error")
    page.fill('#rule-form [name="conditions.caller"]', "")
    page.click("#rule-form button[type=submit]")
    rows = page.locator("#rules tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator('tr[data-rule="after hours"]')).to_contain_text("Voicemail of 201 · Sales")
    expect(rows.nth(0)).to_have_attribute("data-rule", "office hours")

    # Reorder: up puts "after hours" first (priorities swap), down puts it back.
    page.click('tr[data-rule="after hours"] [data-action=up]')
    expect(rows.nth(0)).to_have_attribute("data-rule", "after hours")
    expect(page.locator('tr[data-rule="after hours"] [data-action=down]')).to_be_focused()
    plan = server.get(f"{t['base']}/dialplans", t["admin"])[1]["items"][0]
    assert [(r["name"], r["priority"]) for r in plan["rules"]] == [("after hours", 10), ("office hours", 20)]
    page.click('tr[data-rule="after hours"] [data-action=down]')
    expect(rows.nth(0)).to_have_attribute("data-rule", "office hours")

    # Edit a rule in place (conditions are replaced as a whole); delete a third one.
    page.click('tr[data-rule="office hours"] [data-action=edit]')
    expect(page.locator('#rule-form [name="conditions.time_to"]')).to_have_value("17:00")
    page.fill('#rule-form [name="conditions.time_to"]', "17:30")
    page.click("#rule-form button[type=submit]")
    expect(page.locator('tr[data-rule="office hours"]')).to_contain_text("09:00–17:30")
    expect(page.locator("#rule-form")).to_have_count(0)
    page.click("#add-rule")
    page.fill('#rule-form [name=name]', "temporary")
    page.select_option('#rule-form [name="action.type"]', "hangup")
    page.click("#rule-form button[type=submit]")
    expect(page.locator('tr[data-rule="temporary"]')).to_contain_text("Hang up (SIP 603)")
    page.click('tr[data-rule="temporary"] button:text-is("Delete")')
    page.click('tr[data-rule="temporary"] .confirm button.danger')
    expect(rows).to_have_count(2)

    # The number follows the dialplan now.
    nav(page, "Numbers")
    page.click('tr[data-number="+31205550101"] a:text-is("+31205550101")')
    page.select_option("#number-form [name=dialplan_id]", label="Main")
    page.click("#number-form button[type=submit]")
    expect(page.locator('tr[data-number="+31205550101"]')).to_contain_text("Main")

    # Simulator: a Wednesday morning rings Sales; a Saturday goes to voicemail, and says why.
    nav(page, "Dialplans")
    page.click('a:text-is("Main")')
    expect(page.locator("#simulator-form [name=to]")).to_have_value("+31205550101")
    page.fill("#simulator-form [name=from]", "+31612345678")
    page.fill("#simulator-form [name=at]", "2026-06-17T10:00")
    page.click("#simulator-form button[type=submit]")
    expect(page.locator("#sim-result .outcome")).to_have_text("Rule office hours wins: Ring 201 · Sales.")
    expect(page.locator("#sim-result")).to_contain_text("on Wed 17 Jun 2026, 10:00 (Europe/Amsterdam, UTC+02:00)")
    expect(page.locator('tr[data-rule="office hours"]')).to_have_class(re.compile(r"\bwinner\b"))
    page.fill("#simulator-form [name=at]", "2026-06-20T10:00")
    page.click("#simulator-form button[type=submit]")
    expect(page.locator("#sim-result .outcome")).to_have_text("Rule after hours wins: Voicemail of 201 · Sales.")
    expect(page.locator('#sim-result li[data-rule="office hours"]')).to_contain_text("not on mon,tue,wed,thu,fri (today is sat)")
    expect(page.locator('tr[data-rule="after hours"]')).to_have_class(re.compile(r"\bwinner\b"))
    shot(page, "admin-5-dialplan-simulator", full_page=True)

    # Disabled rules are skipped, and the simulator says so.
    page.uncheck('tr[data-rule="after hours"] [data-action=enabled]')
    expect(page.locator('tr[data-rule="after hours"]')).to_have_class(re.compile(r"\bdisabled\b"))
    page.click("#simulator-form button[type=submit]")
    expect(page.locator("#sim-result .outcome")).to_have_text("No rule matches: the call is rejected (SIP 480).")
    expect(page.locator('#sim-result li[data-rule="after hours"]')).to_contain_text("disabled")

    # With a number the trunk syncs to LiveKit; Sync now asks again.
    nav(page, "Trunks")
    page.click('a:text-is("carrier")')
    expect(page.locator("#sync-state")).to_contain_text("Synced", timeout=15000)
    before = len(fake.requests("UpdateSIPInboundTrunk")) + len(fake.requests("CreateSIPInboundTrunk"))
    page.click("#sync-now")
    expect(page.locator("#status")).to_have_text("Sync started.")
    wait_for(lambda: len(fake.requests("UpdateSIPInboundTrunk")) + len(fake.requests("CreateSIPInboundTrunk")) > before,
             "LiveKit was asked again")
    expect(page.locator("#sync-state")).to_contain_text("Synced", timeout=15000)
    shot(page, "admin-6-trunk-synced")


def test_another_tenants_objects_cannot_be_seen_or_reached_through_the_console(open_console, server):
    a = tenant(server, "Umbrella", "admin@umbrella.test")
    b = tenant(server, "Tyrell", "admin@tyrell.test")
    trunk = created(server.call("POST", f"{a['base']}/trunks", {"name": "umbrella-secret-trunk", "address": "sip.umbrella.test"}, a["admin"]))
    ext = created(server.call("POST", f"{a['base']}/extensions", {"number": "666", "name": "Red Queen"}, a["admin"]))
    plan = created(server.call("POST", f"{a['base']}/dialplans", {"name": "hive", "rules": [
        {"priority": 1, "action": {"type": "ring_extension", "extension_id": ext["id"]}}]}, a["admin"]))
    created(server.call("POST", f"{b['base']}/trunks", {"name": "tyrell-trunk", "address": "sip.tyrell.test"}, b["admin"]))

    page = open_console("admin@tyrell.test", "admin-password")
    nav(page, "Trunks")
    expect(page.locator("#content")).to_contain_text("tyrell-trunk")
    expect(page.locator("#content")).not_to_contain_text("umbrella")
    for path, noun in [(f"/admin/trunks/{trunk['id']}", "trunk"), (f"/admin/extensions/{ext['id']}", "extension"),
                       (f"/admin/dialplans/{plan['id']}", "dialplan")]:
        page.goto(server.base + path)
        expect(page.locator(".empty h2")).to_have_text("Not found")
        expect(page.locator(".empty")).to_contain_text(f"There is no such {noun} in Tyrell")
        for secret in ["umbrella", "Red Queen", "hive", "666"]:
            expect(page.locator("body")).not_to_contain_text(secret)
    shot(page, "admin-isolation")
    # A tenant admin's console is its own tenant's, whatever the address says.
    page.goto(server.base + f"/admin/trunks?tenant={a['id']}")
    expect(page.locator("#tenant-name")).to_have_text("Tyrell")
    expect(page.locator("#content")).to_contain_text("tyrell-trunk")
    expect(page.locator("#content")).not_to_contain_text("umbrella")
    # The tenants page is the platform admin's; an address that names no view is not found either.
    for path in ["/admin/tenants", "/admin/constructor", "/admin/nonsense/123"]:
        page.goto(server.base + path)
        expect(page.locator(".empty h2")).to_have_text("Not found")
        expect(page.locator("body")).not_to_contain_text("Umbrella")


def test_a_user_is_sent_to_their_phone(open_console, server):
    t = tenant(server, "Cyberdyne", "admin@cyberdyne.test")
    created(server.call("POST", f"{t['base']}/users", {"email": "miles@cyberdyne.test", "password": "user-password"}, t["admin"]))
    page = open_console("miles@cyberdyne.test", "user-password", path="/admin/trunks")
    expect(page.locator(".empty h2")).to_have_text("The admin console is for administrators")
    expect(page.locator("#nav")).to_be_hidden()
    page.click("text=Open my phone")
    expect(page).to_have_url(server.base + "/my/dial")
    expect(page.locator("#dialer")).to_be_visible()  # the same session: no second sign-in


def inbound(server, did: str, caller: str, call_id: str) -> dict:
    status, decision = server.call("POST", "/sip/inbound", {
        "sip_trunk_id": "ST_admin", "call": {"lk_call_id": call_id, "from": {"user": caller}, "to": {"user": did}}},
        headers={"Authorization": f"Bearer {HOOK_SECRET}"})
    assert status == 200, decision
    return decision


def test_call_history_filters_pages_and_shows_legs_and_live_calls_update(open_console, server):
    t = tenant(server, "Soylent", "admin@soylent.test")
    trunk = created(server.call("POST", f"{t['base']}/trunks", {"name": "carrier", "address": "sip.soylent.test"}, t["admin"]))
    bot = created(server.call("POST", f"{t['base']}/extensions", {"number": "300", "name": "Robot", "type": "bot", "target_ref": "helper"},
                              t["admin"]))
    plan = created(server.call("POST", f"{t['base']}/dialplans", {"name": "main", "rules": [
        {"priority": 1, "name": "spam", "conditions": {"caller": "_+3161111111X"}, "action": {"type": "hangup", "sip_status": 486}},
        {"priority": 2, "name": "bot", "conditions": {"caller": "_+3169999999X"}, "action": {"type": "ring_extension", "extension_id": bot["id"]}},
    ]}, t["admin"]))
    created(server.call("POST", f"{t['base']}/dids", {"number": "+31205550200", "trunk_id": trunk["id"], "dialplan_id": plan["id"]}, t["admin"]))
    # 27 calls nobody routes (480) and 3 from the spammer (486 by the rule): more than one page of 25.
    for i in range(27):
        assert inbound(server, "+31205550200", f"+3162000{i:04d}", f"SCL_soy_{i}_{time.time_ns()}")["result"] == "REJECT"
    for i in range(3):
        inbound(server, "+31205550200", f"+3161111111{i}", f"SCL_spam_{i}_{time.time_ns()}")

    page = open_console("admin@soylent.test", "admin-password", path="/admin/calls")
    rows = page.locator("#content tbody > tr[data-call]")
    expect(rows).to_have_count(25)
    expect(rows.first).to_contain_text("+31611111112")  # newest first
    expect(rows.nth(3)).to_contain_text("no route")
    expect(rows.nth(3)).to_contain_text("480")
    rows.nth(3).locator(".legs-toggle").click()
    expect(page.locator("tr.legs-row")).to_contain_text("480")
    shot(page, "admin-7-call-history")
    page.click("#older")
    expect(rows).to_have_count(5)
    expect(page.locator("#older")).to_have_count(0)
    page.go_back()
    expect(rows).to_have_count(25)

    page.fill("#call-filters [name=number]", "+3161111111")
    page.click("#call-filters button[type=submit]")
    expect(rows).to_have_count(3)
    assert "number=%2B3161111111" in page.url
    first = rows.first
    expect(first).to_contain_text("failed")
    expect(first).to_contain_text("hangup rule")
    expect(first).to_contain_text("486")
    first.locator(".legs-toggle").click()
    legs = page.locator("tr.legs-row")
    expect(legs).to_contain_text("sip")
    expect(legs).to_contain_text("failed")
    expect(first.locator(".legs-toggle")).to_have_attribute("aria-expanded", "true")
    page.select_option("#call-filters [name=direction]", "outbound")
    page.click("#call-filters button[type=submit]")
    expect(page.locator(".empty h2")).to_have_text("No calls match")
    # A date range that ends before today finds nothing; one that includes today finds them again.
    page.goto(server.base + "/admin/calls?to=2020-01-01")
    expect(page.locator(".empty h2")).to_have_text("No calls match")
    page.goto(server.base + f"/admin/calls?from={time.strftime('%Y-%m-%d', time.gmtime(time.time() - 86400))}&number=%2B3161111111")
    expect(rows).to_have_count(3)

    # One call, whole: rule, legs with reason and SIP status.
    rows.first.locator("a").first.click()
    expect(page.locator("#call-facts")).to_contain_text("spam")
    expect(page.locator("#call-facts")).to_contain_text("486")
    expect(page.locator("#content")).to_contain_text("hangup_rule".replace("_", " "))

    # Live calls: a call appears while it lasts and leaves when its room finishes, without a reload.
    nav(page, "Live calls")
    expect(page.locator(".empty h2")).to_have_text("No calls in progress")
    decision = inbound(server, "+31205550200", "+31699999991", f"SCL_live_{time.time_ns()}")
    assert decision["result"] == "ACCEPT", decision
    live = page.locator(f'tr[data-call="{decision["scaidial_call_id"]}"]')
    expect(live).to_be_visible(timeout=8000)
    expect(live).to_contain_text("+31699999991")
    shot(page, "admin-8-live-calls")
    server.webhook(webhook.WebhookEvent(event="room_finished", id=f"EV_fin_{time.time_ns()}", created_at=int(time.time()),
                                        room=models.Room(name=decision["room_name"])))
    expect(live).to_have_count(0, timeout=8000)
    expect(page.locator(".empty h2")).to_have_text("No calls in progress")


def tone_wav() -> bytes:
    """One second of a 440 Hz tone, 8 kHz mono 16-bit: a real WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000))) for i in range(8000)))
    return out.getvalue()


def test_extension_greeting_upload_listen_and_back_to_default(open_console, server):
    t = tenant(server, "Hooli", "admin@hooli.test")
    ext = created(server.call("POST", f"{t['base']}/extensions", {"number": "100", "name": "Front"}, t["admin"]))
    page = open_console("admin@hooli.test", "admin-password", path=f"/admin/extensions/{ext['id']}")
    expect(page.locator("#greeting")).to_contain_text("built-in greeting")

    page.set_input_files("#greeting-file", files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not audio at all"}])
    page.click("#greeting-upload")
    expect(page.locator("#greeting-error")).to_contain_text("That file isn't a WAV, MP3 or OGG recording.")
    expect(page.locator("#greeting-file")).to_be_focused()

    page.set_input_files("#greeting-file", files=[{"name": "hello.wav", "mimeType": "audio/wav", "buffer": tone_wav()}])
    page.click("#greeting-upload")
    expect(page.locator("#status")).to_have_text("Greeting uploaded.")
    expect(page.locator("#greeting")).to_contain_text("Callers hear your own greeting")
    assert server.get(f"{t['base']}/extensions/{ext['id']}", t["admin"])[1]["has_greeting"] is True
    # The player streams it from ScaiDial with the session cookie: the browser reads its length.
    duration = page.evaluate("""async () => {
        const a = document.querySelector('#greeting audio');
        a.preload = 'auto'; a.load();
        await new Promise((ok, fail) => { a.onloadedmetadata = ok; a.onerror = () => fail(a.error && a.error.code); });
        return a.duration; }""")
    assert 0.9 < duration < 1.1, duration
    shot(page, "admin-greeting")

    page.click('#greeting button:text-is("Use the default greeting")')
    page.click('#greeting .confirm button.danger')
    expect(page.locator("#greeting")).to_contain_text("built-in greeting")
    assert server.get(f"{t['base']}/extensions/{ext['id']}", t["admin"])[1]["has_greeting"] is False


def test_voicemail_of_every_box_plays_marks_read_and_deletes(open_console, server, fake):
    t = tenant(server, "Vandelay", "admin@vandelay.test")
    trunk = created(server.call("POST", f"{t['base']}/trunks", {"name": "carrier", "address": "sip.vandelay.test"}, t["admin"]))
    ext = created(server.call("POST", f"{t['base']}/extensions", {"number": "400", "name": "Imports"}, t["admin"]))
    plan = created(server.call("POST", f"{t['base']}/dialplans", {"name": "vm", "rules": [
        {"priority": 1, "action": {"type": "voicemail", "extension_id": ext["id"]}}]}, t["admin"]))
    created(server.call("POST", f"{t['base']}/dids", {"number": "+31205550400", "trunk_id": trunk["id"], "dialplan_id": plan["id"]}, t["admin"]))

    page = open_console("admin@vandelay.test", "admin-password")
    nav(page, "Voicemail")
    expect(page.locator(".empty h2")).to_have_text("No voicemail yet")
    path = leave_message(server, fake, "+31205550400", "+31633334444", f"SCL_vandelay_{time.time_ns()}")
    page.reload()
    message = page.locator("#messages li.message")
    expect(message).to_have_count(1)
    expect(message).to_contain_text("+31633334444")
    expect(message).to_contain_text("400 · Imports")
    expect(message).to_contain_text("0:04")
    expect(message).to_have_class("message unread")
    shot(page, "admin-voicemail")

    # A failed transcription says why, for the admin who can fix it (the server's answer is
    # rewritten to that state here; the reasons themselves are checked in the Swift tests).
    listing = re.compile(r".*/voicemails\?.*")
    def failed(route):
        body = json.loads(route.fetch().text())
        for item in body["items"]:
            item.update(transcript_state="failed",
                        transcript_error="the transcription service answered HTTP 401: Incorrect API key provided")
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))
    page.route(listing, failed)
    page.reload()
    expect(page.locator("#messages li.message")).to_contain_text(
        "Transcription failed; listen instead. (the transcription service answered HTTP 401: Incorrect API key provided)")
    page.unroute(listing, failed)
    page.reload()
    expect(page.locator("#messages li.message")).not_to_contain_text("Transcription failed")

    # Playing it streams the recording and marks it read.
    duration = page.evaluate("""async () => {
        const a = document.querySelector('#messages audio');
        a.preload = 'auto'; a.load();
        await new Promise((ok, fail) => { a.onloadedmetadata = ok; a.onerror = () => fail(a.error && a.error.code); });
        window.__playing = a;
        a.play().catch(() => {});
        return a.duration; }""")
    assert 2 < duration < 10, duration
    expect(page.locator("#messages li.message")).to_have_class("message read")
    expect(page.locator("#messages li.message .badge")).to_be_hidden()
    # Marked read in place: the player that plays is still in the page, still playing.
    playing = page.evaluate("() => ({ connected: window.__playing.isConnected, paused: window.__playing.paused })")
    assert playing == {"connected": True, "paused": False}, playing
    wait_for(lambda: page.evaluate("window.__playing.currentTime") > 0.3, "the message plays on")
    page.click("#messages [data-action=read]")
    expect(page.locator("#messages li.message")).to_have_class("message unread")

    page.check("#voicemail-filters [name=unread]")
    page.click("#voicemail-filters button[type=submit]")
    expect(page.locator("#messages li.message")).to_have_count(1)
    page.click('#messages button:text-is("Delete")')
    page.click("#messages .confirm button.danger")
    expect(page.locator("#messages li.message")).to_have_count(0)
    assert server.get(f"{t['base']}/voicemails", t["admin"])[1]["items"] == []
    wait_for(lambda: not path.exists(), "the recording was deleted")


def test_phone_width_and_the_keyboard_alone(browser, server):
    tenant(server, "Wonka", "admin@wonka.test")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.base + "/admin/trunks")
    expect(page.locator("#sign-in-form [name=email]")).to_be_focused()
    page.keyboard.type("admin@wonka.test")
    page.keyboard.press("Tab")
    page.keyboard.type("admin-password")
    page.keyboard.press("Enter")
    expect(page.locator("#content h1")).to_have_text("Trunks")  # the address asked for, after signing in
    # Tab to the trunk form and add one without the mouse.
    page.focus("#trunk-form [name=name]")
    page.keyboard.type("carrier")
    page.keyboard.press("Tab")
    page.keyboard.type("sip.wonka.test")
    page.keyboard.press("Enter")
    expect(page.locator("#content h1")).to_have_text("Trunk carrier")
    # Reach a menu entry by tabbing, open it with Enter: its heading takes the focus.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Dialplans":
            break
    page.keyboard.press("Enter")
    expect(page.locator("#content h1")).to_have_text("Dialplans")
    expect(page.locator("#content h1")).to_be_focused()
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "admin-phone")
    nav(page, "Trunks")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "admin-phone-trunks")
    assert errors == [], errors
    context.close()


def test_users_roles_disabling_policy_and_sign_out(open_console, server):
    t = tenant(server, "Stark", "pepper@stark.test")
    trunk = created(server.call("POST", f"{t['base']}/trunks", {"name": "carrier", "address": "sip.stark.test"}, t["admin"]))
    for number, label in [("+31205550300", "Main line"), ("+31205550301", None)]:
        created(server.call("POST", f"{t['base']}/dids", {"number": number, "trunk_id": trunk["id"], "label": label}, t["admin"]))
    page = open_console("pepper@stark.test", "admin-password")
    nav(page, "Users")
    page.fill("#user-form [name=email]", "happy@stark.test")
    page.fill("#user-form [name=display_name]", "Happy Hogan")
    page.fill("#user-form [name=password]", "happy-password")
    page.click("#user-form button[type=submit]")
    expect(page.locator("#content tbody tr", has_text="happy@stark.test")).to_contain_text("User")
    server.login("happy@stark.test", "happy-password")

    # Make Happy an admin, then disable the account: signing in is refused from then on.
    page.click('a:text-is("happy@stark.test")')
    page.select_option("#user-form [name=role]", "tenant_admin")
    page.check("#user-form [name=disabled]")
    page.click("#user-form button[type=submit]")
    row = page.locator("#content tbody tr", has_text="happy@stark.test")
    expect(row).to_contain_text("Admin")
    expect(row).to_contain_text("Disabled")
    assert server.call("POST", "/v1/auth/login", {"email": "happy@stark.test", "password": "happy-password"})[0] == 403
    # Nobody can lock themselves out: the API's refusal shows next to the field.
    page.click('a:text-is("pepper@stark.test")')
    page.check("#user-form [name=disabled]")
    page.click("#user-form button[type=submit]")
    expect(field_error(page, "#user-form", "disabled")).to_have_text("You cannot disable your own account.")

    # Policy: the platform's limits and where calls may go are shown to the tenant admin, not editable.
    nav(page, "Policy")
    for name in ["allow_international", "allowed_prefixes", "blocked_prefixes", "max_calls_per_user_per_hour", "max_concurrent_calls"]:
        expect(page.locator(f'#policy-form [name="policy.{name}"]')).to_be_disabled()
    expect(page.locator('#policy-form [data-field="policy.max_concurrent_calls"] .hint')).to_have_text("Set by the platform operator.")
    # Pickers: the default caller id is one of the tenant's numbers; country and time zone are lists.
    expect(page.locator('#policy-form [name="policy.default_caller_id"] option')).to_have_text(
        ["The trunk's first number", "+31205550300 · Main line", "+31205550301"])
    expect(page.locator('#policy-form [name="country"]')).to_have_value("NL")
    expect(page.locator('#policy-form [name="country"] option[value="NL"]')).to_have_text("Netherlands (NL)")
    expect(page.locator('#policy-form [name="timezone"]')).to_have_value("Europe/Amsterdam")
    assert page.locator('#policy-form [name="timezone"] option').count() > 300
    page.select_option('#policy-form [name="policy.default_caller_id"]', "+31205550300")
    page.select_option('#policy-form [name="policy.forward_caller_id"]', "caller")
    page.check('#policy-form [name="policy.voicemail_transcription"]')
    page.click("#policy-form button[type=submit]")
    expect(page.locator("#status")).to_have_text("Policy saved.")
    policy = server.get(t["base"], t["admin"])[1]["policy"]
    assert policy["default_caller_id"] == "+31205550300" and policy["forward_caller_id"] == "caller"
    assert policy["voicemail_transcription"] is True and policy["allow_international"] is False
    expect(page.locator('#policy-form [name="policy.default_caller_id"]')).to_have_value("+31205550300")
    shot(page, "admin-policy-tenant-admin")
    phone = open_console("pepper@stark.test", "admin-password", path="/admin/policy", viewport=(390, 844))
    expect(phone.locator('#policy-form [name="policy.max_concurrent_calls"]')).to_be_disabled()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "admin-policy-tenant-admin-phone", full_page=True)
    # The platform admin sets them for the tenant: a bad prefix is named with its position; a good one is saved.
    operator = open_console("root@example.com", "root-password", path=f"/admin/policy?tenant={t['id']}")
    operator.check('#policy-form [name="policy.allow_international"]')
    operator.fill('#policy-form [name="policy.blocked_prefixes"]', "+31900, 0909")
    operator.fill('#policy-form [name="policy.max_calls_per_user_per_hour"]', "20")
    operator.click("#policy-form button[type=submit]")
    expect(field_error(operator, "#policy-form", "policy.blocked_prefixes")).to_have_text(
        "Item 2: Must be an E.164 prefix such as +31 or +3190.")
    operator.fill('#policy-form [name="policy.blocked_prefixes"]', "+31900, +31909")
    operator.click("#policy-form button[type=submit]")
    expect(operator.locator("#status")).to_have_text("Policy saved.")
    policy = server.get(t["base"], t["admin"])[1]["policy"]
    assert policy["allow_international"] is True and policy["blocked_prefixes"] == ["+31900", "+31909"]
    assert policy["max_calls_per_user_per_hour"] == 20 and policy["default_caller_id"] == "+31205550300"
    shot(operator, "admin-policy")

    # Signing out ends the session for the whole site (the phone shares it).
    page.click("#sign-out")
    expect(page.locator("#sign-in-form")).to_be_visible()
    expect(page.locator("#content")).to_contain_text("You have signed out.")
    assert page.evaluate("fetch('/me').then(r => r.status)") == 401
    page.goto(server.base + "/my/dial")
    expect(page.locator("#sign-in")).to_be_visible()


def test_trunk_registration_state_shows_when_present_and_its_absence_breaks_nothing(open_console, server):
    t = tenant(server, "Aperture", "cave@aperture.test")
    trunk = created(server.call("POST", f"{t['base']}/trunks", {"name": "registering", "address": "sip.aperture.test", "register": True,
                                                                 "auth_username": "glados", "auth_password": "cake-is-a-lie"}, t["admin"]))
    page = open_console("cave@aperture.test", "admin-password")
    nav(page, "Trunks")
    row = page.locator(f'tr[data-trunk="{trunk["id"]}"]')
    # The browser-test server has no SCAIDIAL_SIP_CONTACT: the real registration service says why it can't register.
    expect(row).to_contain_text("Registration failed")
    expect(row).to_contain_text("SCAIDIAL_SIP_CONTACT is not set")

    # What REGISTER-mode trunks report once the registration client runs: a refusal with its status
    # and the next attempt (the server's answer is rewritten here to that shape).
    def failed(route):
        body = json.loads(route.fetch().text())
        body["registration"] = {"state": "failed", "status_code": 403, "error": "Forbidden (bad credentials)",
                                "expires_at": None, "next_attempt_at": "2026-06-17T08:05:00Z"}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))
    page.route(f"**/trunks/{trunk['id']}", failed)
    page.click(f'a:text-is("registering")')
    expect(page.locator("#registration-state")).to_contain_text("Registration failed")
    expect(page.locator("#registration-state")).to_contain_text("SIP 403 · Forbidden (bad credentials)")
    expect(page.locator("#registration-panel")).to_contain_text("Next attempt")
    expect(page.locator("#registration-panel")).to_contain_text("17 Jun 2026, 10:05:00")  # on the tenant's clock
    shot(page, "admin-registration")

    # A server without `registration` on its trunks: the pages still work.
    page.unroute(f"**/trunks/{trunk['id']}")
    def without(route):
        body = json.loads(route.fetch().text())
        for item in body.get("items", [body]):
            item.pop("registration", None)
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))
    page.route("**/trunks**", without)
    nav(page, "Trunks")
    expect(page.locator(f'tr[data-trunk="{trunk["id"]}"]')).to_contain_text("On")
    page.click(f'a:text-is("registering")')
    expect(page.locator("#registration-panel")).to_contain_text("does not report how that goes")
    expect(page.locator("#sync-state")).to_be_visible()


def test_stored_trunk_passwords_can_be_removed(open_console, server):
    t = tenant(server, "Black Mesa", "gordon@mesa.test")
    trunk = created(server.call("POST", f"{t['base']}/trunks", {
        "name": "mesa", "address": "sip.mesa.test", "auth_username": "gordon", "auth_password": "crowbar-1998",
        "inbound_auth_username": "carrier", "inbound_auth_password": "xen-2004"}, t["admin"]))
    path = f"{t['base']}/trunks/{trunk['id']}"
    page = open_console("gordon@mesa.test", "admin-password")
    nav(page, "Trunks")
    page.click('a:text-is("mesa")')
    form = page.locator("#trunk-form")
    expect(form).to_contain_text("A password is set; leave empty to keep it.")

    # The carrier's password at us goes only with its username: the API says so next to the field.
    page.get_by_label("Remove the carrier's password at us").check()
    page.click("#trunk-form button[type=submit]")
    expect(field_error(page, "#trunk-form", "inbound_auth_password").first).to_contain_text("set together")
    assert server.call("GET", path, token=t["admin"])[1]["has_inbound_password"] is True

    page.fill('#trunk-form [name=inbound_auth_username]', "")
    page.get_by_label("Remove our password at the carrier").check()
    page.click("#trunk-form button[type=submit]")
    wait_for(lambda: server.call("GET", path, token=t["admin"])[1]["has_password"] is False, "our password removed")
    now = server.call("GET", path, token=t["admin"])[1]
    assert now["has_inbound_password"] is False and now["inbound_auth_username"] is None
    assert now["auth_username"] == "gordon"  # only what was asked for went
    # Nothing left to remove: the boxes are gone, and the fields say so.
    expect(page.get_by_label("Remove our password at the carrier")).to_have_count(0)
    expect(form).to_contain_text("None set.")
    shot(page, "admin-trunk-passwords-removed")


def test_platform_admin_deletes_a_tenant_and_a_tenant_admin_cannot(open_console, server):
    t = tenant(server, "Vandelay Industries", "art@vandelay.test")
    created(server.call("POST", f"{t['base']}/extensions", {"number": "201", "name": "TPS reports"}, t["admin"]))
    # The tenant's own admin sees its policy, but no way to delete the tenant.
    page = open_console("art@vandelay.test", "admin-password", path="/admin/policy")
    expect(page.locator("#policy-form")).to_be_visible()
    expect(page.locator("#tenant-delete")).to_have_count(0)

    page = open_console("root@example.com", "root-password", path=f"/admin/policy?tenant={t['id']}")
    expect(page.locator("#tenant-name")).to_have_text("Vandelay Industries")
    page.click('#tenant-delete button:text-is("Delete tenant")')
    expect(page.locator("#tenant-delete")).to_contain_text("Delete Vandelay Industries and everything it owns?")
    page.click('#tenant-delete button.danger')
    expect(page.locator("#content h1")).to_have_text("Tenants")
    expect(page).to_have_url(server.base + "/admin/tenants")
    expect(page.locator("#status")).to_have_text("Deleted Vandelay Industries.")
    expect(page.locator("tr", has_text="Vandelay Industries")).to_have_count(0)
    expect(page.locator("#nav a")).to_have_text(["Tenants", "API tokens"])
    root = server.login("root@example.com", "root-password")
    assert server.call("GET", t["base"], token=root)[0] == 404


def test_api_tokens_are_created_shown_once_used_and_revoked(open_console, server):
    tenant(server, "Kramerica", "cosmo@kramerica.test")
    page = open_console("cosmo@kramerica.test", "admin-password")
    nav(page, "API tokens")
    expect(page.locator(".empty h2")).to_have_text("No API tokens")

    page.click("#token-form button[type=submit]")
    expect(field_error(page, "#token-form", "name")).not_to_be_empty()
    page.fill("#token-form [name=name]", "billing export")
    page.fill("#token-form [name=expires_in_days]", "30")
    page.click("#token-form button[type=submit]")
    expect(page.locator("#token-created")).to_contain_text("shown only this once")
    secret = page.locator("#new-token").input_value()
    assert secret and page.locator("#new-token").evaluate("e => e === document.activeElement")
    status, me = server.call("GET", "/me", token=secret)
    assert status == 200 and me["user"]["email"] == "cosmo@kramerica.test"
    row = page.locator("tr", has_text="billing export")
    expect(row).to_contain_text("never")  # not used yet when the page was drawn
    shot(page, "admin-api-tokens")

    # Only the digest is kept: a reload lists the token without its secret.
    page.reload()
    expect(page.locator("#token-created")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(secret)
    page.locator("tr", has_text="billing export").locator("button", has_text="Revoke").click()
    page.locator("tr", has_text="billing export").locator("button.danger").click()
    expect(page.locator("#status")).to_have_text("Revoked billing export.")
    expect(page.locator(".empty h2")).to_have_text("No API tokens")
    assert server.call("GET", "/me", token=secret)[0] == 401
