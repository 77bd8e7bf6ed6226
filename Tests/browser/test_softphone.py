"""/my/dial in headless Chromium against the real binary and the fake LiveKit; the LiveKit SDK
is a recording stub, webhooks are signed with LiveKit's official Python SDK."""
import json
import time

from livekit import api
from playwright.sync_api import expect

from conftest import DID, HOOK_SECRET, KEY, SECRET, audio_published, browser_joined, shot, sip_event, wait_for


def stub(page) -> dict:
    return page.evaluate("window.__livekit")


def dial(page, fake, digits: str) -> dict:
    """Types the number on the keypad, presses Place call; returns LiveKit's dial request."""
    before = len(fake.requests("CreateSIPParticipant"))
    for digit in digits:
        page.click(f'#keypad [data-digit="{digit}"]')
    expect(page.locator("#number")).to_have_value(digits)
    page.click("#place-call")
    wait_for(lambda: len(fake.requests("CreateSIPParticipant")) > before, "LiveKit was asked to dial")
    return fake.requests("CreateSIPParticipant")[-1]


def test_only_granted_extensions_are_offered(page):
    options = page.locator("#extension option").all_text_contents()
    assert options == ["101 · Front desk"]
    expect(page.locator("#who")).to_have_text("Ada Lovelace")


def test_place_call_goes_dialing_then_connected_when_the_callee_answers_then_hang_up(page, server, fake, world):
    assert fake.command("callee +31612345678 rings") == "ok"
    request = dial(page, fake, "0612345678")
    card = page.locator("#call-card")
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-state", "dialing")
    # livekit-sip puts the callee's participant in the room before its INVITE: the phone rings.
    server.webhook(sip_event("participant_joined", request["room_name"], "+31612345678", "dialing", "EV_dialing"))
    expect(card).to_have_attribute("data-state", "ringing")
    expect(page.locator("#card-peer")).to_have_text("0612345678")
    # The dial waits for the far end: its answer is the only sign of it (no webhook says so).
    assert request["sip_call_to"] == "+31612345678" and request["wait_until_answered"] is True
    # The browser joined the call's room with the token ScaiDial minted, and published its microphone.
    wait_for(lambda: stub(page)["microphone"] == [True], "the microphone is published")
    joined = stub(page)["connects"][0]
    claims = api.TokenVerifier(KEY, SECRET).verify(joined["token"])
    assert claims.video.room == request["room_name"] and claims.video.room_join
    assert joined["url"] == server.env["LIVEKIT_URL"].replace("http://", "ws://")
    shot(page, "1-dialing")

    assert fake.command(f"answer {request['room_name']} {request['participant_identity']}") == "ok"
    expect(card).to_have_attribute("data-state", "connected")
    expect(page.locator("#card-state")).to_have_text("Connected")
    expect(page.locator("#card-timer")).to_have_text("00:01", timeout=5000)
    page.click("#mute")
    expect(page.locator("#mute")).to_have_text("Unmute")
    assert stub(page)["microphone"] == [True, False]
    page.click('#keypad [data-digit="5"]')  # touch-tone into the call, not into the number field
    assert stub(page)["dtmf"] == ["5"]
    shot(page, "2-connected")

    page.click("#hang-up")
    expect(card).to_have_attribute("data-state", "ended")
    expect(page.locator("#card-state")).to_have_text("Call ended")
    wait_for(lambda: any(r["room"] == request["room_name"] for r in fake.requests("DeleteRoom")), "the room was deleted")
    status, calls = server.get(world["base"] + "/calls?direction=outbound", world["admin"])
    call = next(c for c in calls["items"] if c["room_name"] == request["room_name"])
    assert (call["state"], call["end_reason"]) == ("ended", "hangup_by_user")
    assert stub(page)["disconnects"] == 1
    shot(page, "3-ended")


def test_carrier_rejection_shows_on_the_card(page, fake):
    assert fake.command("fail CreateSIPParticipant sip 486 Busy Here") == "ok"
    dial(page, fake, "0687654321")
    expect(page.locator("#call-card")).to_have_attribute("data-state", "failed")
    expect(page.locator("#card-state")).to_have_text("Call failed")
    expect(page.locator("#card-error")).to_have_text("The line is busy.")
    shot(page, "4-busy")
    page.click("#card-close")
    expect(page.locator("#call-card")).to_be_hidden()


