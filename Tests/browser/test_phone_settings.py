"""The softphone's own settings (issue 16): do not disturb with a presence dot, kept on the server
so every device agrees, and not rung while it is on; the microphone checked before a call (refused:
said so, and the call is neither answered nor placed); microphone and speaker pickers whose choice
the call uses; numbers in the tenant's national format and times on the tenant's clock, whatever the
browser's. Headless Chromium (fake media devices) at phone and desktop width."""
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from conftest import DID, HOOK_SECRET, national, open_phone, shot, sip_event, wait_for

WIDTHS = [(390, 844), (1366, 900)]
REFUSED_MIC = """
  navigator.mediaDevices.getUserMedia = async () => { throw new DOMException("Permission denied", "NotAllowedError"); };
"""


def inbound(server, caller: str) -> dict:
    status, decision = server.call("POST", "/sip/inbound", {
        "sip_trunk_id": "ST_in", "call": {"lk_call_id": f"SCL_set_{time.time_ns()}", "from": {"user": caller},
                                          "to": {"user": DID}}}, headers={"Authorization": f"Bearer {HOOK_SECRET}"})
    assert status == 200 and decision["result"] == "ACCEPT", decision
    return decision


def call_of(server, world, decision) -> dict:
    return server.get(f'{world["base"]}/calls/{decision["scaidial_call_id"]}', world["admin"])[1]


def caller_hangs_up(server, decision, caller: str):
    server.webhook(sip_event("participant_left", decision["room_name"], caller, "hangup", f"EV_left_{time.time_ns()}"))


@pytest.mark.parametrize("width,height", WIDTHS)
def test_do_not_disturb_is_kept_on_the_server_shown_on_every_device_and_calls_do_not_ring(browser, server, world, width, height):
    context, page, errors = open_phone(browser, server, width, height, "/my/dial")
    other, second, other_errors = open_phone(browser, server, 1366, 900, "/my/recents")  # the user's other device
    presence = page.locator("#presence")
    expect(presence).to_have_text("Available")
    expect(presence).to_have_attribute("aria-pressed", "false")
    presence.click()
    expect(presence).to_have_text("Do not disturb")
    expect(presence).to_have_attribute("aria-pressed", "true")
    expect(presence).to_be_focused()  # focus stays on the switch
    # The other device hears it at once, and a new sign-in reads it back from the server.
    expect(second.locator("#presence")).to_have_text("Do not disturb")
    status, me = server.call("GET", "/me", None, server.login("ada@acme.test", "ada-password"))
    assert me["user"]["do_not_disturb"] is True
    shot(page, f"app-dnd-{width}")

    # A call to Ada's extension: nobody is available, so it follows the unavailable rule
    # (voicemail) and rings neither device.
    caller = f"+316334{width:05d}"
    decision = inbound(server, caller)
    wait_for(lambda: call_of(server, world, decision).get("action") == "voicemail", "the call went to voicemail")
    time.sleep(0.5)  # a ring would have been sent with the decision; give the pages a moment to show one
    assert page.locator("[data-ring]").count() == 0 and second.locator("[data-ring]").count() == 0
    caller_hangs_up(server, decision, caller)

    # Off again, from the other device: this one follows.
    second.locator("#presence").click()
    expect(presence).to_have_text("Available")
    expect(presence).to_have_attribute("data-dnd", "false")
    assert errors == [] and other_errors == [], (errors, other_errors)
    other.close()
    context.close()


@pytest.mark.parametrize("width,height", WIDTHS)
def test_a_refused_microphone_is_said_and_the_call_is_not_answered_or_placed(browser, server, fake, world, width, height):
    context, page, errors = open_phone(browser, server, width, height, "/my/dial", init_script=REFUSED_MIC)
    caller = f"+316335{width:05d}"
    decision = inbound(server, caller)
    ring = page.locator(f'[data-ring="{decision["scaidial_call_id"]}"]')
    ring.locator("[data-answer]").click()
    expect(ring.locator(".ring-problem")).to_contain_text("Your browser blocked the microphone")
    expect(ring.locator(".ring-problem")).to_contain_text("The call was not answered.")
    shot(page, f"app-mic-refused-{width}")
    # Not answered: no room joined, and the call still rings (for the others too).
    assert page.evaluate("window.__livekit")["connects"] == []
    assert call_of(server, world, decision)["state"] == "ringing"
    expect(page.locator("#call-card")).to_be_hidden()
    ring.locator("[data-decline]").click()
    expect(ring).to_have_count(0)
    caller_hangs_up(server, decision, caller)

    # Placing a call: refused before ScaiDial is asked.
    placed = len(fake.requests("CreateSIPParticipant"))
    page.fill("#number", "0612345678")
    page.click("#place-call")
    expect(page.locator("#dial-error")).to_contain_text("Your browser blocked the microphone")
    expect(page.locator("#dial-error")).to_contain_text("The call was not placed.")
    assert len(fake.requests("CreateSIPParticipant")) == placed
    expect(page.locator("#call-card")).to_be_hidden()
    # The microphone test says the same.
    page.click("#audio summary")
    page.click("#mic-test")
    expect(page.locator("#mic-status")).to_contain_text("Your browser blocked the microphone")
    assert errors == [], errors
    context.close()


