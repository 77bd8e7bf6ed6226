"""The softphone as one app (issue 16): Phone and Voicemail are views of one page, so a ringing or
live call stays on screen whatever view is open; playback survives marking a message read; phone
widths (360 and 390 px) never scroll sideways; a refused Answer says the server's reason by its
problem `code`. Headless Chromium against the real binary and the fake LiveKit, at phone and
desktop width, screenshots in test-artifacts/browser/."""
import json
import time

import pytest
from livekit import api
from playwright.sync_api import expect

from conftest import DID, HOOK_SECRET, KEY, SECRET, audio_published, browser_joined, leave_message, national, open_phone, shot, voicemail_number, wait_for

VOICEMAIL_DID = "+31201110019"
WIDTHS = [(390, 844), (1366, 900)]


def inbound(server, caller="+31687654321", did=DID) -> dict:
    status, decision = server.call("POST", "/sip/inbound", {
        "sip_trunk_id": "ST_in", "call": {"lk_call_id": f"SCL_app_{time.time_ns()}", "from": {"user": caller},
                                          "to": {"user": did}}}, headers={"Authorization": f"Bearer {HOOK_SECRET}"})
    assert status == 200 and decision["result"] == "ACCEPT", decision
    return decision


def no_sideways_scroll(page, what: str):
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{what}: the page is {width} px wide in a {inner} px window"


@pytest.mark.parametrize("width,height", WIDTHS)
def test_playing_a_new_message_goes_on_after_it_is_marked_read(browser, server, fake, world, width, height):
    voicemail_number(server, world, VOICEMAIL_DID, "voicemail for the app tests")
    context, page, errors = open_phone(browser, server, width, height, "/my/voicemail")
    caller = f"+316112{width:05d}"
    leave_message(server, fake, VOICEMAIL_DID, caller, f"SCL_play_{width}")
    message = page.locator(".message", has_text=national(caller))
    expect(message).to_have_attribute("data-read", "false")
    # Played: the row turns read in place — the very <audio> element that plays stays in the page
    # and keeps playing (replacing the row used to stop it at once).
    message.locator("audio").evaluate("(a) => { window.__playing = a; return a.play().catch(() => {}); }")
    expect(message).to_have_attribute("data-read", "true")
    expect(message.locator("[data-toggle-read]")).to_have_text("Mark unread")
    playing = page.evaluate("() => ({ connected: window.__playing.isConnected, paused: window.__playing.paused })")
    assert playing == {"connected": True, "paused": False}, playing
    wait_for(lambda: page.evaluate("window.__playing.currentTime") > 0.3, "the message plays on")
    shot(page, f"app-voicemail-playing-{width}")
    # Mark unread and read again by hand: still the same row and player.
    message.locator("[data-toggle-read]").click()
    expect(message).to_have_attribute("data-read", "false")
    assert page.evaluate("window.__playing.isConnected") is True
    assert errors == [], errors
    context.close()
    # The world is shared by the whole session: Ada's inbox is left empty, as the other tests expect it.
    ada = server.login("ada@acme.test", "ada-password")
    for m in server.get("/me/voicemails", ada)[1]["items"]:
        assert server.call("DELETE", f"/me/voicemails/{m['id']}", None, ada)[0] == 204