def test_refusals_are_said_in_words(page, fake):
    page.fill("#number", "+44 20 7946 0000")
    page.click("#place-call")
    expect(page.locator("#card-error")).to_have_text("International calls aren't allowed for your organisation.")
    page.click("#card-close")
    page.fill("#number", "not a number")
    page.click("#place-call")
    expect(page.locator("#dial-error")).to_have_text("That doesn't look like a phone number.")
    expect(page.locator("#call-card")).to_be_hidden()


def test_inbound_ring_answer_connects_and_hang_up_ends_it(page, server, world):
    status, decision = server.call("POST", "/sip/inbound", {
        "sip_trunk_id": "ST_in", "call": {"lk_call_id": f"SCL_in_{time.time_ns()}", "from": {"user": "+31687654321"},
                                          "to": {"user": DID}}}, headers={"Authorization": f"Bearer {HOOK_SECRET}"})
    assert status == 200 and decision["result"] == "ACCEPT", decision
    ring = page.locator(f'[data-ring="{decision["scaidial_call_id"]}"]')
    expect(ring).to_be_visible()
    expect(ring.locator(".ring-from")).to_have_text("0687654321")
    expect(ring.locator(".ring-to")).to_have_text("to 101 · Front desk")
    shot(page, "5-ringing")

    ring.locator("[data-answer]").click()
    expect(ring).to_have_count(0)
    card = page.locator("#call-card")
    expect(page.locator("#card-state")).to_have_text("Connecting…")
    wait_for(lambda: stub(page)["microphone"] == [True], "the microphone is published")
    token = stub(page)["connects"][0]["token"]
    claims = api.TokenVerifier(KEY, SECRET).verify(token)
    assert claims.video.room == decision["room_name"]
    # The browser is in the room and its microphone is published: livekit-sip answers the caller
    # on that audio, and only then is the call connected.
    server.webhook(browser_joined(decision["room_name"], claims.identity, "EV_browser"))
    expect(page.locator("#card-state")).to_have_text("Connecting…")
    server.webhook(audio_published(decision["room_name"], claims.identity, "EV_browser_audio"))
    expect(card).to_have_attribute("data-state", "connected")
    expect(page.locator("#card-peer")).to_have_text("0687654321")
    shot(page, "6-answered")

    page.click("#hang-up")
    expect(card).to_have_attribute("data-state", "ended")
    # The card says "ended" at once; the hang-up request is on its way.
    def ended():
        status, call = server.get(f'{world["base"]}/calls/{decision["scaidial_call_id"]}', world["admin"])
        return (call["state"], call["end_reason"]) == ("ended", "hangup_by_user")
    wait_for(ended, "the call is recorded as hung up by the user")


def test_declining_a_ring_removes_it(page, server):
    status, decision = server.call("POST", "/sip/inbound", {
        "sip_trunk_id": "ST_in", "call": {"lk_call_id": f"SCL_dec_{time.time_ns()}", "from": {"user": "+31611112222"},
                                          "to": {"user": DID}}}, headers={"Authorization": f"Bearer {HOOK_SECRET}"})
    ring = page.locator(f'[data-ring="{decision["scaidial_call_id"]}"]')
    expect(ring).to_be_visible()
    ring.locator("[data-decline]").click()
    expect(ring).to_have_count(0)
    expect(page.locator("#call-card")).to_be_hidden()


def test_sign_in_refused_in_words(browser, server, world):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.base + "/my/dial")
    page.fill("#email", "ada@acme.test")
    page.fill("#password", "wrong-password")
    page.click("#sign-in-form button[type=submit]")
    expect(page.locator("#sign-in-error")).to_have_text("The email or password is wrong.")
    expect(page.locator("#dialer")).to_be_hidden()
    context.close()