@pytest.mark.parametrize("width,height", WIDTHS)
def test_the_chosen_microphone_is_tested_remembered_and_used_by_the_call(browser, server, fake, world, width, height):
    context, page, errors = open_phone(browser, server, width, height, "/my/dial")
    page.click("#audio summary")
    page.click("#mic-test")
    expect(page.locator("#mic-status")).to_have_text("Your microphone works. Speak: the bar moves with your voice.")
    expect(page.locator("#mic-level")).to_be_visible()
    # Allowed, the pickers name this computer's devices (Chromium's fake ones here).
    wait_for(lambda: page.locator("#microphone option").count() > 1, "the microphones are listed")
    options = page.locator("#microphone option").evaluate_all("(os) => os.map((o) => ({ value: o.value, label: o.textContent }))")
    assert options[0] == {"value": "", "label": "System default microphone"}
    chosen = options[1]
    assert chosen["value"] and chosen["label"], options
    page.select_option("#microphone", chosen["value"])
    shot(page, f"app-audio-{width}", full_page=True)

    # Remembered on this device (a reload keeps it) and used by the call's room.
    page.reload()
    page.wait_for_selector("#presence[data-online=true]")
    wait_for(lambda: page.locator("#microphone").input_value() == chosen["value"], "the choice is remembered")
    assert fake.command("callee +31612345678 answers") == "ok"
    page.fill("#number", "0612345678")
    page.click("#place-call")
    expect(page.locator("#call-card")).to_have_attribute("data-state", "connected")
    room_options = page.evaluate("window.__livekit")["options"]
    assert room_options[-1]["audioCaptureDefaults"] == {"deviceId": chosen["value"]}, room_options
    # Another microphone during the call: switched to at once.
    page.click("#audio summary") if not page.locator("#audio").evaluate("(d) => d.open") else None
    page.select_option("#microphone", "")
    wait_for(lambda: page.evaluate("window.__livekit")["switches"] == [{"kind": "audioinput", "deviceId": "default"}],
             "the room switched microphone")
    page.click("#hang-up")
    expect(page.locator("#call-card")).to_have_attribute("data-state", "ended")
    assert errors == [], errors
    context.close()


@pytest.mark.parametrize("width,height", WIDTHS)
def test_numbers_in_national_format_and_times_on_the_tenants_clock_whatever_the_browsers(browser, server, world, width, height):
    # The browser runs on New York time; Acme is in Amsterdam, and its phone shows Amsterdam's clock.
    context, page, errors = open_phone(browser, server, width, height, "/my/recents", timezone_id="America/New_York")
    caller = f"+316336{width:05d}"
    decision = inbound(server, caller)
    ring = page.locator(f'[data-ring="{decision["scaidial_call_id"]}"]')
    expect(ring.locator(".ring-from")).to_have_text(national(caller))
    ring.locator("[data-decline]").click()
    caller_hangs_up(server, decision, caller)
    wait_for(lambda: call_of(server, world, decision)["state"] in ("ended", "failed"), "the call is over")
    page.click('.nav a[data-view="phone"]')
    page.click('.nav a[data-view="recents"]')
    row = page.locator(f'.recent[data-id="{decision["scaidial_call_id"]}"]')
    expect(row.locator(".recent-number")).to_have_text(national(caller))
    started = datetime.fromisoformat(call_of(server, world, decision)["started_at"].replace("Z", "+00:00"))
    amsterdam = ZoneInfo("Europe/Amsterdam")
    local = started.astimezone(amsterdam)
    today = datetime.now(amsterdam).date()
    day = "Today" if local.date() == today else "Yesterday" if (today - local.date()).days == 1 else local.strftime("%-d %b %Y")
    expect(row.locator(".recent-when")).to_have_text(f"{day}, {local:%H:%M}")
    # A number of another country stays international.
    assert page.evaluate("ScaiDialPhone.number('+442079460000')") == "+442079460000"
    assert page.evaluate("ScaiDialPhone.number('anonymous')") == "Withheld number"
    shot(page, f"app-recents-national-{width}")
    assert errors == [], errors
    context.close()