@pytest.mark.parametrize("width,height", WIDTHS)
def test_a_call_rings_on_the_voicemail_view_is_answered_there_and_stays_across_views(browser, server, world, width, height):
    context, page, errors = open_phone(browser, server, width, height, "/my/voicemail")
    page.evaluate("window.__sameDocument = true")
    expect(page.locator("#inbox")).to_be_visible()
    decision = inbound(server)
    ring = page.locator(f'[data-ring="{decision["scaidial_call_id"]}"]')
    expect(ring).to_be_visible()
    expect(ring.locator(".ring-from")).to_have_text("0687654321")
    no_sideways_scroll(page, "ringing on the voicemail view")
    shot(page, f"app-ring-on-voicemail-{width}")

    ring.locator("[data-answer]").click()
    expect(page.locator("#call-card")).to_be_visible()
    wait_for(lambda: page.evaluate("window.__livekit")["microphone"] == [True], "the microphone is published")
    claims = api.TokenVerifier(KEY, SECRET).verify(page.evaluate("window.__livekit")["connects"][0]["token"])
    server.webhook(browser_joined(decision["room_name"], claims.identity, f"EV_app_join_{width}"))
    server.webhook(audio_published(decision["room_name"], claims.identity, f"EV_app_audio_{width}"))
    expect(page.locator("#call-card")).to_have_attribute("data-state", "connected")

    # Switching views is not a page load: the call, its card and its audio stay.
    page.click('.nav a[data-view="phone"]')
    expect(page.locator("#dialer")).to_be_visible()
    expect(page.locator("#inbox")).to_be_hidden()
    assert page.url.endswith("/my/dial")
    expect(page.locator('.nav a[data-view="phone"]')).to_have_attribute("aria-current", "page")
    expect(page.locator("#call-card")).to_have_attribute("data-state", "connected")
    page.click('.nav a[data-view="voicemail"]')
    expect(page.locator("#inbox")).to_be_visible()
    page.go_back()
    expect(page.locator("#dialer")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True
    assert page.evaluate("window.__livekit")["disconnects"] == 0
    shot(page, f"app-call-across-views-{width}")
    page.click("#hang-up")
    expect(page.locator("#call-card")).to_have_attribute("data-state", "ended")
    assert errors == [], errors
    context.close()


@pytest.mark.parametrize("width,height", [(360, 740), (390, 844)])
def test_phone_widths_never_scroll_sideways_and_the_call_card_leaves_the_keypad_usable(browser, server, fake, world, width, height):
    # A long name is what pushed Sign out off the bar.
    root = server.login("root@example.com", "root-password")
    status, user = server.call("POST", f'{world["base"]}/users', {
        "email": f"bartholomew.vanderlinden-{width}@acme.test", "password": "bart-password",
        "display_name": "Bartholomew van der Linden-Oosterhuis"}, root)
    assert status == 201, user
    status, _ = server.call("POST", f'{world["base"]}/extensions/{world["extension"]}/grants', {"user_id": user["id"]}, root)
    assert status == 201
    context, page, errors = open_phone(browser, server, width, height, "/my/dial",
                                       email=f"bartholomew.vanderlinden-{width}@acme.test", password="bart-password")
    for view in ["phone", "voicemail"]:
        page.click(f'.nav a[data-view="{view}"]')
        no_sideways_scroll(page, f"the {view} view")
        for control in ["#sign-out", "#presence", '.nav a[data-view="voicemail"]']:
            box = page.locator(control).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (control, box)
        # The presence pill keeps its words on one line.
        assert page.evaluate("document.getElementById('presence').getBoundingClientRect().height") < 30
        shot(page, f"app-{view}-{width}")
    page.click('.nav a[data-view="phone"]')

    # A call in progress: the card is on screen, and every key of the keypad can still be pressed
    # (touch-tones into the call) — Playwright refuses to click a key something else covers.
    assert fake.command("callee +31612345678 answers") == "ok"
    for digit in "0612345678":
        page.click(f'#keypad [data-digit="{digit}"]')
    page.click("#place-call")
    card = page.locator("#call-card")
    expect(card).to_have_attribute("data-state", "connected")
    no_sideways_scroll(page, "a call on the card")
    for digit in "123456789*0#":
        page.click(f'#keypad [data-digit="{digit}"]', timeout=3000)
    assert page.evaluate("window.__livekit")["dtmf"] == list("123456789*0#")
    page.locator("#hang-up").scroll_into_view_if_needed()
    shot(page, f"app-call-card-{width}", full_page=True)
    page.click("#hang-up")
    expect(card).to_have_attribute("data-state", "ended")
    assert errors == [], errors
    context.close()


@pytest.mark.parametrize("code,status,words", [
    ("not_ringing", 409, "This call was answered elsewhere or stopped ringing."),
    ("call_over", 409, "This call is over."),
    ("livekit_not_configured", 409, "Calling isn't set up on this server yet. Ask your administrator."),
    (None, 409, "The callee's line was re-routed by a rule."),
])
def test_a_refused_answer_says_the_servers_reason_by_its_code(browser, server, world, code, status, words):
    """Every 409 used to read "Someone else answered this call". The answer is played by the page's
    network layer so each code can be shown; the server's own codes are pinned by the Swift tests
    (MeController's answer: `livekit_not_configured`; CallRefusal: `not_ringing`, `call_over`)."""
    context, page, errors = open_phone(browser, server, 390, 844, "/my/dial")
    problem = {"type": "about:blank", "title": "Conflict", "status": status, "detail": words if code is None else "x"}
    if code:
        problem["code"] = code
    page.route("**/me/calls/*/answer", lambda route: route.fulfill(
        status=status, body=json.dumps(problem), headers={"Content-Type": "application/problem+json"}))
    decision = inbound(server)
    page.locator(f'[data-ring="{decision["scaidial_call_id"]}"] [data-answer]').click()
    expect(page.locator("#call-card")).to_have_attribute("data-state", "failed")
    expect(page.locator("#card-error")).to_have_text(words)
    assert "Someone else answered" not in page.text_content("#call-card")
    if code == "livekit_not_configured":
        shot(page, "app-answer-refused-390")
    assert errors == [], errors
    context.close()


# Records what the page asks of Web Audio and of desktop notifications (granted), so the test can
# see a ringtone start and stop and a notification come and go.
SPIES = """
window.__tones = 0;
const RealContext = window.AudioContext;
window.AudioContext = class extends RealContext {
  createOscillator() { const o = super.createOscillator(); const start = o.start.bind(o);
                       o.start = (...a) => { window.__tones += 1; return start(...a); }; return o; }
};
window.__notes = [];
window.Notification = class {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { this.title = title; this.options = options; this.closed = false; window.__notes.push(this); }
  close() { this.closed = true; }
};
"""


@pytest.mark.parametrize("width,height", WIDTHS)
def test_a_ringing_call_is_impossible_to_miss_and_the_keyboard_answers_or_declines(browser, server, world, width, height):
    context, page, errors = open_phone(browser, server, width, height, "/my/voicemail", init_script=SPIES)
    title = page.title()
    first = inbound(server, caller="+31611110001")
    ring = page.locator(f'[data-ring="{first["scaidial_call_id"]}"]')
    expect(ring).to_be_visible()
    # The ringtone (Web Audio tones, no file), the flashing title, a desktop notification.
    expect(page.locator("body")).to_have_attribute("data-ringing", "true")
    wait_for(lambda: page.evaluate("window.__tones") >= 4, "the ringtone plays")
    wait_for(lambda: "Incoming call: 0611110001" in page.title(), "the title flashes the caller")
    notes = page.evaluate("window.__notes.map(n => ({ title: n.title, body: n.options.body, tag: n.options.tag, closed: n.closed }))")
    assert notes == [{"title": "Incoming call", "body": "0611110001 → 101 · Front desk", "tag": first["scaidial_call_id"],
                      "closed": False}], notes
    # The ring is on top of the page: nothing covers its Answer button.
    box = ring.locator("[data-answer]").bounding_box()
    covered = page.evaluate("([x, y]) => !document.elementFromPoint(x, y).closest('[data-answer]')",
                            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert covered is False
    shot(page, f"app-ringing-{width}")

    # Esc declines: the banner goes, the tone and the title stop, the notification closes.
    page.keyboard.press("Escape")
    expect(ring).to_have_count(0)
    expect(page.locator("body")).not_to_have_attribute("data-ringing", "true")
    wait_for(lambda: page.title() == title, "the title is back")
    assert page.evaluate("window.__notes[0].closed") is True
    tones = page.evaluate("window.__tones")
    time.sleep(3.2)
    assert page.evaluate("window.__tones") == tones, "the ringtone stopped"

    # Enter answers the next one (focus on the page, not in a field).
    second = inbound(server, caller="+31611110002")
    expect(page.locator(f'[data-ring="{second["scaidial_call_id"]}"]')).to_be_visible()
    page.locator("#inbox h1").click()
    page.keyboard.press("Enter")
    expect(page.locator("#call-card")).to_be_visible()
    expect(page.locator("#card-peer")).to_have_text("0611110002")
    wait_for(lambda: page.evaluate("window.__livekit")["microphone"] == [True], "the answer joined the room")
    expect(page.locator("body")).not_to_have_attribute("data-ringing", "true")
    page.click("#hang-up")
    assert errors == [], errors
    context.close()


@pytest.mark.parametrize("width,height", WIDTHS)
def test_recents_lists_the_users_calls_and_call_back_dials(browser, server, fake, world, width, height):
    context, page, errors = open_phone(browser, server, width, height, "/my/dial")
    # An outgoing call, answered and hung up.
    assert fake.command("callee +31612345678 answers") == "ok"
    page.fill("#number", "0612345678")
    page.click("#place-call")
    expect(page.locator("#call-card")).to_have_attribute("data-state", "connected")
    page.click("#hang-up")
    expect(page.locator("#call-card")).to_have_attribute("data-state", "ended")
    page.click("#card-close")
    # An incoming call Ada declines (she is the only one it rings): a call she did not take.
    caller = f"+316123{width:05d}"
    decision = inbound(server, caller=caller)
    page.locator(f'[data-ring="{decision["scaidial_call_id"]}"] [data-decline]').click()
    ada = server.login("ada@acme.test", "ada-password")
    def kind():
        items = server.get("/me/calls", ada)[1]["items"]
        found = next((c for c in items if c["id"] == decision["scaidial_call_id"]), None)
        return found and found["kind"] != "ringing" and found["kind"]
    wait_for(kind, "the declined call is over")
    expected = {"missed": "Missed", "voicemail": "Voicemail"}[kind()]

    # Next to Call from: the number callees see (the trunk's first number; the tenant chose none).
    expect(page.locator("#caller-id")).to_have_text(f"Callees see {national(DID)}")
    page.click('.nav a[data-view="recents"]')
    assert page.url.endswith("/my/recents")
    declined = page.locator(f'.recent[data-id="{decision["scaidial_call_id"]}"]')
    expect(declined).to_contain_text(national(caller))
    expect(declined.locator(".recent-kind")).to_have_text(expected)
    expect(declined).to_contain_text("101 · Front desk")
    outgoing = page.locator('.recent[data-kind="outgoing"]').first
    expect(outgoing).to_contain_text("0612345678")
    expect(outgoing.locator(".recent-kind")).to_have_text("Outgoing")
    expect(outgoing).to_contain_text("101 · Front desk")  # the extension it was placed from
    no_sideways_scroll(page, "the Recents view")
    shot(page, f"app-recents-{width}")

    # Call back: to the Phone view, and the call is placed to that number from extension 101.
    before = len(fake.requests("CreateSIPParticipant"))
    assert fake.command(f"callee {caller} rings") == "ok"
    declined.locator("[data-call-back]").click()
    expect(page.locator("#dialer")).to_be_visible()
    assert page.url.endswith("/my/dial")
    wait_for(lambda: len(fake.requests("CreateSIPParticipant")) > before, "LiveKit was asked to dial")
    assert fake.requests("CreateSIPParticipant")[-1]["sip_call_to"] == caller
    expect(page.locator("#card-peer")).to_have_text(caller)
    page.click("#hang-up")
    expect(page.locator("#call-card")).to_have_attribute("data-state", "ended")
    assert errors == [], errors
    context.close()
