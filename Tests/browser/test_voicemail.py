"""/my/voicemail in headless Chromium: a caller leaves a message through the whole voicemail flow
(greeting Ingress, recording Egress, signed webhooks), it appears live in the inbox, plays (which
marks it read) and is deleted — the recording with it."""
from conftest import leave_message, national, shot, voicemail_number

VOICEMAIL_DID = "+31201110009"
CALLER = "+31611223344"


def test_a_message_arrives_live_plays_marks_read_and_is_deleted(browser, server, fake, world):
    voicemail_number(server, world, VOICEMAIL_DID, "voicemail only")

    context = browser.new_context(viewport={"width": 900, "height": 760})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.base + "/my/voicemail")
    page.fill("#email", "ada@acme.test")
    page.fill("#password", "ada-password")
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector("#inbox:not([hidden])")
    page.wait_for_selector("#empty:not([hidden])")
    assert "No messages yet" in page.text_content("#empty")

    path = leave_message(server, fake, VOICEMAIL_DID, CALLER, "SCL_browser_vm")
    # It appears without a reload (the `voicemail` event), unread.
    message = page.wait_for_selector(".message[data-read=false]")
    assert national(CALLER) in message.text_content()  # in the tenant's national format
    assert "0:04" in message.text_content()
    assert page.text_content("#unread-count") == "1"
    shot(page, "voicemail-inbox")

    # The audio streams from ScaiDial with the session: the browser reads its real duration.
    duration = page.evaluate("""async () => {
        const a = document.querySelector('.message audio');
        a.preload = 'auto'; a.load();
        await new Promise((ok, fail) => { a.onloadedmetadata = ok; a.onerror = () => fail(a.error && a.error.code); });
        return a.duration; }""")
    assert 2 < duration < 10, duration
    page.evaluate("document.querySelector('.message audio').play().catch(() => {})")
    page.wait_for_selector(".message[data-read=true]")
    assert page.text_content(".message [data-toggle-read]") == "Mark unread"

    page.on("dialog", lambda d: d.accept())
    page.click(".message [data-delete]")
    page.wait_for_selector(".message", state="detached")
    assert not path.exists()
    assert server.get("/me/voicemails", server.login("ada@acme.test", "ada-password"))[1]["items"] == []
    assert errors == [], errors
    context.close()
