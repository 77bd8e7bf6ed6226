"""The browser tests' world: the fake LiveKit server and the real `scaidial` binary as processes,
a tenant with a synced trunk, a user with a granted extension, and headless Chromium.

Binaries: SCAIDIAL_BIN (default .build/debug/scaidial) and LIVEKIT_FAKE_BIN (default
.build/debug/livekit-fake). Screenshots go to test-artifacts/browser/.
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
from livekit.protocol import egress, ingress, models, webhook
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
KEY, SECRET = "APIbrowser", "browser-secret-0123456789-0123456789"
HOOK_SECRET = "browser-hook-secret"
SDK_URL = "https://sdk.test/livekit-client.umd.js"
STUB = (Path(__file__).parent / "livekit-stub.js").read_bytes()
DID = "+31201110001"


def national(e164: str) -> str:
    """How the softphone writes a number of the test tenant (NL): its national form, "+3161…" → "061…"."""
    assert e164.startswith("+31"), e164
    return "0" + e164[3:]


def binary(env_name: str, default: str) -> Path:
    path = Path(os.environ.get(env_name, ROOT / default))
    path = path if path.is_absolute() else (ROOT / path).resolve()
    assert path.exists(), f"build first: {path} is missing"
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Fake:
    """The livekit-fake process: one command line in, one answer line out."""

    def __init__(self):
        env = dict(os.environ, LIVEKIT_API_KEY=KEY, LIVEKIT_API_SECRET=SECRET)
        self.proc = subprocess.Popen([str(binary("LIVEKIT_FAKE_BIN", ".build/debug/livekit-fake"))], env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        line = self.proc.stdout.readline().strip()
        assert line.startswith("LIVEKIT_URL="), line
        self.url = line.split("=", 1)[1]

    def command(self, line: str) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def requests(self, method: str) -> list:
        return json.loads(self.command(f"requests {method}").split(" ", 1)[1])

    def close(self):
        self.command("quit") if self.proc.poll() is None else None
        self.proc.wait(timeout=10)


class Server:
    """The real binary, on SQLite (or `database_url`), pointed at the fake LiveKit (or `livekit_url`;
    with neither, no LiveKit at all) and serving the stub SDK URL. The fault tests (Tests/faults)
    and the Schemathesis run (Tests/api) use it too."""

    def __init__(self, fake=None, database_url=None, livekit_url=None):
        self.work = tempfile.mkdtemp(prefix="scaidial-browser-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        sri = "sha384-" + base64.b64encode(hashlib.sha384(STUB).digest()).decode()
        self.env = dict(os.environ, SCAIDIAL_PORT=str(self.port), SCAIDIAL_DATA_DIR=self.work,
                        SCAIDIAL_DATABASE_URL=database_url or f"sqlite://{self.work}/db.sqlite", SCAIDIAL_PUBLIC_URL=self.base,
                        SCAIDIAL_SIP_INBOUND_SECRET=HOOK_SECRET, SCAIDIAL_LIVEKIT_SDK_URL=SDK_URL,
                        SCAIDIAL_LIVEKIT_SDK_INTEGRITY=sri)
        for name in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"):
            self.env.pop(name, None)
        livekit_url = livekit_url or (fake.url if fake else None)
        if livekit_url:
            self.env.update(LIVEKIT_URL=livekit_url, LIVEKIT_API_KEY=KEY, LIVEKIT_API_SECRET=SECRET)
        bin_ = binary("SCAIDIAL_BIN", ".build/debug/scaidial")
        subprocess.run([str(bin_), "create-admin", "--email", "root@example.com", "--password", "root-password"],
                       env=self.env, cwd=self.work, check=True, capture_output=True)
        self.log = open(Path(self.work) / "serve.log", "w")
        self.proc = subprocess.Popen([str(bin_), "serve"], env=self.env, cwd=self.work, stdout=self.log, stderr=self.log)
        wait_for(lambda: self.get("/readyz")[0] == 200, "scaidial is ready")

    def call(self, method: str, path: str, body=None, token=None, headers=None):
        h = {"Content-Type": "application/json", **(headers or {})}
        if token:
            h["Authorization"] = f"Bearer {token}"
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data, headers=h, method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, json.loads(raw) if raw else None
        except OSError:
            return 0, None

    def get(self, path, token=None):
        return self.call("GET", path, token=token)

    def login(self, email, password) -> str:
        status, body = self.call("POST", "/v1/auth/login", {"email": email, "password": password})
        assert status == 200, body
        return body["token"]

    def send_webhook(self, event: webhook.WebhookEvent):
        """The event as livekit-server posts it (signed JWT over the body's SHA-256); its (status, body)."""
        body = MessageToJson(event, indent=None)
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        auth = api.AccessToken(KEY, SECRET).with_sha256(digest).to_jwt()
        return self.call("POST", "/livekit/webhook", body.encode(),
                         headers={"Authorization": auth, "Content-Type": "application/webhook+json"})

    def webhook(self, event: webhook.WebhookEvent):
        status, answer = self.send_webhook(event)
        assert status == 200, answer

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


def wait_for(condition, what: str, timeout: float = 15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {what}")


@pytest.fixture(scope="session")
def fake():
    f = Fake()
    yield f
    f.close()


@pytest.fixture(scope="session")
def server(fake):
    s = Server(fake)
    yield s
    s.close()


@pytest.fixture(scope="session")
def world(server):
    return make_world(server)


def make_world(server):
    """Tenant "Acme" (NL): a trunk with one number, synced to the fake LiveKit; extension 101 rung
    by the dialplan and granted to Ada; extension 102 that Ada holds no grant on."""
    root = server.login("root@example.com", "root-password")
    def created(reply):
        status, body = reply
        assert status == 201, body
        return body["id"]
    tenant = created(server.call("POST", "/v1/tenants", {"name": "Acme", "country": "NL", "timezone": "Europe/Amsterdam"}, root))
    base = f"/v1/tenants/{tenant}"
    created(server.call("POST", f"{base}/users", {"email": "it@acme.test", "password": "admin-password", "role": "tenant_admin"}, root))
    user = created(server.call("POST", f"{base}/users", {"email": "ada@acme.test", "password": "ada-password",
                                                          "display_name": "Ada Lovelace"}, root))
    admin = server.login("it@acme.test", "admin-password")
    trunk = created(server.call("POST", f"{base}/trunks", {"name": "carrier", "address": "sip.carrier.test:5060"}, admin))
    ext = created(server.call("POST", f"{base}/extensions", {"number": "101", "name": "Front desk", "ring_timeout_s": 60}, admin))
    created(server.call("POST", f"{base}/extensions", {"number": "102", "name": "Back office"}, admin))
    server.call("POST", f"{base}/extensions/{ext}/grants", {"user_id": user}, admin)
    plan = created(server.call("POST", f"{base}/dialplans", {"name": "main"}, admin))
    created(server.call("POST", f"{base}/dialplans/{plan}/rules", {"priority": 10, "action": {"type": "ring_extension", "extension_id": ext}}, admin))
    created(server.call("POST", f"{base}/dids", {"number": DID, "trunk_id": trunk, "dialplan_id": plan}, admin))
    wait_for(lambda: server.get(f"{base}/trunks/{trunk}", admin)[1]["sync"]["state"] == "synced", "the trunk synced to LiveKit")
    return {"base": base, "admin": admin, "user": user, "extension": ext, "trunk": trunk}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required",
            # A fake microphone and camera, allowed without a prompt: the softphone checks the microphone
            # before every first call; tests that refuse it replace getUserMedia in the page.
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"])
        yield b
        b.close()


def open_phone(browser, server, width=900, height=760, path="/my/dial", email="ada@acme.test", password="ada-password",
               init_script=None, timezone_id=None):
    """A fresh browser context signed in on the softphone at `path` (the stub SDK served at the SDK
    URL; `init_script` runs before the page's own); answers (context, page, errors) — the page errors
    seen, to assert none at the end."""
    options = {"viewport": {"width": width, "height": height}}
    if timezone_id:
        options["timezone_id"] = timezone_id  # the browser's own clock, when it must differ from the tenant's
    context = browser.new_context(**options)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(SDK_URL, lambda route: route.fulfill(status=200, body=STUB, headers={
        "Content-Type": "text/javascript", "Access-Control-Allow-Origin": "*"}))
    page.goto(server.base + path)
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector("#presence[data-online=true]")
    return context, page, errors


@pytest.fixture
def page(browser, server, world):
    """A fresh browser signed in as Ada on /my/dial, with the stub SDK served at the SDK URL."""
    context, page, errors = open_phone(browser, server)
    yield page
    assert errors == [], errors
    context.close()


def shot(page, name: str, full_page: bool = False):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def sip_event(kind: str, room: str, number: str, status: str, event_id: str, reason=None) -> webhook.WebhookEvent:
    """What livekit-server says about the callee's (or caller's) SIP participant."""
    participant = models.ParticipantInfo(
        sid=f"PA_{event_id}", identity=f"sip_{number}", state=models.ParticipantInfo.ACTIVE, kind=models.ParticipantInfo.SIP,
        attributes={"sip.callID": f"SCL_{event_id}", "sip.phoneNumber": number, "sip.trunkPhoneNumber": DID,
                    "sip.callStatus": status})
    if reason is not None:
        participant.disconnect_reason = reason
    return webhook.WebhookEvent(event=kind, id=event_id, created_at=int(time.time()),
                                room=models.Room(name=room), participant=participant)


def browser_joined(room: str, identity: str, event_id: str) -> webhook.WebhookEvent:
    return webhook.WebhookEvent(event="participant_joined", id=event_id, created_at=int(time.time()), room=models.Room(name=room),
                                participant=models.ParticipantInfo(sid=f"PA_{event_id}", identity=identity,
                                                                   state=models.ParticipantInfo.ACTIVE))


def audio_published(room: str, identity: str, event_id: str) -> webhook.WebhookEvent:
    """`track_published` as livekit-server sends it: the participant is named by sid and identity
    only (livekit/livekit pkg/telemetry/events.go), the track is the microphone's."""
    return webhook.WebhookEvent(event="track_published", id=event_id, created_at=int(time.time()), room=models.Room(name=room),
                                participant=models.ParticipantInfo(sid=f"PA_{identity}", identity=identity),
                                track=models.TrackInfo(sid=f"TR_{event_id}", type=models.AUDIO,
                                                       source=models.TrackSource.MICROPHONE))


def recording(path: Path):
    """A real OGG Vorbis file of a few seconds of speech, as Egress would have written it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wav = path.with_suffix(".wav")
    subprocess.run(["espeak-ng", "-w", str(wav), "Hello, this is a test message. Please call me back."], check=True)
    subprocess.run(["sox", str(wav), str(path)], check=True)
    wav.unlink()


def voicemail_number(server, world, did: str, plan_name: str) -> None:
    """A number of Acme's whose dialplan sends every call to extension 101's voicemail (made once)."""
    admin, base = world["admin"], world["base"]
    if any(d["number"] == did for d in server.get(f"{base}/dids", admin)[1]["items"]):
        return
    status, plan = server.call("POST", f"{base}/dialplans", {"name": plan_name, "rules": [
        {"priority": 1, "action": {"type": "voicemail", "extension_id": world["extension"]}}]}, admin)
    assert status == 201, plan
    trunk = server.get(f"{base}/trunks", admin)[1]["items"][0]["id"]
    status, created = server.call("POST", f"{base}/dids", {"number": did, "trunk_id": trunk, "dialplan_id": plan["id"]}, admin)
    assert status == 201, created


def leave_message(server, fake, did: str, caller: str, call_id: str) -> Path:
    """The voicemail flow for one call to `did` (its dialplan sends it to voicemail), as livekit-sip
    and livekit-server would drive it; answers the recording's path in the storage."""
    status, decision = server.call("POST", "/sip/inbound", {
        "sip_trunk_id": "ST_browser", "call": {"lk_call_id": call_id, "from": {"user": caller}, "to": {"user": did}}},
        headers={"Authorization": f"Bearer {HOOK_SECRET}"})
    assert status == 200 and decision["result"] == "ACCEPT", decision
    room = decision["room_name"]
    assert fake.command(f"join {room} sip_{caller} ringing") == "ok"
    egresses_before = len(fake.requests("StartParticipantEgress"))
    server.webhook(sip_event("participant_joined", room, caller, "ringing", f"{call_id}_joined"))
    # The server's LiveKit work runs after the webhook is answered: the greeting (an Ingress), and
    # with it the recording of the caller (a participant Egress), so no word after the tone is lost.
    wait_for(lambda: len(fake.requests("StartParticipantEgress")) > egresses_before, "the greeting plays and the recording starts")
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
    server.webhook(sip_event("participant_left", room, caller, "hangup", f"{call_id}_left"))
    return path
