"""(c) Webhooks signed by LiveKit's official Python SDK are accepted by ScaiDial; tampered ones are refused.

Starts the real `scaidial` binary (SCAIDIAL_BIN, default .build/debug/scaidial) with LIVEKIT_* set,
builds events with LiveKit's own protobuf types, serialises them as livekit-server does (protojson,
lowerCamelCase, defaults omitted) and signs them with `AccessToken.with_sha256`.
"""
import base64
import hashlib
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToJson
from livekit import api
from livekit.protocol import models, webhook

ROOT = Path(__file__).resolve().parents[2]
KEY, SECRET = "APIoracle", "oracle-secret-0123456789-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    binary = Path(os.environ.get("SCAIDIAL_BIN", ROOT / ".build/debug/scaidial"))
    if not binary.is_absolute():
        binary = (ROOT / binary).resolve()
    assert binary.exists(), f"build ScaiDial first: {binary} is missing"
    work = tempfile.mkdtemp(prefix="scaidial-oracle-")
    port = free_port()
    env = dict(os.environ, SCAIDIAL_PORT=str(port), SCAIDIAL_DATA_DIR=work,
               SCAIDIAL_DATABASE_URL=f"sqlite://{work}/db.sqlite",
               LIVEKIT_URL="http://127.0.0.1:9", LIVEKIT_API_KEY=KEY, LIVEKIT_API_SECRET=SECRET)
    proc = subprocess.Popen([str(binary), "serve"], env=env, cwd=work,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/readyz", timeout=1)
            break
        except Exception:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("scaidial did not become ready")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def event_body(event_id: str) -> str:
    event = webhook.WebhookEvent(
        event="participant_joined", id=event_id, created_at=int(time.time()),
        room=models.Room(sid="RM_oracle", name="oracle-room"),  # not a ScaiDial call room: nothing to dispatch
        participant=models.ParticipantInfo(
            sid="PA_oracle", identity="sip_+31612345678", state=models.ParticipantInfo.ACTIVE,
            kind=models.ParticipantInfo.SIP,
            attributes={"sip.callID": "SCL_oracle", "sip.phoneNumber": "+31612345678",
                        "sip.trunkPhoneNumber": "+31201234567", "sip.trunkID": "ST_oracle",
                        "sip.callStatus": "ringing"}))
    return MessageToJson(event, indent=None)


def sign(body: str, key: str = KEY, secret: str = SECRET) -> str:
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    return api.AccessToken(key, secret).with_sha256(digest).to_jwt()


def post(base: str, body: str, auth):
    headers = {"Content-Type": "application/webhook+json"}
    if auth is not None:
        headers["Authorization"] = auth
    req = urllib.request.Request(base + "/livekit/webhook", data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def test_official_sdk_signature_is_accepted_once(server):
    body = event_body("EV_oracle_ok")
    assert json.loads(body)["participant"]["kind"] == "SIP"  # camelCase protojson, as livekit-server sends
    status, answer = post(server, body, sign(body))
    assert (status, answer.get("status")) == (200, "applied")
    status, answer = post(server, body, sign(body))
    assert (status, answer.get("status")) == (200, "duplicate")
    metrics = urllib.request.urlopen(server + "/metrics").read().decode()
    assert 'scaidial_livekit_events_total{event="participant_joined"} 1' in metrics


def test_tampered_body_is_refused(server):
    body = event_body("EV_oracle_tampered")
    auth = sign(body)
    status, answer = post(server, body.replace("+31612345678", "+31600000000"), auth)
    assert status == 401 and answer.get("status") == 401


def test_wrong_secret_and_missing_header_are_refused(server):
    body = event_body("EV_oracle_wrong")
    assert post(server, body, sign(body, secret="not-the-secret-0123456789-012345"))[0] == 401
    assert post(server, body, sign(body, key="APIother"))[0] == 401
    assert post(server, body, None)[0] == 401
    # Nothing was applied by the refused deliveries: the genuine one still applies.
    assert post(server, body, sign(body))[1].get("status") == "applied"


# ---------------------------------------------------------------------------------------------
# (d) The fake LiveKit's own webhooks, as the application tests played them, are what
# livekit-server sends: signed so the official WebhookReceiver accepts them, and parsing strictly
# into LiveKit's WebhookEvent (a field LiveKit does not have would fail here).

ORACLE = Path(os.environ.get("SCAIDIAL_ORACLE_DIR") or ROOT / ".build" / "oracle")
# The events livekit-server sends (protocol webhook/consts.go).
LIVEKIT_EVENTS = {
    "room_started", "room_finished", "participant_joined", "participant_left", "participant_connection_aborted",
    "track_published", "track_unpublished", "egress_started", "egress_updated", "egress_ended",
    "ingress_started", "ingress_ended",
}


def fake_webhook_files():
    return sorted(ORACLE.glob("webhook.*.json"))


def test_the_application_tests_left_the_fakes_webhooks():
    tags = {p.name for p in fake_webhook_files()}
    for tag in ("app-bridge", "app-voicemail", "app-click-to-call", "app-ringing", "app-bot"):
        assert f"webhook.{tag}.json" in tags, f"run swift test first: no webhooks of {tag}"


def test_the_fakes_webhooks_verify_and_parse_as_livekits():
    from google.protobuf import json_format
    seen = set()
    for path in fake_webhook_files():
        data = json.loads(path.read_text())
        receiver = api.WebhookReceiver(api.TokenVerifier(data["api_key"], data["api_secret"]))
        assert data["events"], f"{path.name}: no events"
        for e in data["events"]:
            event = receiver.receive(e["body"], e["authorization"])
            strict = json_format.Parse(e["body"], webhook.WebhookEvent(), ignore_unknown_fields=False)
            assert strict == event
            assert event.event in LIVEKIT_EVENTS, f"{path.name}: {event.event} is not an event LiveKit sends"
            assert event.id.startswith("EV_") and event.created_at > 0
            seen.add(event.event)
            if event.event.startswith("participant_") or event.event == "track_published":
                assert event.room.name and event.participant.identity
            if event.event == "track_published":
                # livekit-server's TrackPublished names the participant by sid and identity only.
                only = models.ParticipantInfo(sid=event.participant.sid, identity=event.participant.identity)
                assert event.participant == only, f"{path.name}: track_published carries more than sid and identity"
                assert event.track.sid
            if event.event == "participant_joined" and event.participant.kind == models.ParticipantInfo.Kind.SIP:
                status = event.participant.attributes.get("sip.callStatus")
                # livekit-sip's participants join dialing (outbound) or ringing (inbound), never answered.
                assert status in ("dialing", "ringing"), f"{path.name}: a SIP participant joined {status}"
            if event.event.startswith("egress_"):
                assert event.egress_info.egress_id
            if event.event.startswith("ingress_"):
                assert event.ingress_info.ingress_id
            # A tampered body is refused by the official receiver.
            with pytest.raises(Exception):
                receiver.receive(e["body"].replace("EV_", "EV_x", 1), e["authorization"])
    assert {"participant_joined", "participant_left", "track_published"} <= seen
    assert {"ingress_ended", "egress_ended"} <= seen