def test_leaving_the_page_during_a_call_asks_first(page, server, fake, world):
    assert fake.command("callee +31612345679 rings") == "ok"
    request = dial(page, fake, "0612345679")
    expect(page.locator("#call-card")).to_have_attribute("data-state", "dialing")
    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()  # "stay on the page"
    # Staying kept the call: still on the card, and hanging up works as ever.
    expect(page.locator("#call-card")).to_have_attribute("data-state", "dialing")
    page.click("#hang-up")
    expect(page.locator("#call-card")).to_have_attribute("data-state", "ended")
    wait_for(lambda: any(r["room"] == request["room_name"] for r in fake.requests("DeleteRoom")), "the room was deleted")
    # No call: the page goes without a question.
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    assert page.is_closed() and dialogs == []


def test_a_reloaded_page_rejoins_its_call(page, server, fake, world):
    request = dial(page, fake, "0612345670")  # the far end picks up at once
    expect(page.locator("#call-card")).to_have_attribute("data-state", "connected")
    first = stub(page)["connects"][0]

    page.on("dialog", lambda d: d.accept())  # "leave the page": the browser asks, the user insists
    page.reload()
    page.wait_for_selector("#presence[data-online=true]")
    card = page.locator("#call-card")
    expect(card).to_have_attribute("data-state", "connected")
    expect(page.locator("#card-error")).to_have_text("This call's audio is not in this window.")
    expect(page.locator("#rejoin")).to_be_visible()
    shot(page, "4-reloaded")
    page.click("#rejoin")
    wait_for(lambda: len(stub(page)["connects"]) == 1, "the page joined the room again")
    again = stub(page)["connects"][0]
    old, new = api.TokenVerifier(KEY, SECRET).verify(first["token"]), api.TokenVerifier(KEY, SECRET).verify(again["token"])
    assert new.video.room == request["room_name"] and new.identity == old.identity  # the same participant, back
    expect(page.locator("#rejoin")).to_be_hidden()
    expect(page.locator("#card-error")).to_have_text("")
    page.click("#hang-up")
    expect(card).to_have_attribute("data-state", "ended")
    wait_for(lambda: any(r["room"] == request["room_name"] for r in fake.requests("DeleteRoom")), "the room was deleted")


def test_a_microphone_that_never_starts_gives_the_call_back_and_says_why(page, server, world):
    status, decision = server.call("POST", "/sip/inbound", {
        "sip_trunk_id": "ST_in", "call": {"lk_call_id": f"SCL_mute_{time.time_ns()}", "from": {"user": "+31622223333"},
                                          "to": {"user": DID}}}, headers={"Authorization": f"Bearer {HOOK_SECRET}"})
    assert status == 200 and decision["result"] == "ACCEPT", decision
    ring = page.locator(f'[data-ring="{decision["scaidial_call_id"]}"]')
    expect(ring).to_be_visible()
    ring.locator("[data-answer]").click()
    expect(page.locator("#card-state")).to_have_text("Connecting…")
    wait_for(lambda: len(stub(page)["connects"]) == 1, "the page joined the room")
    identity = api.TokenVerifier(KEY, SECRET).verify(stub(page)["connects"][0]["token"]).identity
    # LiveKit sees the browser join, but no track is ever published (the microphone was refused).
    server.webhook(browser_joined(decision["room_name"], identity, f"EV_mute_{time.time_ns()}"))
    card = page.locator("#call-card")
    expect(card).to_have_attribute("data-state", "failed", timeout=20000)
    expect(page.locator("#card-error")).to_have_text(
        "Your microphone didn't start, so the caller couldn't hear you. The call was passed on.")
    shot(page, "7-no-audio")
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone the words fit, nothing scrolls sideways
    expect(page.locator("#card-error")).to_be_visible()
    shot(page, "7-no-audio-phone", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    status, call = server.get(f'{world["base"]}/calls/{decision["scaidial_call_id"]}', world["admin"])
    assert call["answered_at"] is None
    leg = next(l for l in call["legs"] if l["kind"] == "wave")
    assert leg["state"] == "failed" and "no audio" in leg["failure_reason"]
    page.click("#card-close")
    expect(card).to_be_hidden()
