"""/my/voicemail in headless Chromium: a caller leaves a message through the whole voicemail flow
(greeting Ingress, recording Egress, signed webhooks), it appears live in the inbox, plays (which
marks it read) and is deleted — the recording with it."""
import subprocess
import time
from pathlib import Path

from livekit.protocol import egress, ingress, webhook

from conftest import HOOK_SECRET, shot, sip_event, wait_for

VOICEMAIL_DID = "+31201110009"
CALLER = "+31611223344"


def recording(path: Path):
    """A real OGG Vorbis file of a few seconds of speech, as Egress would have written it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wav = path.with_suffix(".wav")
    subprocess.run(["espeak-ng", "-w", str(wav), "Hello, this is a test message. Please call me back."], check=True)
    subprocess.run(["sox", str(wav), str(path)], check=True)
    wav.unlink()


def leave_message(server, fake, world, call_id: str):
    """The voicemail flow for one call, as livekit-sip and livekit-server would drive it."""
    status, decision = server.call("POST", "/sip/inbound", {
        "sip_trunk_id": "ST_browser", "call": {"lk_call_id": call_id, "from": {"user": CALLER}, "to": {"user": VOICEMAIL_DID}}},
        headers={"Authorization": f"Bearer {HOOK_SECRET}"})
    assert status == 200 and decision["result"] == "ACCEPT", decision
    room = decision["room_name"]
    assert fake.command(f"join {room} sip_{CALLER} ringing") == "ok"
    server.webhook(sip_event("participant_joined", room, CALLER, "ringing", f"{call_id}_joined"))
    ingress_id = fake.command("ingresses").split(" ", 1)[1].strip('[]"').split('","')[-1]
    server.webhook(webhook.WebhookEvent(event="ingress_ended", id=f"{call_id}_greeting", created_at=int(time.time()),
                                        ingress_info=ingress.IngressInfo(ingress_id=ingress_id)))
    started = fake.requests("StartParticipantEgress")[-1]
    path = Path(started["file_outputs"][0]["filepath"])
    recording(path)
    egress_id = fake.command("egresses").split(" ", 1)[1].strip('[]"').split('","')[-1]
    server.webhook(webhook.WebhookEvent(
        event="egress_ended", id=f"{call_id}_recorded", created_at=int(time.time()),
        egress_info=egress.EgressInfo(egress_id=egress_id, room_name=room, status=egress.EgressStatus.EGRESS_COMPLETE,
                                      file_results=[egress.FileInfo(filename=path.name, duration=4_000_000_000,
                                                                    size=path.stat().st_size)])))
    server.webhook(sip_event("participant_left", room, CALLER, "hangup", f"{call_id}_left"))
    return path


def test_a_message_arrives_live_plays_marks_read_and_is_deleted(browser, server, fake, world):
    admin, base = world["admin"], world["base"]
    status, plan = server.call("POST", f"{base}/dialplans", {"name": "voicemail only", "rules": [
        {"priority": 1, "action": {"type": "voicemail", "extension_id": world["extension"]}}]}, admin)
    assert status == 201, plan
    trunk = server.get(f"{base}/trunks", admin)[1]["items"][0]["id"]
    status, did = server.call("POST", f"{base}/dids", {"number": VOICEMAIL_DID, "trunk_id": trunk, "dialplan_id": plan["id"]}, admin)
    assert status == 201, did

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

    path = leave_message(server, fake, world, "SCL_browser_vm")
    # It appears without a reload (the `voicemail` event), unread.
    message = page.wait_for_selector(".message[data-read=false]")
    assert CALLER in message.text_content()
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
